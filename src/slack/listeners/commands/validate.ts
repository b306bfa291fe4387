import { BadInputError } from '../../../domain/errors.ts';
import type { ValidateService } from '../../services.ts';
import { runValidateInChannel } from '../../validate-in-channel.ts';
import type { ListenerDeps } from '../deps.ts';
import type { CommandRequest } from './command-work.ts';

/** `/efs-encrypt validate`: anyone may ask (it only reads AWS and the store). */
export async function checkValidateCommand(
  deps: ListenerDeps,
  req: Pick<CommandRequest, 'userId'>,
): Promise<ValidateService> {
  await deps.authorizer.authorize(req.userId, 'report');
  const validate = deps.services.validate;
  if (!validate) throw new BadInputError('The validation report is not available in this deployment.');
  return validate;
}

/** After the ack (here or on the worker): the scan and the report, in a thread of the channel. */
export async function runValidateCommand(deps: ListenerDeps, req: CommandRequest): Promise<void> {
  const validate = await checkValidateCommand(deps, req);
  await runValidateInChannel(
    {
      client: req.client,
      validate,
      clock: deps.clock,
      scheduler: deps.scheduler,
      logger: deps.logger,
      ...(deps.progressIntervalMs !== undefined ? { progressIntervalMs: deps.progressIntervalMs } : {}),
    },
    req,
  );
}
