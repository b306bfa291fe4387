import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { createSlackApp, type CreateSlackAppOptions, type SlackAppHandle } from '../slack/app.ts';
import type { SlackServices } from '../slack/services.ts';
import { SandboxServer } from './server.ts';
import type { SandboxUser } from './web-api.ts';

export const SANDBOX_BOT = { botId: 'BSANDBOX1', botUserId: 'USANDBOT1', teamId: 'T0SANDBOX' };
export const SANDBOX_ADMIN = 'U0SANDADMIN';

/**
 * Who the page can act as: an admin (may plan, build, copy, cut over), the owners the sample estate
 * names in its `owner` tags (each may approve only their own application's cutover), and someone with
 * no role, to see refusals.
 */
export const SANDBOX_USERS: SandboxUser[] = [
  { id: SANDBOX_ADMIN, name: 'alex-admin', role: 'admin (EFS_ENCRYPT_ADMINS)' },
  { id: 'U07JENKINS1', name: 'jenkins-owner', role: 'owner of the jenkins application' },
  { id: 'U07MERCHANT', name: 'merchant-owner', role: 'owner of the merchant application' },
  { id: 'U0SOMEONE1', name: 'sam', role: 'no role' },
];

/**
 * The clock the runtime runs on, when it can be moved forward (the CLI's JumpableClock): the page
 * offers to skip the decommission's idle window, as the terminal demo does. Without it the page
 * shows no such control and the bot keeps real time.
 */
export interface SkippableClock {
  now(): Date;
  skipAhead(ms: number): void;
}

export interface SandboxOptions {
  config: Config;
  /** The runtime's clock, when it can skip ahead (`demo --sandbox` passes one). */
  clock?: SkippableClock;
  services: SlackServices;
  logger: Logger;
  /** The page's port (default: any free one). */
  port?: number;
  /** Passed to createSlackApp (tests give a clock and a scheduler). */
  app?: Pick<CreateSlackAppOptions, 'clock' | 'scheduler' | 'summary' | 'progressIntervalMs' | 'retryConfig'>;
}

export interface RunningSandbox {
  /** The page. */
  url: string;
  server: SandboxServer;
  slack: SlackAppHandle;
  /** The bot's events URL (its real HTTP receiver). */
  eventsUrl: string;
  close(): Promise<void>;
}

/**
 * The bot as `serve` runs it (the real Bolt app and HTTP receiver, the same services), with its Web
 * API pointed at the sandbox and a signing secret only the sandbox knows, both on loopback. The
 * sandbox admin is added to the configured admins, so the page can take every step.
 */
export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const signingSecret = randomBytes(24).toString('hex');
  const server = new SandboxServer({
    signingSecret,
    users: SANDBOX_USERS,
    bot: SANDBOX_BOT,
    port: options.port,
    ...(options.clock
      ? { clock: { clock: options.clock, idleHours: options.config.decommission.idleHours } }
      : {}),
  });
  const url = await server.start();
  const config: Config = {
    ...options.config,
    admins: [...new Set([...options.config.admins, SANDBOX_ADMIN])],
    slack: {
      ...options.config.slack,
      botToken: 'xoxb-sandbox-not-a-real-token',
      signingSecret,
      appToken: undefined,
      mode: 'http',
      host: '127.0.0.1',
      apiUrl: server.apiUrl,
      teamId: SANDBOX_BOT.teamId,
      enterpriseId: undefined,
    },
  };
  let slack: SlackAppHandle | undefined;
  try {
    slack = createSlackApp({
      config,
      services: options.services,
      logger: options.logger,
      botIdentity: SANDBOX_BOT,
      listen: { host: '127.0.0.1', port: 0 },
      ...options.app,
    });
    const started = await slack.start();
    if (started.mode !== 'http') throw new Error('the sandbox drives the HTTP receiver');
    server.connectReceiver(started.url);
    const app = slack;
    return {
      url,
      server,
      slack: app,
      eventsUrl: started.url,
      async close() {
        await app.stop();
        await server.close();
      },
    };
  } catch (err) {
    await slack?.stop().catch(() => undefined);
    await server.close();
    throw err;
  }
}
