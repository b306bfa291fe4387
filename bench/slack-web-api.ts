/**
 * The benchmark's Slack: a Web API on loopback that answers the methods a scan uses with Slack's
 * `ok: true` shapes and counts each method, plus response_url posts. A stripped copy of the test
 * harness's recorder (bench/ may not import test/): it keeps counts, not bodies, so the bench's
 * own memory is not what it measures.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export class CountingSlackApi {
  readonly counts = new Map<string, number>();
  private server?: Server;
  private base = '';
  private ts = 0;

  get apiUrl(): string {
    return `${this.base}/api/`;
  }

  responseUrl(id: string): string {
    return `${this.base}/response/${id}`;
  }

  count(method: string): number {
    return this.counts.get(method) ?? 0;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', this.base || 'http://localhost');
        const method = url.pathname.startsWith('/response/')
          ? 'response_url'
          : url.pathname.slice('/api/'.length);
        this.counts.set(method, this.count(method) + 1);
        // Parsed only where the answer needs it: parsing 200 private replies would be the bench's own load.
        const field = (name: string) =>
          new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get(name) ?? undefined;
        const answer =
          method === 'chat.postMessage'
            ? { ok: true, channel: field('channel'), ts: `1767225600.${String(++this.ts).padStart(6, '0')}` }
            : method === 'chat.update'
              ? { ok: true, channel: field('channel'), ts: field('ts') }
              : { ok: true };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Slack's v0 request signature: HMAC-SHA256 of `v0:timestamp:body` with the signing secret. */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}
