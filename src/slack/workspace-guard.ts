import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from 'pino';

export interface WorkspaceGuardOptions {
  /** The one workspace (T…) the bot serves, when configured. */
  teamId?: string;
  /** The one Enterprise Grid organisation (E…) the bot serves, when configured. */
  enterpriseId?: string;
  logger: Logger;
}

/**
 * Refuses requests from any other workspace or organisation than the configured ones, before any
 * listener runs: an app installed (or its signing secret leaked) elsewhere cannot drive this bot's
 * AWS role. The request is acknowledged, so Slack does not retry it, and nothing else happens; the
 * refusal is logged with the IDs it came from.
 */
export function workspaceGuard(options: WorkspaceGuardOptions): Middleware<AnyMiddlewareArgs> {
  const { teamId, enterpriseId, logger } = options;
  return async (args) => {
    const { context, next } = args;
    const wrongTeam = teamId !== undefined && context.teamId !== teamId;
    const wrongOrg = enterpriseId !== undefined && context.enterpriseId !== enterpriseId;
    if (!wrongTeam && !wrongOrg) return next();
    logger.warn(
      { teamId: context.teamId, enterpriseId: context.enterpriseId, userId: context.userId },
      'request from another workspace or organisation refused',
    );
    if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
  };
}
