import { randomUUID } from 'node:crypto';
import { viewProblems } from './block-validation.ts';
import type { SandboxChannel, SandboxView } from './channel.ts';
import { signedHeaders } from './slack-signature.ts';

export interface InteractionsOptions {
  channel: SandboxChannel;
  signingSecret: string;
  teamId: string;
  responseUrl(id: string): string;
}

/** What the bot's receiver answered: its HTTP status and body (a modal's response_action, options). */
export interface ReceiverAnswer {
  status: number;
  body: string;
}

interface ResponseTarget {
  user: string;
  /** The message the button was on (response_url's replace_original edits it). */
  messageTs?: string;
  ephemeral?: boolean;
  threadTs?: string;
}

type Input = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * What a person does on the page, sent to the bot's real receiver as Slack sends it: a slash command
 * (form body), block_actions, view_submission, view_closed and block_suggestion (a `payload` form
 * field), each signed with the app's signing secret. It also keeps the trigger IDs and response URLs
 * it handed out, so views.open and response_url posts reach the right person.
 */
export class Interactions {
  receiverUrl = '';
  private readonly triggers = new Map<string, string>();
  private readonly responses = new Map<string, ResponseTarget>();

  constructor(private readonly o: InteractionsOptions) {}

  triggerUser(triggerId: string): string | undefined {
    return this.triggers.get(triggerId);
  }

  private trigger(user: string): string {
    const id = `${Math.floor(Date.now() / 1000)}.${randomUUID()}`;
    this.triggers.set(id, user);
    return id;
  }

  private responseUrl(target: ResponseTarget): string {
    const id = randomUUID();
    this.responses.set(id, target);
    return this.o.responseUrl(id);
  }

