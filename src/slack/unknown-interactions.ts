import type { AnyMiddlewareArgs, App, Middleware } from '@slack/bolt';
import type { Logger } from 'pino';

/**
 * The action, callback and option IDs this app has listeners for, recorded as they are registered
 * (listeners/index.ts) so that the list can never drift from the listeners.
 */
export interface KnownInteractions {
  actions: Set<string>;
  views: Set<string>;
}

export function knownInteractions(): KnownInteractions {
  return { actions: new Set(), views: new Set() };
}

type Registrar = Pick<App, 'action' | 'view' | 'options'>;

/** The ID a listener's constraint names (a string or `{ action_id }` / `{ callback_id }`), if fixed. */
function idOf(constraint: unknown, key: 'action_id' | 'callback_id'): string | undefined {
  if (typeof constraint === 'string') return constraint;
  const id = (constraint as Record<string, unknown> | null)?.[key];
  return typeof id === 'string' ? id : undefined;
}

/** `app`, recording the IDs of the action, options and view listeners registered through it. */
export function recordingRegistrar<T extends Registrar>(app: T, known: KnownInteractions): T {
  return new Proxy(app, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (prop !== 'action' && prop !== 'options' && prop !== 'view') return value.bind(target) as unknown;
      return (constraint: unknown, ...rest: unknown[]) => {
        const id = idOf(constraint, prop === 'view' ? 'callback_id' : 'action_id');
        if (id) (prop === 'view' ? known.views : known.actions).add(id);
        return (value as (...args: unknown[]) => unknown).call(target, constraint, ...rest);
      };
    },
  });
}

/**
 * A button, select or modal this version of the bot has no listener for (an old message's button
 * after an upgrade, a hand-made payload) is acknowledged and logged at WARN: nothing is wrong with
 * the bot, and without the ack Bolt would log an ERROR and Slack show the person a failure after
 * 3 seconds. The person is told privately what to do where Slack gives a way to tell them.
 */
export function unknownInteractionGuard(
  known: KnownInteractions,
  logger: Logger,
): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const body = args.body as {
      type?: string;
      actions?: { action_id?: unknown }[];
      action_id?: unknown;
      view?: { callback_id?: unknown };
      response_url?: unknown;
    };
    let unknown: { kind: string; id: string } | undefined;
    if (body.type === 'block_actions') {
      const ids = (body.actions ?? []).map((a) => String(a.action_id ?? ''));
      if (!ids.some((id) => known.actions.has(id))) unknown = { kind: 'action', id: ids.join(',') };
    } else if (body.type === 'block_suggestion') {
      const id = String(body.action_id ?? '');
      if (!known.actions.has(id)) unknown = { kind: 'options', id };
    } else if (body.type === 'view_submission' || body.type === 'view_closed') {
      const id = String(body.view?.callback_id ?? '');
      if (!known.views.has(id)) unknown = { kind: 'callback', id };
    }
    if (!unknown) return args.next();
    logger.warn(
      { [`${unknown.kind}Id`]: unknown.id.slice(0, 255), userId: args.context.userId, type: body.type },
      `no listener for this ${unknown.kind} ID: acknowledged and ignored`,
    );
    if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
    if (body.type === 'block_actions' && 'respond' in args && typeof args.respond === 'function')
      await (args.respond as (m: object) => Promise<unknown>)({
        response_type: 'ephemeral',
        replace_original: false,
        text: 'This button belongs to an older version of the bot and does nothing now. Run the `/efs-encrypt` command again for current buttons.',
      }).catch((err: unknown) => logger.warn({ err }, 'could not answer a click on an unknown button'));
  };
}
