import { messageBlockProblems, viewProblems } from './block-validation.ts';
import type { SandboxChannel } from './channel.ts';

/** A person the page can act as; `email` answers users.lookupByEmail. */
export interface SandboxUser {
  id: string;
  name: string;
  role: string;
  email?: string;
}

export interface WebApiContext {
  channel: SandboxChannel;
  users: SandboxUser[];
  bot: { botId: string; botUserId: string; teamId: string };
  /** Who a trigger_id was handed to (views.open needs one, as in Slack). */
  triggerUser(triggerId: string): string | undefined;
  /** Where an upload_url points (step 2 of files.uploadV2 posts the bytes there). */
  uploadUrl(fileId: string): string;
  /** Uploads announced by files.getUploadURLExternal and not yet completed. */
  pendingUploads: Map<string, { filename: string; bytes?: Buffer }>;
}

type Body = Record<string, unknown>;
type Answer = Record<string, unknown>;

/** Slack's error shape for a refused call: `ok: false`, the code, and one line per problem. */
function refusal(ctx: WebApiContext, method: string, error: string, messages: string[]): Answer {
  ctx.channel.reject(method, error, messages);
  return { ok: false, error, response_metadata: { messages: messages.map((m) => `[ERROR] ${m}`) } };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The blocks argument, which the Web API client sends as a JSON string inside a form body. */
function blocksOf(body: Body): unknown {
  return typeof body.blocks === 'string' ? JSON.parse(body.blocks) : body.blocks;
}

function viewOf(body: Body): unknown {
  return typeof body.view === 'string' ? JSON.parse(body.view) : body.view;
}

let fileCounter = 0;

/**
 * The Web API methods the bot calls, answered as Slack answers them and applied to the channel.
 * Blocks and views are validated first: an invalid one is refused with `invalid_blocks` (messages)
 * or `invalid_arguments` (views), as Slack does, and recorded so the page shows it.
 */
export function callWebApi(ctx: WebApiContext, method: string, body: Body): Answer {
  const { channel, bot } = ctx;
  const message = (ts: string, m: { text: string; blocks?: unknown[]; threadTs?: string }) => ({
    type: 'message',
    user: bot.botUserId,
    bot_id: bot.botId,
    text: m.text,
    blocks: m.blocks,
    ts,
    ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
  });
  const checkedBlocks = (): { blocks?: unknown[]; problems: string[] } => {
    const blocks = blocksOf(body);
    const problems = messageBlockProblems(blocks);
    return { blocks: blocks as unknown[] | undefined, problems };
  };
  const wrongChannel = () =>
    str(body.channel) !== undefined && body.channel !== channel.channelId
      ? { ok: false, error: 'channel_not_found' }
      : undefined;

  switch (method) {
    case 'auth.test':
      return {
        ok: true,
        url: 'https://efs-encrypt-sandbox.slack.com/',
        team: 'efs-encrypt-sandbox',
        user: 'efs-encrypt',
        team_id: bot.teamId,
        user_id: bot.botUserId,
        bot_id: bot.botId,
      };
    case 'chat.postMessage': {
      const refused = wrongChannel();
      if (refused) return refused;
      const { blocks, problems } = checkedBlocks();
      if (problems.length) return refusal(ctx, method, 'invalid_blocks', problems);
      const text = String(body.text ?? '');
      if (!text && !blocks) return refusal(ctx, method, 'no_text', ['text or blocks is required']);
      const threadTs = str(body.thread_ts);
      const posted = channel.post({ text, blocks, threadTs });
      return { ok: true, channel: channel.channelId, ts: posted.ts, message: message(posted.ts, posted) };
    }
    case 'chat.update': {
      const refused = wrongChannel();
      if (refused) return refused;
      const { blocks, problems } = checkedBlocks();
      if (problems.length) return refusal(ctx, method, 'invalid_blocks', problems);
      const ts = String(body.ts);
      const updated = channel.update(ts, { text: str(body.text), blocks });
      if (!updated) return { ok: false, error: 'message_not_found' };
      return {
        ok: true,
        channel: channel.channelId,
        ts,
        text: updated.text,
        message: message(ts, updated),
      };
    }
    case 'chat.postEphemeral': {
      const refused = wrongChannel();
      if (refused) return refused;
      const { blocks, problems } = checkedBlocks();
      if (problems.length) return refusal(ctx, method, 'invalid_blocks', problems);
      const user = str(body.user);
      if (!user) return { ok: false, error: 'user_not_in_channel' };
      const posted = channel.postEphemeral(user, {
        text: String(body.text ?? ''),
        blocks,
        threadTs: str(body.thread_ts),
      });
      return { ok: true, message_ts: posted.ts };
    }
    case 'views.open':
    case 'views.push': {
      const user = ctx.triggerUser(String(body.trigger_id));
      if (!user) return { ok: false, error: 'invalid_trigger_id' };
      const view = viewOf(body);
      const problems = viewProblems(view);
      if (problems.length) return refusal(ctx, method, 'invalid_arguments', problems);
      const opened = channel.openView(user, view as Body, method === 'views.open' ? 'open' : 'push');
      return { ok: true, view: viewAnswer(ctx, opened.id, opened.hash, opened.view) };
    }
    case 'views.update': {
      const found = channel.findView(String(body.view_id ?? body.external_id));
      if (!found) return { ok: false, error: 'not_found' };
      if (str(body.hash) && body.hash !== found.view.hash) return { ok: false, error: 'hash_conflict' };
      const view = viewOf(body);
      const problems = viewProblems(view);
      if (problems.length) return refusal(ctx, method, 'invalid_arguments', problems);
      channel.updateView(found.view, view as Body);
      return { ok: true, view: viewAnswer(ctx, found.view.id, found.view.hash, found.view.view) };
    }
    case 'users.info': {
      const id = String(body.user);
      const known = ctx.users.find((u) => u.id === id);
      const name = known?.name ?? id.toLowerCase();
      return {
        ok: true,
        user: {
          id,
          team_id: bot.teamId,
          name,
          real_name: name,
          tz: 'UTC',
          is_bot: false,
          profile: { real_name: name, display_name: name },
        },
      };
    }
    case 'users.lookupByEmail': {
      const email = String(body.email).toLowerCase();
      const user = ctx.users.find((u) => u.email?.toLowerCase() === email);
      return user
        ? {
            ok: true,
            user: { id: user.id, team_id: bot.teamId, name: user.name, deleted: false, is_bot: false },
          }
        : { ok: false, error: 'users_not_found' };
    }
    case 'usergroups.users.list':
      return { ok: true, users: [] };
    case 'files.getUploadURLExternal': {
      const fileId = `F${String(++fileCounter).padStart(8, '0')}`;
      ctx.pendingUploads.set(fileId, { filename: String(body.filename ?? fileId) });
      return { ok: true, upload_url: ctx.uploadUrl(fileId), file_id: fileId };
    }
    case 'files.completeUploadExternal': {
      const files = (typeof body.files === 'string' ? JSON.parse(body.files) : body.files) as {
        id: string;
        title?: string;
      }[];
      const shared: string[] = [];
      for (const f of files) {
        const pending = ctx.pendingUploads.get(f.id);
        if (!pending?.bytes) return { ok: false, error: 'file_not_found' };
        ctx.pendingUploads.delete(f.id);
        channel.addFile({
          id: f.id,
          title: f.title ?? pending.filename,
          filename: pending.filename,
          bytes: pending.bytes,
        });
        shared.push(f.id);
      }
      const target = str(body.channel_id);
      if (target && target !== channel.channelId) return { ok: false, error: 'channel_not_found' };
      if (target)
        channel.post({
          text: String(body.initial_comment ?? ''),
          threadTs: str(body.thread_ts),
          fileIds: shared,
        });
      return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title ?? '' })) };
    }
    default:
      return { ok: false, error: 'unknown_method' };
  }
}

function viewAnswer(ctx: WebApiContext, id: string, hash: string, view: Body): Answer {
  return {
    ...view,
    id,
    team_id: ctx.bot.teamId,
    hash,
    app_id: 'A0SANDBOX',
    bot_id: ctx.bot.botId,
    state: { values: {} },
  };
}
