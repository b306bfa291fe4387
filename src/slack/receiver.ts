import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsLambdaReceiver, HTTPReceiver, SocketModeReceiver, type Logger as BoltLogger } from '@slack/bolt';
import type { Config } from '../config.ts';
import { ConfigError } from '../domain/errors.ts';

/**
 * GET /healthz for a container's health check: the process is up and its receiver started. It says
 * nothing of Slack or AWS, so a Slack outage does not get healthy containers restarted.
 */
export const HEALTH_ROUTE = {
  path: '/healthz',
  method: ['GET'],
  handler: (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  },
};

export type SlackReceiver =
  | { mode: 'http'; receiver: HTTPReceiver }
  | { mode: 'socket'; receiver: SocketModeReceiver }
  | { mode: 'lambda'; receiver: AwsLambdaReceiver };

/**
 * The receiver for `config.slack.mode`: Socket Mode for development (no public URL), HTTP for a
 * container, AwsLambdaReceiver for Lambda. Signature checking stays on in every mode.
 */
export function createReceiver(
  slack: Config['slack'],
  logger: BoltLogger,
  options: { processBeforeResponse?: boolean; healthPort?: number } = {},
): SlackReceiver {
  const missing = (name: string) => new ConfigError([`${name}: required for SLACK_MODE=${slack.mode}`]);
  switch (slack.mode) {
    case 'socket':
      if (!slack.appToken) throw missing('SLACK_APP_TOKEN');
      return {
        mode: 'socket',
        receiver: new SocketModeReceiver({
          appToken: slack.appToken,
          logger,
          // Bolt serves custom routes on installerOptions.port beside the WebSocket: the health listener.
          ...(options.healthPort
            ? { customRoutes: [HEALTH_ROUTE], installerOptions: { port: options.healthPort } }
            : {}),
        }),
      };
    case 'lambda':
      if (!slack.signingSecret) throw missing('SLACK_SIGNING_SECRET');
      // Lambda freezes after the response, so Bolt's Lambda receiver always runs listeners first.
      return {
        mode: 'lambda',
        receiver: new AwsLambdaReceiver({ signingSecret: slack.signingSecret, logger }),
      };
    case 'http':
      if (!slack.signingSecret) throw missing('SLACK_SIGNING_SECRET');
      return {
        mode: 'http',
        receiver: new HTTPReceiver({
          signingSecret: slack.signingSecret,
          logger,
          processBeforeResponse: options.processBeforeResponse ?? false,
          customRoutes: [HEALTH_ROUTE],
        }),
      };
  }
}
