import type { App } from '@slack/bolt';
import { PLAN_CALLBACK_ID } from '../../../../blocks/plan-modal.ts';
import type { ListenerDeps } from '../deps.ts';
import { planSubmitView } from './plan-submit.ts';

/** Modal submissions, one file per listener; the migration issues add them here. */
export function registerViews(app: App, deps: ListenerDeps): void {
  app.view({ callback_id: PLAN_CALLBACK_ID, type: 'view_submission' }, planSubmitView(deps));
}
