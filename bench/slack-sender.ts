/**
 * Sends slash commands as Slack does: form bodies signed with the app's signing secret, over a
 * keep-alive agent (node:http; fetch costs more CPU per request). Also a child-process entry: the
 * bench's 200 senders run there, as Slack is not in the bot's process, so their CPU is not billed to
 * the receiver. Parent → child: { type: 'send', url, secret, bodies, warmUp }. Child → parent: { type: 'acks', acks }.
 */
import { Agent, request } from 'node:http';
import { slackSignature } from './slack-web-api.ts';

export function signedPoster(url: string, secret: string, maxSockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const post = (body: string) =>
    new Promise<number>((resolve, reject) => {
      const timestamp = Math.floor(Date.now() / 1000);
      const t0 = performance.now();
      const req = request(
        url,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': Buffer.byteLength(body),
            'x-slack-request-timestamp': String(timestamp),
            'x-slack-signature': slackSignature(secret, timestamp, body),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200
              ? resolve(performance.now() - t0)
              : reject(new Error(`the receiver answered ${res.statusCode}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return { post, close: () => agent.destroy() };
}

if (process.send && process.argv[2] === 'child')
  process.on(
    'message',
    async (msg: { type: string; url: string; secret: string; bodies: string[]; warmUp: string }) => {
      if (msg.type !== 'send') return;
      const poster = signedPoster(msg.url, msg.secret, msg.bodies.length);
      // One request first (a cheap command): the sender's own code is compiled before the burst.
      await poster.post(msg.warmUp);
      const acks = await Promise.all(msg.bodies.map(poster.post));
      poster.close();
      process.send!({ type: 'acks', acks });
      process.exit(0);
    },
  );
