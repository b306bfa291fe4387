import type { webApi } from '@slack/bolt';

/**
 * A view of the Web API client that calls `beforeFirstWrite` (awaited) before the first call that
 * shows something in Slack: a post, an update, an ephemeral answer, a modal, an upload, a
 * reaction. Reads (`*.list`, `*.info`, `users.lookupByEmail`, `auth.test`…) pass untouched. The
 * Lambda worker records that point in the store, so it knows whether a failed run may run again
 * (nothing shown yet) or not (running it again would post a second time).
 */
export function watchSlackWrites(
  client: webApi.WebClient,
  beforeFirstWrite: () => Promise<void>,
): { client: webApi.WebClient; beforeWrite(): Promise<void> } {
  let marked: Promise<void> | undefined;
  // Once per run; a failed record fails the write too (recorded before shown, or not shown).
  const beforeWrite = () => (marked ??= beforeFirstWrite());
  return { client: wrap(client, [], beforeWrite) as webApi.WebClient, beforeWrite };
}

/** The Web API's namespaces with methods that can show something (the others are only read). */
const NAMESPACES = new Set([
  'chat',
  'views',
  'files',
  'reactions',
  'pins',
  'bookmarks',
  'conversations',
  'canvases',
  'reminders',
  'dialog',
  'assistant',
]);
/** Method names that only read (the last part of `namespace.method`). */
const READ = /^(list|info|history|replies|members|lookup|get|test|search|read)/;

function isWrite(method: string): boolean {
  const last = method.split('.').at(-1) ?? '';
  return !READ.test(last);
}

function wrap(target: object, path: string[], mark: () => Promise<void>): object {
  return new Proxy(target, {
    get(t, prop) {
      const value: unknown = Reflect.get(t, prop, t);
      if (typeof prop !== 'string') return value;
      if (typeof value === 'function') {
        const fn = value as (...args: unknown[]) => unknown;
        const method = prop === 'apiCall' ? undefined : [...path, prop].join('.');
        // Only Slack API methods are watched: under a namespace, apiCall itself, the upload helper.
        const watched = path.length > 0 || prop === 'apiCall' || prop === 'filesUploadV2';
        if (!watched) return fn.bind(t);
        return async (...args: unknown[]) => {
          const name = method ?? String(args[0]);
          if (isWrite(name)) await mark();
          return fn.apply(t, args);
        };
      }
      // Namespaces nest (`usergroups.users.list`, `admin.apps.approve`); only Slack's are followed.
      if (value && typeof value === 'object' && (path.length > 0 || NAMESPACES.has(prop)) && path.length < 3)
        return wrap(value, [...path, prop], mark);
      return value;
    },
  });
}
