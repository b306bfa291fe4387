import { z } from 'zod';

/**
 * The members of a Slack payload that Bolt 5.1 dereferences before any listener or error handler
 * of ours runs (read in `@slack/bolt/dist/App.js` processEvent and buildSource, `helpers.js`
 * getTypeAndConversation and isBodyWithTypeEnterpriseInstall, `middleware/builtin.js`
 * matchConstraints and ignoreSelf). A payload whose `user` is null, say, makes `buildSource` read
 * `null.id` outside Bolt's own try: the receiver answers 500 and Slack retries the request. So
 * these members are parsed into typed values first, and a payload that does not fit is refused
 * with a 400 naming the member, before Bolt sees it.
 *
 * What Bolt reads, by payload kind (Bolt's own order of classification):
 * - events (`event` present): `'channel' in event`, `event.user.id` when `event.user` is an object
 *   (so null throws), `'creator' in event.channel`, `event.item.channel`, `event.subteam.created_by`,
 *   `authorizations[0].team_id` / `.is_enterprise_install` / `.enterprise_id`;
 * - slash commands (`command` present): nothing; the listeners read `command`, `text`, `user_id`,
 *   `channel_id` and `team_id` as strings (a repeated form field arrives as an array);
 * - options (`name` present or `block_suggestion`), actions (`actions` present or
 *   `dialog_submission`), `message_action`: `channel.id` when `channel` is present;
 * - every interactive kind (options, actions, shortcuts, views): `user.id`, and `team.id` unless
 *   `team` is null (org-wide installs), then `user.team_id`;
 * - block actions: `[payload] = actions` and then `'action_id' in payload`, `payload.action_id`;
 * - view_submission / view_closed: `view.app_installed_team_id`, `view.callback_id`;
 * - all: `response_urls.length` and `response_urls[0].response_url` when `response_urls` is present.
 * `enterprise` and `function_data` are only read when they are not null, without further
 * dereferencing, so they are left alone.
 */

/** An object with a string `id`; anything else it carries is Bolt's and the listeners' business. */
const withId = z.looseObject({ id: z.string().min(1) });

/** `team` is null when the app is installed org-wide; then Bolt takes the team from `user.team_id`. */
const team = z.union([withId, z.null()]).optional();

const channel = withId.optional();

const responseUrls = z.array(z.looseObject({ response_url: z.string() })).optional();

const interactive = z.looseObject({
  user: withId,
  team,
  channel,
  response_urls: responseUrls,
});

const blockActions = interactive.extend({
  actions: z.array(z.looseObject({ action_id: z.string().min(1) })).min(1),
});

const view = interactive.extend({
  view: z.looseObject({ id: z.string().optional(), callback_id: z.string() }),
});

const slashCommand = z.looseObject({
  command: z.string().min(1),
  text: z.string().optional(),
  user_id: z.string().min(1),
  channel_id: z.string().min(1),
  team_id: z.string().min(1),
});

/** An object member that Bolt looks into with `in` or reads a property of, when it is present. */
const record = z.record(z.string(), z.unknown());

const event = z.looseObject({
  event: z.looseObject({
    type: z.string(),
    user: z.union([z.string(), withId]).optional(),
    channel: z.union([z.string(), record]).optional(),
    item: record.optional(),
    subteam: record.optional(),
  }),
  authorizations: z.array(record).optional(),
});

export type PayloadKind =
  | 'event'
  | 'slash_command'
  | 'block_suggestion'
  | 'block_actions'
  | 'shortcut'
  | 'view_submission'
  | 'view_closed';

/** Which kind Bolt would route a body as (helpers.js getTypeAndConversation), undefined when none. */
export function payloadKind(body: Record<string, unknown>): PayloadKind | undefined {
  if (body.event !== undefined) return 'event';
  if (body.command !== undefined) return 'slash_command';
  if (body.name !== undefined || body.type === 'block_suggestion') return 'block_suggestion';
  // Bolt routes a `block_actions` without `actions` nowhere (no listener, a 404 after 3 s): refused here.
  if (body.actions !== undefined || body.type === 'dialog_submission' || body.type === 'block_actions')
    return 'block_actions';
  if (body.type === 'shortcut' || body.type === 'message_action') return 'shortcut';
  if (body.type === 'view_submission') return 'view_submission';
  if (body.type === 'view_closed') return 'view_closed';
  return undefined;
}

const SCHEMAS: Record<PayloadKind, z.ZodType> = {
  event,
  slash_command: slashCommand,
  block_suggestion: interactive,
  // dialog_submission carries no `actions`: Bolt then uses the whole body as the payload.
  block_actions: interactive,
  shortcut: interactive,
  view_submission: view,
  view_closed: view,
};

/**
 * Why Bolt could not handle this body safely, naming the member and what it must be; undefined
 * when it may go on. A body no kind matches is left to Bolt, which logs it and calls no listener.
 */
export function envelopeProblem(body: Record<string, unknown>): string | undefined {
  const kind = payloadKind(body);
  if (kind === undefined) return undefined;
  const schema = kind === 'block_actions' && body.type !== 'dialog_submission' ? blockActions : SCHEMAS[kind];
  const parsed = schema.safeParse(body);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0]!;
  const member = issue.path.length ? issue.path.map(String).join('.') : '(the body)';
  return `the ${kind} payload's \`${member}\` ${describeIssue(issue, valueAt(body, issue.path))}`;
}

function describeIssue(issue: z.core.$ZodIssue, got: unknown): string {
  const shown =
    got === undefined ? 'missing' : got === null ? 'null' : Array.isArray(got) ? 'an array' : typeof got;
  return `is ${shown}: ${issue.message}`;
}

function valueAt(body: unknown, path: PropertyKey[]): unknown {
  let at: unknown = body;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}
