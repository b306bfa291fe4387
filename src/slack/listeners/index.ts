import type { App } from '@slack/bolt';
import { registerActions } from './actions/index.ts';
import { registerCommands } from './commands/index.ts';
import { registerOptions } from './options/index.ts';
import type { ListenerDeps } from './deps.ts';
import { registerViews } from './views/index.ts';
import { knownInteractions, recordingRegistrar, type KnownInteractions } from '../unknown-interactions.ts';

/**
 * Laid out as slack-samples/bolt-ts-starter-template: one folder per listener kind. Returns the
 * action and callback IDs registered, for the unknown-interaction guard.
 */
export function registerListeners(app: App, deps: ListenerDeps): KnownInteractions {
  const known = knownInteractions();
  const recording = recordingRegistrar(app, known);
  registerCommands(recording, deps);
  registerActions(recording, deps);
  registerViews(recording, deps);
  registerOptions(recording, deps);
  return known;
}
