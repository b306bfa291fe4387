import { DataSyncClient, ListTaskExecutionsCommand } from '@aws-sdk/client-datasync';
import { DescribeFileSystemsCommand, EFSClient } from '@aws-sdk/client-efs';
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.ts';
import {
  loadEstateFile,
  parseEstate,
  startEstateServer,
  type EstateServer,
} from '../../../src/estate/index.ts';
import { openStore } from '../../../src/store/index.ts';
import * as copyFixture from '../../workflow/copy/copy-fixture.ts';
import { killChild, startChild, type Child } from '../../harness/child-process.ts';
import { ACCOUNT, decideEstate, FS, KEYS, REGION } from '../../workflow/decide/decide-fixture.ts';
import { runCli, useCliWorkspace } from '../run-cli.ts';

/**
 * `efs-encrypt build` killed with SIGKILL in the middle of its job, then run again on the same
 * store: the second run finds the first one's process gone on this host and resumes at once (no
 * waiting for the five-minute lease), ending with exactly one twin. The AWS estate lives in this
 * test process on a ManualClock, so it outlives the killed CLI and the twin stays `creating`
 * until the test moves time on; the CLIs are real processes reaching it through the SDK's own
 * endpoint variables.
 */

const workspace = useCliWorkspace('resume-after-kill-');
const FILE_SYSTEM_CREATE_MS = 60_000;

let clock: ManualClock;
let estate: EstateServer;
const children: Child[] = [];

beforeEach(async () => {
  clock = new ManualClock(new Date('2026-05-01T09:00:00Z'));
  // Only the file system takes time: the killed build waits for it; everything after is at once.
  await writeFile(workspace.path('estate.json'), JSON.stringify(decideEstate()));
  estate = await startEstateServer({
    estate: await loadEstateFile(workspace.path('estate.json')),
    clock,
    timing: { fileSystemCreateMs: FILE_SYSTEM_CREATE_MS, mountTargetCreateMs: 0, accessPointCreateMs: 0 },
  });
  for (const s of ['EFS', 'KMS', 'EC2', 'STS', 'DATASYNC'])
    process.env[`AWS_ENDPOINT_URL_${s}`] = estate.endpoint;
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'AKIDLOCALESTATE',
    AWS_SECRET_ACCESS_KEY: 'local-estate',
    AWS_REGION: REGION,
    EFS_ENCRYPT_ACCOUNTS: ACCOUNT,
    EFS_ENCRYPT_REGIONS: REGION,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  await writeFile(
    workspace.path('decisions.yaml'),
    `decisions:\n  - { fileSystemId: ${FS.app}, scope: in_scope, targetKey: ${KEYS.good.alias}, method: datasync }\n`,
  );
});

afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => killChild(c)));
  await estate.close();
});

const cli = (...args: string[]) => {
  const child = startChild(['bin/efs-encrypt.js', ...args], { ...process.env });
  children.push(child);
  return child;
};

/** The encrypted twins in the estate, as the EFS API lists them. */
async function twins(): Promise<string[]> {
  const efs = new EFSClient({ endpoint: estate.endpoint, region: REGION });
  try {
    const out = await efs.send(new DescribeFileSystemsCommand({}));
    return (out.FileSystems ?? [])
      .filter((f) => f.Encrypted && f.CreationToken?.startsWith('efs-encrypt-'))
      .map((f) => f.FileSystemId!);
  } finally {
    efs.destroy();
  }
}

