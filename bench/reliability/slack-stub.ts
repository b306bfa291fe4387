import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The smallest Slack Web API the reliability sweep needs: every method answers `ok: true` with the
 * fields the bot reads (a message `ts`, a view `id`, an upload URL), and response_url posts answer
 * 200. The sweep measures the receiver, not what the bot says, so nothing is recorded but a count.
 * (The tests' recorder lives in test/harness/, which a benchmark may not import.)
 */
export interface SlackStub {
  apiUrl: string;
  responseUrl(id: string): string;
  calls: number;
  close(): Promise<void>;
}

export async function startSlackStub(teamId: string): Promise<SlackStub> {
  let ts = 0;
  const stub = { calls: 0 } as SlackStub;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      stub.calls++;
      if (process.env.SWEEP_STUB_TRACE) console.log('stub call', req.url);
      const path = req.url ?? '/';
      const method = path.startsWith('/api/') ? path.slice('/api/'.length) : '';
      const stamp = `1767225600.${String(++ts).padStart(6, '0')}`;
      const answer = {
        ok: true,
        ts: stamp,
        channel: 'C0CHAN01',
        team_id: teamId,
        user_id: 'UBOT0001',
        bot_id: 'BBOT0001',
        message: { type: 'message', ts: stamp, text: '' },
        view: { id: `V${ts}`, hash: 'h' },
        users: [],
        messages: [],
        file_id: `F${ts}`,
        upload_url: `${base}/upload/F${ts}`,
        files: [{ id: `F${ts}` }],
        ...(method === 'auth.test' ? { team: 'test', url: 'https://example.invalid/' } : {}),
      };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stub.apiUrl = `${base}/api/`;
  stub.responseUrl = (id) => `${base}/response/${encodeURIComponent(id)}`;
  stub.close = () =>
    new Promise<void>((resolve) => {
      server.closeIdleConnections();
      server.close(() => resolve());
    });
  return stub;
}
