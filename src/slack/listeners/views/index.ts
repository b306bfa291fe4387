import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps.ts';

/** Modal submissions, one file per listener; the migration issues add them here. */
export function registerViews(_app: App, _deps: ListenerDeps): void {}
