import { DescribeKeyCommand, KMSClient, ListAliasesCommand } from '@aws-sdk/client-kms';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_ONE_ACTION_ID } from '#blocks/build-review.ts';
import type { Runtime } from '../../src/cli/runtime.ts';
import { slackServices } from '../../src/cli/slack-services.ts';
import { migrationId } from '../../src/domain/inventory.ts';
import { BuildThreads } from '../../src/slack/build-threads.ts';
import type { SlackServices } from '../../src/slack/services.ts';
import { silentIoHost } from '../../src/workflow/io-host.ts';
import { decideWithManagedKey, demoRuntime } from './demo-runtime.ts';
import { buttonClick, startSlackHarness, type SlackHarness } from '../harness/slack.ts';

/**
 * The build as `efs-encrypt serve --demo` wires it: the real composition root (embedded store,
 * sample estate on its real-time timeline, real SDK clients, the build service and job runner of
 * src/cli/slack-services.ts), the real Bolt receiver driven by a signed Build click. A build queued
 * before the bot started (a restart) is run by the runner the app starts, in its recorded thread.
 */
const ADMIN = 'U0ADMIN01';
const CHANNEL = 'C0OPS001';
const THREAD = '1767225600.000001';
/** An account of the sample estate where EFS has never encrypted with its AWS-managed key. */
const FRESH_ACCOUNT = '345678901234';
const FRESH_REGION = 'eu-west-1';

