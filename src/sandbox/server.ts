import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { messageBlockProblems } from './block-validation.ts';
import { SandboxChannel } from './channel.ts';
import { Interactions } from './interactions.ts';
import { callWebApi, type SandboxUser, type WebApiContext } from './web-api.ts';
import { parseWebApiBody } from './web-api-body.ts';

export interface SandboxServerOptions {
  signingSecret: string;
  users: SandboxUser[];
  bot: { botId: string; botUserId: string; teamId: string };
  channelId?: string;
  host?: string;
  port?: number;
  /** A clock the page may skip ahead over the decommission's idle window (EFS_ENCRYPT_IDLE_HOURS). */
  clock?: { clock: { now(): Date; skipAhead(ms: number): void }; idleHours: number };
}

/** Fields the Web API client sends as JSON strings inside a form body. */
/** The page's files, read from the sources (the compiled CLI in dist/ has no copy of them). */
function pageDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'src', 'sandbox', 'page');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate;
    const own = join(dir, 'page');
    if (existsSync(join(own, 'index.html'))) return own;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('the sandbox page (src/sandbox/page) is missing');
    dir = parent;
  }
}

const PAGE_FILES: Record<string, [string, string]> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/app.css': ['app.css', 'text/css; charset=utf-8'],
};

/**
 * The sandbox: one loopback server that is both Slack's Web API for the bot (`/api/…`, response
 * URLs, uploads) and a page that shows the channel and sends what a person does there to the bot's
 * real receiver, signed (`/sandbox/…`). No second code path in the bot: it is pointed here with
 * SLACK_API_URL, as the tests point it at their recorder.
 */
export class SandboxServer {
  readonly channel: SandboxChannel;
  private server?: Server;
  private baseUrl = '';
  private readonly pendingUploads: WebApiContext['pendingUploads'] = new Map();
  readonly interactions: Interactions;
  private readonly page = pageDir();

  constructor(private readonly o: SandboxServerOptions) {
    this.channel = new SandboxChannel(o.channelId ?? 'C0SANDBOX1');
    this.interactions = new Interactions({
      channel: this.channel,
      signingSecret: o.signingSecret,
      teamId: o.bot.teamId,
      responseUrl: (id) => `${this.baseUrl}/response/${id}`,
    });
  }

  /** The page's address. */
  get url(): string {
    return `${this.baseUrl}/`;
  }

  /** SLACK_API_URL for the bot (ends with a slash, as the Web API client expects). */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  /** Where the page's commands, clicks and submissions go: the bot's events URL. */
  connectReceiver(eventsUrl: string): void {
    this.interactions.receiverUrl = eventsUrl;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent)
          res
            .writeHead(500, { 'content-type': 'application/json' })
            .end(JSON.stringify({ ok: false, error: (err as Error).message }));
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.o.port ?? 0, this.o.host ?? '127.0.0.1', resolve);
    });
    const { address, port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
    return this.url;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The runtime's time, and the idle window the page offers to skip (absent: real time only). */
  private clockState() {
    const c = this.o.clock;
    return c ? { now: c.clock.now().toISOString(), skipHours: c.idleHours } : undefined;
  }

  /**
   * Moves the runtime's clock past the decommission's idle window, as the terminal demo does, so the
   * guard (unchanged) can pass in minutes; the channel redraws to show the new time.
   */
  private skipClock() {
    const c = this.o.clock;
    if (!c) return { ok: false, error: 'clock_not_skippable' };
    c.clock.skipAhead(c.idleHours * 3_600_000 + 60_000);
    this.channel.touch();
    return { ok: true, clock: this.clockState() };
  }

  private webApiContext(): WebApiContext {
    return {
      channel: this.channel,
      users: this.o.users,
      bot: this.o.bot,
      triggerUser: (t) => this.interactions.triggerUser(t),
      uploadUrl: (fileId) => `${this.baseUrl}/upload/${fileId}`,
      pendingUploads: this.pendingUploads,
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const path = url.pathname;
    const raw = await readBody(req);
    const contentType = req.headers['content-type'];
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    };

    if (req.method === 'GET' && PAGE_FILES[path]) {
      const [file, type] = PAGE_FILES[path];
      res
        .writeHead(200, { 'content-type': type, 'cache-control': 'no-store' })
        .end(readFileSync(join(this.page, file)));
      return;
    }
    if (path.startsWith('/api/')) {
      const body = parseWebApiBody(raw.toString('utf8'), contentType);
      return json(200, callWebApi(this.webApiContext(), path.slice('/api/'.length), body));
    }
    if (path.startsWith('/upload/')) {
      const fileId = decodeURIComponent(path.slice('/upload/'.length));
      const pending = this.pendingUploads.get(fileId);
      if (!pending) return json(404, { ok: false, error: 'file_not_found' });
      pending.bytes = await uploadedBytes(raw, contentType);
      return json(200, { ok: true });
    }
    if (path.startsWith('/response/')) {
      const body = parseWebApiBody(raw.toString('utf8'), contentType);
      const problems = messageBlockProblems(body.blocks);
      if (problems.length) {
        this.channel.reject('response_url', 'invalid_blocks', problems);
        return json(400, { ok: false, error: 'invalid_blocks', response_metadata: { messages: problems } });
      }
      const ok = this.interactions.respond(decodeURIComponent(path.slice('/response/'.length)), body);
      return ok ? json(200, { ok: true }) : json(404, { ok: false, error: 'expired_url' });
    }
    if (req.method === 'GET' && path === '/sandbox/state') {
      return json(200, {
        ...this.channel.snapshot(url.searchParams.get('user') ?? ''),
        users: this.o.users,
        clock: this.clockState(),
      });
    }
    if (req.method === 'POST' && path === '/sandbox/clock') return json(200, this.skipClock());
    if (req.method === 'GET' && path.startsWith('/sandbox/files/')) {
      const file = this.channel.files.get(decodeURIComponent(path.slice('/sandbox/files/'.length)));
      if (!file) return json(404, { ok: false, error: 'file_not_found' });
      res
        .writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-disposition': `attachment; filename="${file.filename.replace(/["\\\r\n]/g, '_')}"`,
        })
        .end(file.bytes);
      return;
    }
    if (req.method === 'POST' && path.startsWith('/sandbox/')) {
      const input = JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>;
      const kind = path.slice('/sandbox/'.length);
      const result =
        kind === 'command'
          ? await this.interactions.slashCommand(input)
          : kind === 'action'
            ? await this.interactions.blockAction(input)
            : kind === 'submit'
              ? await this.interactions.viewSubmission(input)
              : kind === 'close'
                ? await this.interactions.viewClosed(input)
                : kind === 'suggest'
                  ? await this.interactions.blockSuggestion(input)
                  : undefined;
      if (!result) return json(404, { ok: false, error: 'unknown_sandbox_call' });
      return json(200, result);
    }
    json(404, { ok: false, error: 'not_found' });
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The bytes of an upload: the Web API client posts them as multipart form data (one part). */
async function uploadedBytes(raw: Buffer, contentType: string | undefined): Promise<Buffer> {
  if (!contentType?.startsWith('multipart/form-data')) return raw;
  const form = await new Request('http://upload.invalid/', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: raw,
  }).formData();
  const part = [...form.values()][0];
  if (part === undefined) return Buffer.alloc(0);
  return typeof part === 'string' ? Buffer.from(part) : Buffer.from(await part.arrayBuffer());
}
