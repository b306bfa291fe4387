/**
 * The cutover as `efs-encrypt serve --demo` wires it, on a test's ManualClock: the real composition
 * root (sample estate on the same clock, embedded store, real SDK clients, src/cli/slack-services.ts
 * with the cutover job on the bot's one job runner), the real Bolt receiver driven by signed
 * requests, the recording Web API answering users.lookupByEmail. Waits are skipped ahead on the
 * clock, so an ECS deployment's 20 s or a Lambda update's 5 s cost no real time.
 */
import {
  CreateAccessPointCommand,
  CreateFileSystemCommand,
  CreateMountTargetCommand,
  EFSClient,
} from '@aws-sdk/client-efs';
import { pino } from 'pino';
import type { Block } from '#blocks/limits.ts';
import { openRuntime, type Runtime } from '../../src/cli/runtime.ts';
import { slackServices } from '../../src/cli/slack-services.ts';
import { loadConfig } from '../../src/config.ts';
import { BuildResourceKeys } from '../../src/domain/build-plan.ts';
import { ManualClock } from '../../src/domain/clock.ts';
import type { FileSystemRecord, ScanRecord } from '../../src/domain/inventory.ts';
import type { Scheduler } from '../../src/slack/scheduler.ts';
import type { SlackServices } from '../../src/slack/services.ts';
import { silentIoHost } from '../../src/workflow/io-host.ts';
import { restoreEnv } from '../harness/sdk-env.ts';
import { skipAheadScheduler } from '../harness/schedulers.ts';
import { buttonClick, startSlackHarness, type SlackHarness } from '../harness/slack.ts';
import type { RecordedCall } from '../harness/slack-recorder.ts';

export const ADMIN = 'U0ADMIN001';
export const CHANNEL = 'C0OPS001';
export const THREAD = '1767225600.000001';
/** The verified copy's message in the thread, where Find consumers and Review cutover are. */
export const COPY_MESSAGE = '1767225600.000300';
export const PLATFORM = '210987654321';
export const PAYMENTS = '345678901234';
export const REGION = 'us-east-1';
export const JENKINS_OWNER = 'U07JENKINS1';
export const MERCHANT_OWNER = 'U07MERCHANT';
export const PLATFORM_TEAM = 'U07PLATFORM';
export const PLATFORM_TEAM_EMAIL = 'platform-team@example.com';
/** The bot's lease on a job: a restarted replica takes over once it has expired. */
export const LEASE_MS = 60_000;

export interface VerifiedMigration {
  id: string;
  fileSystemId: string;
  accountId: string;
  twinId: string;
  /** Source access point ID → the twin's copy. */
  accessPoints: Record<string, string>;
}

export interface CutoverE2e {
  clock: ManualClock;
  runtime: Runtime;
  scan: ScanRecord;
  /** The bot's services, made on `startBot`. */
  services: SlackServices;
  slack: SlackHarness;
  /** A migration of the sample file system named `name`, in `verified`, its twin built in the estate. */
  verified(name: string): Promise<VerifiedMigration>;
  /** Starts the bot (services + Slack app); `scheduler` is its job runner's (default: skip ahead). */
  startBot(options?: { scheduler?: Scheduler; owner?: string }): Promise<void>;
  /** Stops the Slack app (the process "dies"); the runtime, store and estate stay. */
  stopBot(): Promise<void>;
  /** Clicks `actionId` on a message the bot posted, with the message's blocks as Slack sends them. */
  click(message: RecordedCall, actionId: string, userId: string): ReturnType<SlackHarness['blockAction']>;
  /** Clicks a button of the verified copy's message (value: the migration ID). */
  clickOnCopy(actionId: string, migrationId: string, userId: string): ReturnType<SlackHarness['blockAction']>;
  /** Runs `fn` when the world closes, before the runtime does (a frozen runner must wake first). */
  onClose(fn: () => void): void;
  close(): Promise<void>;
}

/** The text of a recorded message, blocks included, for `toContain`. */
export const textOf = (call: RecordedCall) => JSON.stringify(call.body.blocks ?? call.body.text);

export function buttonValue(blocks: Block[], actionId: string): string | undefined {
  // Buttons in an actions block, or a section's accessory (the Waive button of a consumer).
  const elements: unknown[] = blocks.flatMap((b): unknown[] =>
    b.type === 'actions' ? b.elements : b.type === 'section' && b.accessory ? [b.accessory] : [],
  );
  const button = elements.find((e) => (e as { action_id?: string }).action_id === actionId) as
    { value?: string } | undefined;
  return button?.value;
}

/**
 * A scheduler that holds everything given to it: the job runner of a replica that froze (its
 * process stopped mid-wait). `release` runs what it held, as a process waking up would.
 */
export function frozenScheduler(): Scheduler & { release(): void } {
  const held: (() => void)[] = [];
  return {
    schedule(_ms, fn) {
      held.push(fn);
      return () => {
        const i = held.indexOf(fn);
        if (i >= 0) held.splice(i, 1);
      };
    },
    release() {
      for (const fn of held.splice(0)) fn();
    },
  };
}

