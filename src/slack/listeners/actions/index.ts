import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps.ts';

/** Block actions (buttons, selects), one file per listener; the migration issues add them here. */
export function registerActions(_app: App, _deps: ListenerDeps): void {}
