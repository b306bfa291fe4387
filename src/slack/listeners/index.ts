import type { App } from '@slack/bolt';
import { registerActions } from './actions/index.ts';
import { registerCommands } from './commands/index.ts';
import { registerOptions } from './options/index.ts';
import type { ListenerDeps } from './deps.ts';
import { registerViews } from './views/index.ts';

/** Laid out as slack-samples/bolt-ts-starter-template: one folder per listener kind. */
export function registerListeners(app: App, deps: ListenerDeps): void {
  registerCommands(app, deps);
  registerActions(app, deps);
  registerViews(app, deps);
  registerOptions(app, deps);
}