describe('a build killed mid-job', () => {
  it('is resumed at once by the next run on the same store, with exactly one twin', async () => {
    const first = cli('build', '--all', '--decisions', workspace.path('decisions.yaml'));
    // The twin exists and is `creating`: the job waits for it under a five-minute lease.
    await first.waitForLine(/Created encrypted file system/);
    await killChild(first);
    expect(await twins()).toHaveLength(1);

    // status: the job's process is gone, so it is interrupted, not running.
    const status = await runCli('status', FS.app);
    expect(status.code).toBe(0);
    expect(status.out).toMatch(new RegExp(`build: job build:1:\\S+ interrupted`));
    expect(status.out).toContain('The build was interrupted (the process running it is gone)');
    expect(status.out).not.toMatch(/job build:1:\S+ running/);

    clock.advance(FILE_SYSTEM_CREATE_MS);
    const second = cli('build', '--all');
    const { code } = await second.exited;
    const err = second.stderr.join('\n');
    expect(err).toContain(`was held by process ${first.pid} on host ${hostname()}`);
    expect(err).toContain('which is gone; resuming it now');
    expect(code, err).toBe(0);
    expect(second.stdout.join('\n')).toMatch(new RegExp(`^${FS.app} → fs-[0-9a-f]+ encrypted with`));
    expect(await twins()).toHaveLength(1);
  }, 120_000);

  it('says which live process holds the job instead of an error with no cause', async () => {
    const first = cli('build', '--all', '--decisions', workspace.path('decisions.yaml'));
    await first.waitForLine(/Created encrypted file system/);
    // The first build still runs (waiting for its twin); a second one on the same store connects
    // to the first's store server and must leave the job alone, naming who holds it.
    const second = cli('build', '--all');
    const { code } = await second.exited;
    const err = second.stderr.join('\n');
    expect(code).toBe(1);
    expect(err).toContain('1 build(s) did not finish:');
    expect(err).toContain(
      `${FS.app}: target_creating: job build:1:FS#${ACCOUNT}#${REGION}#${FS.app} is held by process ${first.pid} on host ${hostname()}`,
    );
    expect(err).toContain('which is still running: wait for it, or stop it and run this again');
    // The first build finishes once its twin is available.
    clock.advance(FILE_SYSTEM_CREATE_MS);
    expect((await first.exited).code).toBe(0);
    expect(await twins()).toHaveLength(1);
  }, 120_000);
});

describe('a copy killed mid-job', () => {
  it('is resumed at once by copy start on the same store, following the execution it started', async () => {
    // A built twin in a second estate (the copy fixture's), served here on the same ManualClock.
    const copyEstate = await startEstateServer({
      estate: parseEstate(copyFixture.COPY_ESTATE, 'copy'),
      clock,
    });
    try {
      const store = await openStore({ dataDir: workspace.path('store'), clock });
      try {
        await copyFixture.seedMigration(store, copyEstate, clock, 'datasync');
      } finally {
        await store.close();
      }
      const env = {
        ...process.env,
        EFS_ENCRYPT_ACCOUNTS: copyFixture.ACCOUNT,
        EFS_ENCRYPT_REGIONS: copyFixture.REGION,
        ...Object.fromEntries(
          ['EFS', 'KMS', 'EC2', 'STS', 'DATASYNC'].map((s) => [`AWS_ENDPOINT_URL_${s}`, copyEstate.endpoint]),
        ),
      };
      const copy = () => {
        const child = startChild(['bin/efs-encrypt.js', 'copy', 'start', copyFixture.SOURCE], env);
        children.push(child);
        return child;
      };
      const first = copy();
      // The execution is started and recorded; the job polls it (every 15 s) under its lease.
      await first.waitForLine(/DataSync initial execution \S+ started/);
      await killChild(first);

      const status = await runCli('status');
      expect(status.out).toContain('Initial copy interrupted (its process is gone): resumes on the next run');

      clock.advance(60 * 60_000);
      const second = copy();
      const { code } = await second.exited;
      const err = second.stderr.join('\n');
      expect(err).toContain(`Already queued: copy:1:`);
      expect(err).toContain(`was held by process ${first.pid} on host ${hostname()}`);
      expect(code, err).toBe(0);
      expect(second.stdout.join('\n')).toContain(`${copyFixture.SOURCE}: synced`);
      // It followed the execution the killed run started instead of starting another.
      const dataSync = new DataSyncClient({ endpoint: copyEstate.endpoint, region: copyFixture.REGION });
      try {
        const executions = await dataSync.send(new ListTaskExecutionsCommand({}));
        expect(executions.TaskExecutions).toHaveLength(1);
      } finally {
        dataSync.destroy();
      }
    } finally {
      await copyEstate.close();
    }
  }, 120_000);
});
