import type { App } from '@slack/bolt';
import { PLAN_KEY_SELECT_ACTION_ID } from '#blocks/plan-modal.ts';
import type { ListenerDeps } from '../deps.ts';
import { planKeyOptions } from './plan-key-options.ts';

/** Options for external selects (block_suggestion), one file per listener. */
export function registerOptions(app: App, deps: ListenerDeps): void {
  app.options({ action_id: PLAN_KEY_SELECT_ACTION_ID }, planKeyOptions(deps));
}
