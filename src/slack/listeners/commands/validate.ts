import type { webApi } from '@slack/bolt';
import type { SlackMessage } from '#blocks/limits.ts';
import { BadInputError } from '../../../domain/errors.ts';
import { runValidateInChannel } from '../../validate-in-channel.ts';
import type { ListenerDeps } from '../deps.ts';

/**
 * `/efs-encrypt validate`: anyone may ask (it only reads AWS and the store). Acknowledged already;
 * the scan and the report run in the background, so the request never waits for them.
 */
export async function validateFromCommand(
  deps: ListenerDeps,
  req: {
    client: webApi.WebClient;
    channelId: string;
    userId: string;
    correlationId: string;
    replyPrivately(message: SlackMessage): Promise<void>;
  },
): Promise<void> {
  await deps.authorizer.authorize(req.userId, 'report');
  const validate = deps.services.validate;
  if (!validate) throw new BadInputError('The validation report is not available in this deployment.');
  deps.tasks.start(`validate ${req.correlationId}`, () =>
    runValidateInChannel(
      {
        client: req.client,
        validate,
        clock: deps.clock,
        scheduler: deps.scheduler,
        logger: deps.logger,
        ...(deps.progressIntervalMs !== undefined ? { progressIntervalMs: deps.progressIntervalMs } : {}),
      },
      req,
    ),
  );
}