  private async send(body: string): Promise<ReceiverAnswer> {
    if (!this.receiverUrl) throw new Error('the sandbox is not connected to the bot yet');
    const res = await fetch(this.receiverUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...signedHeaders(this.o.signingSecret, body),
      },
      body,
    });
    return { status: res.status, body: await res.text() };
  }

  private sendPayload(payload: Input): Promise<ReceiverAnswer> {
    return this.send(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
  }

  private envelope(user: string) {
    return {
      user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: this.o.teamId },
      api_app_id: 'A0SANDBOX',
      token: 'sandbox-verification-token',
      team: { id: this.o.teamId, domain: 'efs-encrypt-sandbox' },
      is_enterprise_install: false,
    };
  }

  /** A response_url post: in the channel, or privately to whoever acted (replacing a message if told). */
  respond(id: string, body: Input): boolean {
    const target = this.responses.get(id);
    if (!target) return false;
    const text = String(body.text ?? '');
    const blocks = body.blocks as unknown[] | undefined;
    const channel = this.o.channel;
    if (body.delete_original === true || body.delete_original === 'true') {
      if (target.messageTs && target.ephemeral)
        channel.replaceEphemeral(target.messageTs, { text: '(deleted)' });
      return true;
    }
    const replace = body.replace_original === true || body.replace_original === 'true';
    if (replace && target.messageTs) {
      if (target.ephemeral) channel.replaceEphemeral(target.messageTs, { text, blocks });
      else channel.update(target.messageTs, { text, blocks });
    } else if (body.response_type === 'in_channel') {
      channel.post({ text, blocks, threadTs: str(body.thread_ts) ?? target.threadTs });
    } else {
      channel.postEphemeral(target.user, { text, blocks, threadTs: target.threadTs });
    }
    return true;
  }

  async slashCommand(input: Input): Promise<ReceiverAnswer> {
    const user = String(input.user);
    const typed = String(input.text ?? '').trim();
    const [command, ...rest] = typed.startsWith('/')
      ? typed.split(/\s+/)
      : ['/efs-encrypt', ...typed.split(/\s+/)];
    const body = new URLSearchParams({
      token: 'sandbox-verification-token',
      team_id: this.o.teamId,
      team_domain: 'efs-encrypt-sandbox',
      channel_id: this.o.channel.channelId,
      channel_name: 'efs-encrypt-sandbox',
      user_id: user,
      user_name: user.toLowerCase(),
      command: command!,
      text: rest.join(' '),
      api_app_id: 'A0SANDBOX',
      is_enterprise_install: 'false',
      response_url: this.responseUrl({ user }),
      trigger_id: this.trigger(user),
    });
    const answer = await this.send(body.toString());
    // A slash command's direct answer (a body) is shown only to whoever typed it, as in Slack.
    if (answer.status === 200 && answer.body.trim()) {
      const reply = parseJson(answer.body);
      const text = reply ? String(reply.text ?? '') : answer.body;
      const blocks = reply?.blocks as unknown[] | undefined;
      if (reply?.response_type === 'in_channel') this.o.channel.post({ text, blocks });
      else this.o.channel.postEphemeral(user, { text, blocks });
    }
    return answer;
  }

  /** A click or a choice on a message (the channel's or an ephemeral one) or in an open modal. */
  async blockAction(input: Input): Promise<ReceiverAnswer> {
    const user = String(input.user);
    const action = { ...(input.action as Input), action_ts: `${Date.now() / 1000}` };
    const common = {
      type: 'block_actions',
      ...this.envelope(user),
      trigger_id: this.trigger(user),
      actions: [action],
    };
    const viewId = str(input.viewId);
    if (viewId) {
      const found = this.o.channel.findView(viewId);
      if (!found) return { status: 404, body: 'no such view' };
      return this.sendPayload({
        ...common,
        container: { type: 'view', view_id: viewId },
        view: this.viewPayload(found.view, input.values),
      });
    }
    const ts = String(input.messageTs);
    const ephemeral = input.ephemeral === true;
    const message = ephemeral ? this.o.channel.ephemeralMessage(ts) : this.o.channel.message(ts);
    if (!message) return { status: 404, body: 'no such message' };
    return this.sendPayload({
      ...common,
      channel: { id: this.o.channel.channelId, name: 'efs-encrypt-sandbox' },
      container: {
        type: 'message',
        message_ts: ts,
        channel_id: this.o.channel.channelId,
        is_ephemeral: ephemeral,
        ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
      },
      ...(ephemeral
        ? {}
        : {
            message: {
              type: 'message',
              ts,
              text: message.text,
              blocks: message.blocks,
              ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
            },
          }),
      response_url: this.responseUrl({ user, messageTs: ts, ephemeral, threadTs: message.threadTs }),
      state: { values: input.values ?? {} },
    });
  }

  /** Submit: the receiver's body says what happens to the modal, as Slack reads it. */
  async viewSubmission(input: Input): Promise<ReceiverAnswer & { problems?: string[] }> {
    const user = String(input.user);
    const found = this.o.channel.findView(String(input.viewId));
    if (!found) return { status: 404, body: 'no such view' };
    const answer = await this.sendPayload({
      type: 'view_submission',
      ...this.envelope(user),
      trigger_id: this.trigger(user),
      view: this.viewPayload(found.view, input.values),
      response_urls: [],
    });
    if (answer.status !== 200) return answer;
    const reply = answer.body.trim() ? parseJson(answer.body) : undefined;
    const action = reply?.response_action;
    if (action === 'errors')
      this.o.channel.setViewErrors(found.view, (reply!.errors ?? {}) as Record<string, string>);
    else if (action === 'update' || action === 'push') {
      const problems = viewProblems(reply!.view);
      if (problems.length) {
        this.o.channel.reject(`response_action ${action}`, 'invalid_arguments', problems);
        return { ...answer, problems };
      }
      if (action === 'update') this.o.channel.updateView(found.view, reply!.view as Input);
      else this.o.channel.openView(found.user, reply!.view as Input, 'push');
    } else this.o.channel.closeView(found.user, action === 'clear');
    return answer;
  }

  /** Cancel: closes the modal here; the bot hears of it only if it asked (notify_on_close). */
  async viewClosed(input: Input): Promise<ReceiverAnswer> {
    const user = String(input.user);
    const found = this.o.channel.findView(String(input.viewId));
    if (!found) return { status: 404, body: 'no such view' };
    this.o.channel.closeView(found.user);
    if (found.view.view.notify_on_close !== true) return { status: 200, body: '' };
    return this.sendPayload({
      type: 'view_closed',
      ...this.envelope(user),
      view: this.viewPayload(found.view, input.values),
      is_cleared: false,
    });
  }

  /** An external_select's options, asked of the bot as the person types. */
  async blockSuggestion(input: Input): Promise<ReceiverAnswer> {
    const user = String(input.user);
    const found = this.o.channel.findView(String(input.viewId));
    if (!found) return { status: 404, body: 'no such view' };
    return this.sendPayload({
      type: 'block_suggestion',
      ...this.envelope(user),
      action_id: input.action_id,
      block_id: input.block_id,
      value: String(input.value ?? ''),
      container: { type: 'view', view_id: found.view.id },
      view: this.viewPayload(found.view, input.values),
    });
  }

  private viewPayload(view: SandboxView, values: unknown) {
    return {
      ...view.view,
      id: view.id,
      team_id: this.o.teamId,
      type: view.view.type ?? 'modal',
      private_metadata: view.view.private_metadata ?? '',
      callback_id: view.view.callback_id ?? '',
      hash: view.hash,
      state: { values: values ?? {} },
      app_id: 'A0SANDBOX',
    };
  }
}

function parseJson(text: string): Input | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null ? (v as Input) : undefined;
  } catch {
    return undefined;
  }
}
