import type { App } from '@slack/bolt';
import { onButtons } from './on-buttons.ts';
import { DECOMMISSION_OPEN_ACTION_ID, DECOMMISSION_RETRY_ACTION_ID } from '#blocks/decommission.ts';
import type { ListenerDeps } from '../deps.ts';
import { decommissionOpenAction } from './decommission-open.ts';
import { decommissionRetryAction } from './decommission-retry.ts';

/** The decommission buttons (Decommission…, Retry). */
export function registerDecommissionActions(app: App, deps: ListenerDeps): void {
  onButtons(app, {
    [DECOMMISSION_OPEN_ACTION_ID]: decommissionOpenAction(deps),
    [DECOMMISSION_RETRY_ACTION_ID]: decommissionRetryAction(deps),
  });
}
