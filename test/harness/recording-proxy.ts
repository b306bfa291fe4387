/**
 * A loopback HTTP proxy that forwards every request to `target` unchanged and keeps each request and
 * its answer as they crossed the wire: what AwsModels.check reads (the SDK's parsed output hides
 * members it does not know).
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Exchange } from './aws-model-check.ts';

export interface RecordingProxy {
  endpoint: string;
  /** Every exchange so far, oldest first. */
  exchanges: Exchange[];
  close(): Promise<void>;
}

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
  );
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const exchanges: Exchange[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const forward = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (answer) => {
          const answerChunks: Buffer[] = [];
          answer.on('data', (c: Buffer) => answerChunks.push(c));
          answer.on('end', () => {
            const answerBody = Buffer.concat(answerChunks);
            const url = new URL(req.url ?? '/', 'http://proxy.local');
            exchanges.push({
              request: {
                method: req.method ?? 'GET',
                path: url.pathname,
                headers: flatHeaders(req.headers),
                body: body.toString('utf8'),
              },
              response: {
                status: answer.statusCode ?? 0,
                headers: flatHeaders(answer.headers),
                body: answerBody.toString('utf8'),
              },
            });
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(answerBody);
          });
        },
      );
      forward.on('error', (e) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`recording proxy: ${e.message}`);
      });
      forward.end(body);
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    exchanges,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}
