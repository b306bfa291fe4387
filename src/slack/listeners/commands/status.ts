import { statusDetailMessage, statusOverviewMessage } from '#blocks/status.ts';
import type { SlackMessage } from '#blocks/limits.ts';
import { NotImplementedError } from '../../../domain/errors.ts';
import { SLASH_COMMAND } from '../../commands.ts';
import type { ListenerDeps } from '../deps.ts';

export interface StatusCommandRequest {
  userId: string;
  args: string[];
  replyPrivately(message: SlackMessage): Promise<void>;
}

/**
 * `/efs-encrypt status [fs-id]`: where each migration stands, or everything about one. Anyone may
 * read it (authorization.ts keeps status open); the answer is ephemeral, so asking never spams the
 * channel. It reads the store only, so it answers well within the request. An unknown file system
 * is a StatusNotFoundError whose message names the tracked ones; the caller shows it as an error.
 */
export async function statusFromCommand(deps: ListenerDeps, req: StatusCommandRequest): Promise<void> {
  await deps.authorizer.authorize(req.userId, 'status');
  const status = deps.services.status;
  if (!status) throw new NotImplementedError('Status in this deployment');
  const [ref] = req.args;
  await req.replyPrivately(
    ref
      ? statusDetailMessage(await status.detail(ref))
      : statusOverviewMessage(await status.overview(), SLASH_COMMAND),
  );
}
