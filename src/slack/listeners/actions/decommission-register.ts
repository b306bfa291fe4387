import type { App, BlockButtonAction } from '@slack/bolt';
import { DECOMMISSION_OPEN_ACTION_ID, DECOMMISSION_RETRY_ACTION_ID } from '#blocks/decommission.ts';
import type { ListenerDeps } from '../deps.ts';
import { decommissionOpenAction } from './decommission-open.ts';
import { decommissionRetryAction } from './decommission-retry.ts';

/** The decommission buttons (Decommission…, Retry). */
export function registerDecommissionActions(app: App, deps: ListenerDeps): void {
  app.action<BlockButtonAction>(
    { action_id: DECOMMISSION_OPEN_ACTION_ID, type: 'block_actions' },
    decommissionOpenAction(deps),
  );
  app.action<BlockButtonAction>(
    { action_id: DECOMMISSION_RETRY_ACTION_ID, type: 'block_actions' },
    decommissionRetryAction(deps),
  );
}