export async function openCutoverE2e(): Promise<CutoverE2e> {
  const saved = { ...process.env };
  const clock = new ManualClock(new Date('2026-03-02T09:00:00.000Z'));
  const runtime = await openRuntime({
    config: loadConfig({}),
    env: process.env,
    logger: pino({ level: 'silent' }),
    estate: { demo: true },
    clock,
  });
  const scan = await runtime.scanWorkflow(silentIoHost).run({ requestedBy: ADMIN });
  const harnesses: SlackHarness[] = [];
  const closers: (() => void)[] = [];
  let services: SlackServices | undefined;
  let slack: SlackHarness | undefined;

  async function verified(name: string): Promise<VerifiedMigration> {
    const fs = scan.fileSystems.find((f) => f.tags.Name === name);
    if (!fs) throw new Error(`the sample estate has no file system named ${name}`);
    const sdk = await runtime.accounts.sdkClientsFor(fs.accountId, fs.region);
    const efs = new EFSClient({ ...sdk.clientConfig });
    try {
      const twin = await efs.send(
        new CreateFileSystemCommand({ CreationToken: `twin-${fs.fileSystemId}`, Encrypted: true }),
      );
      clock.advance(60_000); // available
      const twinId = twin.FileSystemId!;
      const accessPoints: Record<string, string> = {};
      for (const ap of fs.accessPoints) {
        const made = await efs.send(
          new CreateAccessPointCommand({ FileSystemId: twinId, ClientToken: `twin-${ap.accessPointId}` }),
        );
        accessPoints[ap.accessPointId] = made.AccessPointId!;
      }
      // Mount targets where the source has them: a Lambda function in a VPC needs one in its zone.
      for (const mt of fs.mountTargets)
        await efs.send(new CreateMountTargetCommand({ FileSystemId: twinId, SubnetId: mt.subnetId }));
      clock.advance(60_000);
      const created = await runtime.store.migrations.createMigration({
        accountId: fs.accountId,
        region: fs.region,
        fileSystemId: fs.fileSystemId,
        state: 'verified',
        actor: 'test',
      });
      await runtime.store.migrations.updateMigration(created.id, {
        expectedVersion: created.version,
        resources: {
          [BuildResourceKeys.targetFileSystemId]: twinId,
          ...Object.fromEntries(
            Object.entries(accessPoints).map(([src, dst]) => [BuildResourceKeys.accessPoint(src), dst]),
          ),
        },
        actor: 'test',
        detail: 'build mapping',
      });
      await runtime.store.migrations.putSnapshot(created.id, {
        observedAt: scan.finishedAt ?? scan.startedAt,
        scanId: scan.scanId,
        fileSystem: fs satisfies FileSystemRecord,
      });
      return { id: created.id, fileSystemId: fs.fileSystemId, accountId: fs.accountId, twinId, accessPoints };
    } finally {
      efs.destroy();
    }
  }

  const world: CutoverE2e = {
    clock,
    runtime,
    scan,
    get services() {
      if (!services) throw new Error('startBot first');
      return services;
    },
    get slack() {
      if (!slack) throw new Error('startBot first');
      return slack;
    },
    verified,
    async startBot(options = {}) {
      services = slackServices(runtime, {
        scheduler: options.scheduler ?? skipAheadScheduler(clock),
        owner: options.owner ?? 'bot-1',
        leaseMs: LEASE_MS,
        pollMs: 5_000,
      });
      slack = await startSlackHarness({
        services,
        config: { admins: [ADMIN] },
        clock,
        recorder: { usersByEmail: { [PLATFORM_TEAM_EMAIL]: PLATFORM_TEAM } },
      });
      harnesses.push(slack);
    },
    async stopBot() {
      await slack?.close();
      harnesses.splice(harnesses.indexOf(slack!), 1);
    },
    click(message, actionId, userId) {
      const blocks = message.body.blocks as Block[];
      const value = buttonValue(blocks, actionId);
      if (value === undefined) throw new Error(`no ${actionId} button on ${String(message.body.text)}`);
      const click = buttonClick(actionId, value, {
        channel: CHANNEL,
        messageTs: String(message.response.ts ?? message.body.ts),
        threadTs: THREAD,
      });
      return world.slack.blockAction(
        { ...click, message: { ...click.message, blocks } },
        { userId, channelId: CHANNEL },
      );
    },
    clickOnCopy(actionId, migrationId, userId) {
      return world.slack.blockAction(
        buttonClick(actionId, migrationId, { channel: CHANNEL, messageTs: COPY_MESSAGE, threadTs: THREAD }),
        { userId, channelId: CHANNEL },
      );
    },
    onClose(fn) {
      closers.push(fn);
    },
    async close() {
      for (const h of harnesses.splice(0)) await h.close();
      for (const fn of closers.splice(0)) fn();
      await runtime.close();
      restoreEnv(saved);
    },
  };
  return world;
}
