import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseWebApiBody } from '../../src/sandbox/web-api-body.ts';

/** One Web API call (or response_url post) as the recorder saw it, body parsed. */
export interface RecordedCall {
  /** Web API method such as `chat.postMessage`, or `response_url`. */
  method: string;
  body: Record<string, unknown>;
  /** The bearer token sent, if any. */
  token?: string;
  /** For `response_url` posts, the ID in the URL. */
  responseUrlId?: string;
  contentType?: string;
  /** What the recorder answered. */
  response: Record<string, unknown>;
}

interface Waiter {
  method: string;
  predicate: (call: RecordedCall) => boolean;
  resolve: (call: RecordedCall) => void;
}

/** Fields the Web API client sends as JSON strings inside a form body. */
export interface SlackRecorderOptions {
  /** The bot's identity as auth.test reports it. */
  botUserId?: string;
  botId?: string;
  teamId?: string;
  /** Members of each user group, for usergroups.users.list. */
  groupMembers?: Record<string, string[]>;
  /** Slack user IDs by email, for users.lookupByEmail (others answer users_not_found). */
  usersByEmail?: Record<string, string>;
}

/**
 * A recording Slack Web API on loopback: the app's real WebClient is pointed at it through
 * `slackApiUrl`. It answers the methods the bot uses with Slack's documented `ok: true` shapes
 * (including `ts`), records every call with its parsed body, and can be told to fail the next
 * call to a method with a Slack error code.
 */
export class SlackApiRecorder {
  readonly calls: RecordedCall[] = [];
  readonly groupMembers: Record<string, string[]>;
  private readonly failures = new Map<string, string[]>();
  private readonly answers = new Map<string, Record<string, unknown>[]>();
  private readonly waiters: Waiter[] = [];
  private server?: Server;
  private baseUrl = '';
  private tsCounter = 0;
  private viewCounter = 0;
  private fileCounter = 0;

  constructor(private readonly o: SlackRecorderOptions = {}) {
    this.groupMembers = { ...(o.groupMembers ?? {}) };
  }

  /** `slackApiUrl` for the WebClient (ends with a slash, as the client expects). */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  /** A response_url that posts back here, recorded as method `response_url`. */
  responseUrl(id: string): string {
    return `${this.baseUrl}/response/${encodeURIComponent(id)}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The next call to `method` answers `{ ok: false, error }`. */
  failNext(method: string, error: string): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), error]);
  }

  /** The next call to `method` answers exactly `answer` (a malformed success, say). */
  answerNext(method: string, answer: Record<string, unknown>): void {
    this.answers.set(method, [...(this.answers.get(method) ?? []), answer]);
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /**
   * Resolves with the first call (past or future) to `method` matching `predicate`; rejects after
   * `timeoutMs` listing what was seen, so a failing test says why.
   */
  waitForCall(
    method: string,
    predicate: (call: RecordedCall) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<RecordedCall> {
    const seen = this.calls.find((c) => c.method === method && predicate(c));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        method,
        predicate,
        resolve: (call) => {
          clearTimeout(timer);
          resolve(call);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        const summary = this.calls.map((c) => c.method).join(', ') || 'no calls';
        reject(new Error(`no matching ${method} call within ${timeoutMs} ms; saw: ${summary}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.baseUrl);
    const contentType = req.headers['content-type'];
    const body = parseWebApiBody(raw, contentType);
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ')
      ? auth.slice(7)
      : typeof body.token === 'string'
        ? body.token
        : undefined;

