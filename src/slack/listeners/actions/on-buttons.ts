import type { App, BlockButtonAction, Middleware, SlackActionMiddlewareArgs } from '@slack/bolt';

/** A listener for the clicks of one button. */
export type ButtonListener = Middleware<SlackActionMiddlewareArgs<BlockButtonAction>>;

/** Registers each listener for the `block_actions` of the button with its action ID. */
export function onButtons(app: App, listeners: Record<string, ButtonListener>): void {
  for (const [action_id, listener] of Object.entries(listeners))
    app.action<BlockButtonAction>({ action_id, type: 'block_actions' }, listener);
}