describe('Build end to end on the sample estate', () => {
  const demo = demoRuntime();
  let runtime: Runtime;
  let slack: SlackHarness | undefined;
  let services: SlackServices;
  const picked: string[] = [];

  beforeAll(async () => {
    runtime = await demo.open();
    const scan = await runtime.scanWorkflow(silentIoHost).run({ requestedBy: ADMIN });
    services = slackServices(runtime, { pollMs: 200 });
    // Two unencrypted file systems the decide rules accept with the AWS-managed key.
    for (const fs of scan.fileSystems.filter((f) => !f.encrypted && f.accountId !== FRESH_ACCOUNT)) {
      if (picked.length === 2) break;
      if (await decideWithManagedKey(services, scan, fs, 'rsync', ADMIN))
        picked.push(migrationId(fs.accountId, fs.region, fs.fileSystemId));
    }
    expect(picked).toHaveLength(2);
  }, 60_000);

  afterAll(async () => {
    await slack?.close();
    await demo.close();
  });

  it('runs a build queued before start-up, and builds another from its Build button, each ending with the validated mapping', async () => {
    const [queuedEarlier, clicked] = picked as [string, string];
    // Queued while no bot ran (as after a crash): the thread is recorded, the job waits in the store.
    await new BuildThreads(runtime.store.events).record(
      queuedEarlier,
      { channel: CHANNEL, threadTs: THREAD },
      ADMIN,
    );
    await services.build!.phase.requestBuild([queuedEarlier], ADMIN);

    slack = await startSlackHarness({ services, config: { admins: [ADMIN] } });
    const fsOf = (id: string) => id.split('#').at(-1)!;
    const ready = (id: string) =>
      slack!.waitForCall(
        'chat.update',
        (c) => c.body.text === `Encrypted twin of ${fsOf(id)}: ready`,
        30_000,
      );

    const res = await slack.blockAction(
      buttonClick(BUILD_ONE_ACTION_ID, clicked, {
        channel: CHANNEL,
        threadTs: THREAD,
        messageTs: '1767225600.000300',
      }),
      { userId: ADMIN, channelId: CHANNEL },
    );
    expect(res.status).toBe(200);
    expect(res.elapsedMs).toBeLessThan(3000);

    for (const id of [queuedEarlier, clicked]) {
      const done = await ready(id);
      const status = await services.build!.phase.status(id);
      expect(status.state).toBe('target_ready');
      const twin = runtime.estate!.server.control.fileSystem({
        accountId: id.split('#')[1]!,
        region: id.split('#')[2]!,
        fileSystemId: status.mapping.targetFileSystemId!,
      });
      expect(twin).toMatchObject({
        Encrypted: true,
        KmsKeyId: status.mapping.targetKmsKeyArn,
        LifeCycleState: 'available',
      });
      const shown = JSON.stringify(done.body.blocks);
      expect(shown).toContain(`reports Encrypted=true with KmsKeyId \`${status.mapping.targetKmsKeyArn}\``);
      const post = slack.recorder.callsTo('chat.postMessage').find((c) => c.response.ts === done.body.ts);
      expect(post?.body).toMatchObject({ channel: CHANNEL, thread_ts: THREAD });
    }
  }, 60_000);

  it('builds with the AWS-managed key in an account where EFS has not used it yet: the twin has the new key', async () => {
    // The account's own view of its keys, through the role the bot assumes there.
    const sts = new STSClient({ region: FRESH_REGION });
    const { Credentials: c } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${FRESH_ACCOUNT}:role/${runtime.config.aws.roleName}`,
        RoleSessionName: 'e2e-key-check',
      }),
    );
    sts.destroy();
    const kms = new KMSClient({
      region: FRESH_REGION,
      credentials: {
        accessKeyId: c!.AccessKeyId!,
        secretAccessKey: c!.SecretAccessKey!,
        sessionToken: c!.SessionToken!,
      },
    });
    const describeManaged = () =>
      kms.send(
        new DescribeKeyCommand({
          KeyId: `arn:aws:kms:${FRESH_REGION}:${FRESH_ACCOUNT}:alias/aws/elasticfilesystem`,
        }),
      );
    // No key behind the alias yet (DescribeKey would create it: KMS's documentation).
    const aliases = (await kms.send(new ListAliasesCommand({}))).Aliases ?? [];
    expect(aliases.filter((a) => a.AliasName === 'alias/aws/elasticfilesystem' && a.TargetKeyId)).toEqual([]);
    const scan = await runtime.scanWorkflow(silentIoHost).run({ requestedBy: ADMIN });
    const fs = scan.fileSystems.find(
      (f) => !f.encrypted && f.accountId === FRESH_ACCOUNT && f.region === FRESH_REGION,
    )!;
    // The plan accepts the default key though it does not exist yet (AWS creates it on first use).
    expect(await decideWithManagedKey(services, scan, fs, 'rsync', ADMIN)).toBe(true);
    const id = migrationId(fs.accountId, fs.region, fs.fileSystemId);
    slack ??= await startSlackHarness({ services, config: { admins: [ADMIN] } });
    await slack.blockAction(
      buttonClick(BUILD_ONE_ACTION_ID, id, {
        channel: CHANNEL,
        threadTs: THREAD,
        messageTs: '1767225600.000400',
      }),
      { userId: ADMIN, channelId: CHANNEL },
    );
    const done = await slack.waitForCall(
      'chat.update',
      (c) => /: (ready|failed)$/.test(String(c.body.text)) && String(c.body.text).includes(fs.fileSystemId),
      30_000,
    );
    expect(JSON.stringify(done.body.blocks)).not.toContain('not found');
    expect(done.body.text).toBe(`Encrypted twin of ${fs.fileSystemId}: ready`);
    const created = (await describeManaged()).KeyMetadata!;
    expect(created).toMatchObject({ KeyManager: 'AWS', KeyState: 'Enabled' });
    const status = await services.build!.phase.status(id);
    const twin = runtime.estate!.server.control.fileSystem({
      accountId: FRESH_ACCOUNT,
      region: FRESH_REGION,
      fileSystemId: status.mapping.targetFileSystemId!,
    });
    expect(twin).toMatchObject({ Encrypted: true, KmsKeyId: created.Arn, LifeCycleState: 'available' });
    kms.destroy();
  }, 60_000);
});