    let call: RecordedCall;
    let answer: Record<string, unknown>;
    if (url.pathname.startsWith('/response/')) {
      answer = { ok: true };
      call = {
        method: 'response_url',
        body,
        responseUrlId: decodeURIComponent(url.pathname.slice('/response/'.length)),
        contentType,
        response: answer,
      };
    } else if (url.pathname.startsWith('/upload/')) {
      // files.uploadV2's step 2: the file's bytes, posted to the upload_url step 1 handed out.
      answer = { ok: true };
      const content = await uploadedContent(raw, contentType);
      call = {
        method: 'file_upload',
        body: { fileId: decodeURIComponent(url.pathname.slice('/upload/'.length)), content },
        token,
        contentType,
        response: answer,
      };
    } else if (url.pathname.startsWith('/api/')) {
      const method = url.pathname.slice('/api/'.length);
      const failure = this.failures.get(method)?.shift();
      const given = this.answers.get(method)?.shift();
      answer = failure ? { ok: false, error: failure } : (given ?? this.answer(method, body));
      call = { method, body, token, contentType, response: answer };
    } else {
      res.writeHead(404).end();
      return;
    }
    this.calls.push(call);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(answer));
    for (const w of [...this.waiters]) {
      if (w.method === call.method && w.predicate(call)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(call);
      }
    }
  }

  private nextTs(): string {
    this.tsCounter++;
    return `1767225600.${String(this.tsCounter).padStart(6, '0')}`;
  }

  private answer(method: string, body: Record<string, unknown>): Record<string, unknown> {
    const botUserId = this.o.botUserId ?? 'UBOT0001';
    const botId = this.o.botId ?? 'BBOT0001';
    const teamId = this.o.teamId ?? 'T0TEST01';
    const message = (ts: string) => ({
      type: 'message',
      user: botUserId,
      bot_id: botId,
      text: body.text,
      blocks: body.blocks,
      ts,
      ...(body.thread_ts ? { thread_ts: body.thread_ts } : {}),
    });
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://efs-encrypt-test.slack.com/',
          team: 'efs-encrypt-test',
          user: 'efs-encrypt',
          team_id: teamId,
          user_id: botUserId,
          bot_id: botId,
        };
      case 'chat.postMessage': {
        const ts = this.nextTs();
        return { ok: true, channel: body.channel, ts, message: message(ts) };
      }
      case 'chat.update':
        return {
          ok: true,
          channel: body.channel,
          ts: body.ts,
          text: body.text,
          message: message(String(body.ts)),
        };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      case 'views.open':
      case 'views.push':
      case 'views.update': {
        const view = (body.view ?? {}) as Record<string, unknown>;
        const id =
          typeof body.view_id === 'string' ? body.view_id : `V${String(++this.viewCounter).padStart(8, '0')}`;
        return {
          ok: true,
          view: {
            ...view,
            id,
            team_id: teamId,
            hash: `${Date.now()}.hash`,
            app_id: 'A0TEST01',
            bot_id: botId,
          },
        };
      }
      case 'users.info': {
        const id = String(body.user);
        return {
          ok: true,
          user: {
            id,
            team_id: teamId,
            name: id.toLowerCase(),
            real_name: `User ${id}`,
            tz: 'Europe/London',
            is_bot: false,
            profile: { real_name: `User ${id}`, display_name: id.toLowerCase() },
          },
        };
      }
      case 'files.getUploadURLExternal': {
        const fileId = `F${String(++this.fileCounter).padStart(8, '0')}`;
        return { ok: true, upload_url: `${this.baseUrl}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal': {
        const files = (typeof body.files === 'string' ? JSON.parse(body.files) : body.files) as {
          id: string;
          title?: string;
        }[];
        return {
          ok: true,
          files: (Array.isArray(files) ? files : []).map((f) => ({ id: f.id, title: f.title ?? '' })),
        };
      }
      case 'users.lookupByEmail': {
        const id = this.o.usersByEmail?.[String(body.email).toLowerCase()];
        return id
          ? { ok: true, user: { id, team_id: teamId, name: id.toLowerCase(), deleted: false, is_bot: false } }
          : { ok: false, error: 'users_not_found' };
      }
      case 'usergroups.users.list':
        return { ok: true, users: this.groupMembers[String(body.usergroup)] ?? [] };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

/** The bytes of an upload as text: the web-api client posts them as multipart form data (one part). */
async function uploadedContent(raw: string, contentType: string | undefined): Promise<string> {
  if (!contentType?.startsWith('multipart/form-data')) return raw;
  const form = await new Request('http://upload.invalid/', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: raw,
  }).formData();
  const part = [...form.values()][0];
  return part === undefined ? '' : typeof part === 'string' ? part : await part.text();
}
