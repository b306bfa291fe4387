import type { App } from '@slack/bolt';
import { onButtons } from './on-buttons.ts';
import { CUTOVER_ROLLBACK_ACTION_ID, CUTOVER_WAIVE_ACTION_ID } from '#blocks/cutover-progress.ts';
import {
  CUTOVER_APPROVE_ACTION_ID,
  CUTOVER_REJECT_ACTION_ID,
  CUTOVER_REPLAN_REFRESH_ACTION_ID,
  CUTOVER_REVIEW_ACTION_ID,
} from '#blocks/cutover-review.ts';
import { CUTOVER_ORDER_OPEN_ACTION_ID } from '#blocks/cutover-order.ts';
import type { ListenerDeps } from '../deps.ts';
import { cutoverApproveAction } from './cutover-approve.ts';
import { cutoverModalAction } from './cutover-modal-open.ts';
import { cutoverOrderOpenAction } from './cutover-order-open.ts';
import { cutoverReplanAction } from './cutover-replan.ts';
import { cutoverReviewAction } from './cutover-review.ts';
import { cutoverRollbackAction } from './cutover-rollback.ts';

/** The cutover buttons: Review cutover, Approve cutover, Reject, Roll back, Waive, Re-plan with instance refresh, Choose order…. */
export function registerCutoverActions(app: App, deps: ListenerDeps): void {
  onButtons(app, {
    [CUTOVER_REVIEW_ACTION_ID]: cutoverReviewAction(deps),
    [CUTOVER_APPROVE_ACTION_ID]: cutoverApproveAction(deps),
    [CUTOVER_REJECT_ACTION_ID]: cutoverModalAction(deps, 'reject'),
    [CUTOVER_ROLLBACK_ACTION_ID]: cutoverRollbackAction(deps),
    [CUTOVER_WAIVE_ACTION_ID]: cutoverModalAction(deps, 'waive'),
    [CUTOVER_REPLAN_REFRESH_ACTION_ID]: cutoverReplanAction(deps),
    [CUTOVER_ORDER_OPEN_ACTION_ID]: cutoverOrderOpenAction(deps),
  });
}
