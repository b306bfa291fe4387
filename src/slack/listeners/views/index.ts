import type { App } from '@slack/bolt';
import { COPY_RSYNC_PASS_CALLBACK_ID, COPY_WRITES_STOPPED_CALLBACK_ID } from '#blocks/copy-modals.ts';
import { CUTOVER_REJECT_CALLBACK_ID, CUTOVER_WAIVE_CALLBACK_ID } from '#blocks/cutover-modals.ts';
import { CUTOVER_ORDER_CALLBACK_ID } from '#blocks/cutover-order.ts';
import { PLAN_CALLBACK_ID } from '#blocks/plan-modal.ts';
import { DECOMMISSION_CALLBACK_ID } from '#blocks/decommission.ts';
import { decommissionSubmitView } from './decommission-submit.ts';
import { registerDecommissionGuardsWork } from '../../decommission-in-thread.ts';
import { SIGN_OFF_CONCERNS_CALLBACK_ID } from '#blocks/sign-off.ts';
import { signOffConcernsView } from './sign-off-concerns.ts';
import type { ListenerDeps } from '../deps.ts';
import { copyRsyncPassView } from './copy-rsync-pass.ts';
import { copyWritesStoppedView } from './copy-writes-stopped.ts';
import { cutoverOrderView } from './cutover-order.ts';
import { cutoverRejectView } from './cutover-reject.ts';
import { cutoverWaiveView } from './cutover-waive.ts';
import { planSubmitView } from './plan-submit.ts';

/** Modal submissions, one file per listener; the migration issues add them here. */
export function registerViews(app: App, deps: ListenerDeps): void {
  app.view({ callback_id: PLAN_CALLBACK_ID, type: 'view_submission' }, planSubmitView(deps));
  app.view(
    { callback_id: COPY_WRITES_STOPPED_CALLBACK_ID, type: 'view_submission' },
    copyWritesStoppedView(deps),
  );
  app.view({ callback_id: DECOMMISSION_CALLBACK_ID, type: 'view_submission' }, decommissionSubmitView(deps));
  registerDecommissionGuardsWork(deps);
  app.view({ callback_id: COPY_RSYNC_PASS_CALLBACK_ID, type: 'view_submission' }, copyRsyncPassView(deps));
  app.view({ callback_id: CUTOVER_REJECT_CALLBACK_ID, type: 'view_submission' }, cutoverRejectView(deps));
  app.view({ callback_id: CUTOVER_WAIVE_CALLBACK_ID, type: 'view_submission' }, cutoverWaiveView(deps));
  app.view(
    { callback_id: SIGN_OFF_CONCERNS_CALLBACK_ID, type: 'view_submission' },
    signOffConcernsView(deps),
  );
  app.view({ callback_id: CUTOVER_ORDER_CALLBACK_ID, type: 'view_submission' }, cutoverOrderView(deps));
}
