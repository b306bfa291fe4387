import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.ts';
import type { ConsumerReport } from '../../../src/domain/consumers.ts';
import { BuildResourceKeys } from '../../../src/domain/build-plan.ts';
import { SAMPLE_ESTATE_PATH } from '../../../src/estate/samples/index.ts';
import { openStore } from '../../../src/store/index.ts';
import { runCli, useCliWorkspace } from '../run-cli.ts';

/**
 * `efs-encrypt cutover refs|plan|apply|status` as a person runs them: the real discovery and phase
 * against the bundled sample estate (or the sample plus a built twin, served from a file), over an
 * embedded store kept in the data directory. Migrations are seeded from what `efs-encrypt scan`
 * stored, as a build and a verified copy would leave them.
 */
const workspace = useCliWorkspace('cutover-cli-');

const PLATFORM = '210987654321';
const REGION = 'us-east-1';
const FS = {
  jenkins: 'fs-68e35c51cc50b9405',
  merchant: 'fs-d0bcccb1bd7d680e6',
  gitlab: 'fs-6c6ef29eee9d07da5',
  ldapStaging: 'fs-74277bb76816acf09',
};
/** The encrypted twin of gitlab-runner-cache, added to the sample estate as a build leaves it. */
const GITLAB_TWIN = 'fs-0e1c0e2c3d4e5f601';

/** Scans (storing the inventory), then records a migration per file system in `state`, with its snapshot. */
async function seed(
  estateArgs: string[],
  migrations: { fileSystemId: string; state: 'verified'; twin?: string }[],
): Promise<void> {
  const scanned = await runCli('scan', ...estateArgs);
  expect(scanned.code, scanned.err).toBe(0);
  const store = await openStore({ dataDir: workspace.path('store'), clock: new ManualClock() });
  try {
    const scan = (await store.scans.getLatestScan())!;
    for (const m of migrations) {
      const fileSystem = scan.fileSystems.find((f) => f.fileSystemId === m.fileSystemId)!;
      const created = await store.migrations.createMigration({
        accountId: fileSystem.accountId,
        region: fileSystem.region,
        fileSystemId: m.fileSystemId,
        state: m.state,
        actor: 'test',
      });
      if (m.twin)
        await store.migrations.updateMigration(created.id, {
          expectedVersion: created.version,
          resources: { [BuildResourceKeys.targetFileSystemId]: m.twin },
          actor: 'test',
          detail: 'build mapping',
        });
      await store.migrations.putSnapshot(created.id, {
        observedAt: scan.finishedAt ?? scan.startedAt,
        scanId: scan.scanId,
        fileSystem,
      });
    }
  } finally {
    await store.close();
  }
}

const summary = (report: ConsumerReport) =>
  report.consumers.map((c) => ({
    kind: c.kind,
    name: c.name,
    references: c.references.map((r) => `${r.form} ${r.value}`),
  }));

describe('efs-encrypt cutover refs on the sample estate', () => {
  it('finds each sample workload with how it refers to the file system, and nothing for an unused one', async () => {
    await seed(
      ['--demo'],
      Object.values(FS).map((fileSystemId) => ({ fileSystemId, state: 'verified' as const })),
    );
    const refs = async (fs: string) => {
      const r = await runCli('cutover', 'refs', fs, '--demo', '--json');
      expect(r.code, r.err).toBe(0);
      return JSON.parse(r.out) as ConsumerReport;
    };

    const jenkins = await refs(FS.jenkins);
    expect(jenkins.unreadable).toEqual([]);
    expect(summary(jenkins)).toEqual([
      {
        kind: 'ecs-service',
        name: 'jenkins',
        references: [`file-system-id ${FS.jenkins}`, 'access-point fsap-cc438ccc832cf3b6b'],
      },
      {
        kind: 'ecs-task-definition',
        name: 'jenkins:2',
        references: [`file-system-id ${FS.jenkins}`, 'access-point fsap-cc438ccc832cf3b6b'],
      },
    ]);
    expect(jenkins.consumers[0]).toMatchObject({
      tags: expect.objectContaining({ owner: 'U07JENKINS1' }),
      deploymentController: 'ECS',
      taskDefinitionArn: `arn:aws:ecs:${REGION}:${PLATFORM}:task-definition/jenkins:3`,
    });

    const merchant = await refs(FS.merchant);
    const thumbnailerAp =
      'arn:aws:elasticfilesystem:us-east-1:345678901234:access-point/fsap-f6478ec4fb73d5f11';
    // The CODE_DEPLOY service's revision is the service's (its task set), not a stray task definition.
    expect(summary(merchant)).toEqual([
      { kind: 'ecs-service', name: 'merchant-portal', references: [`file-system-id ${FS.merchant}`] },
      {
        kind: 'lambda-function',
        name: 'merchant-thumbnailer',
        references: [`access-point ${thumbnailerAp}`, `access-point ${thumbnailerAp}`],
      },
    ]);
    // $LATEST and version 2 (behind `live`) both mount it.
    expect(merchant.consumers[1]!.references.map((r) => r.where)).toEqual([
      '$LATEST FileSystemConfigs[0] (/mnt/uploads)',
      '2 FileSystemConfigs[0] (/mnt/uploads)',
    ]);
    expect(merchant.consumers[0]).toMatchObject({ deploymentController: 'CODE_DEPLOY' });
    expect(merchant.consumers[1]).toMatchObject({ aliases: [{ name: 'live', functionVersion: '2' }] });

    const gitlab = await refs(FS.gitlab);
    expect(summary(gitlab).map((c) => `${c.kind} ${c.name}`)).toEqual([
      'launch-template gitlab-runner',
      'launch-template gitlab-runner-spot',
    ]);
    expect(summary(gitlab)[0]!.references).toContain(`dns-name ${FS.gitlab}.efs.us-east-1.amazonaws.com`);
    expect(summary(gitlab)[1]!.references).toContain(`file-system-id ${FS.gitlab}`);
    expect(gitlab.consumers[0]).toMatchObject({
      tags: expect.objectContaining({ owner: 'platform-team@example.com' }),
      autoScalingGroups: [
        expect.objectContaining({
          name: 'gitlab-runners',
          instancesOnReferencingVersion: ['i-0a1b2c3d4e5f60001'],
        }),
      ],
    });

    const unused = await refs(FS.ldapStaging);
    expect(unused.consumers).toEqual([]);
    expect(unused.unreadable).toEqual([]);
    // What no API shows is still listed, for a person to check.
    expect(unused.checklist.map((c) => c.id)).toContain('fstab');
  }, 60_000);
});

describe('efs-encrypt cutover plan and apply', () => {
  it('plans the launch templates, then applies with the approver recorded as cli:alice', async () => {
    const sample = JSON.parse(await readFile(SAMPLE_ESTATE_PATH, 'utf8'));
    const region = sample.accounts.find((a: { accountId: string }) => a.accountId === PLATFORM).regions[
      REGION
    ];
    // The twin a build made: encrypted, with a mount target in the source's subnet.
    region.fileSystems.push({
      FileSystemId: GITLAB_TWIN,
      Encrypted: true,
      Tags: [{ Key: 'Name', Value: 'gitlab-runner-cache (encrypted)' }],
      MountTargets: [{ SubnetId: 'subnet-0c1e0a51b2d3e4f51', SecurityGroups: ['sg-0c1e0a51b2d3e4f5b'] }],
    });
    const estate = workspace.path('estate.json');
    await writeFile(estate, JSON.stringify(sample));
    await seed(['--estate', estate], [{ fileSystemId: FS.gitlab, state: 'verified', twin: GITLAB_TWIN }]);

    const plan = await runCli('cutover', 'plan', FS.gitlab, '--estate', estate);
    expect(plan.code, plan.err).toBe(0);
    expect(plan.out).toMatch(
      /^gitlab-runner \(plan 1, digest [0-9a-f]{12}; owner platform-team@example.com: /,
    );
    expect(plan.out).toContain('ec2 CreateLaunchTemplateVersion');
    expect(plan.out).toContain('ec2 ModifyLaunchTemplate');
    expect(plan.out).not.toContain('StartInstanceRefresh');

    // Instance refresh only when asked: a new plan revision (a new digest to approve) that
    // replaces the group's instances, and says capacity drops meanwhile.
    const refresh = await runCli('cutover', 'plan', FS.gitlab, '--instance-refresh', '--estate', estate);
    expect(refresh.code, refresh.err).toBe(0);
    expect(refresh.out).toMatch(/^gitlab-runner \(plan 2, digest [0-9a-f]{12};/);
    expect(refresh.out).toContain(
      'autoscaling StartInstanceRefresh {"AutoScalingGroupName":"gitlab-runners"',
    );
    expect(refresh.out).toContain('capacity drops while it runs');
    const digest = (out: string) => /digest ([0-9a-f]{12})/.exec(out)?.[1];
    expect(digest(refresh.out)).not.toBe(digest(plan.out));
    const dry = await runCli(
      'cutover',
      'apply',
      FS.gitlab,
      '--dry-run',
      '--instance-refresh',
      '--estate',
      estate,
    );
    expect(dry.code, dry.err).toBe(0);
    expect(dry.out).toContain('plan 3');
    expect(dry.out).toContain('autoscaling StartInstanceRefresh');
    const misplaced = await runCli(
      'cutover',
      'apply',
      FS.gitlab,
      '--instance-refresh',
      '--approved-by',
      'alice',
      '--estate',
      estate,
    );
    expect(misplaced.code).not.toBe(0);
    expect(misplaced.err).toContain('--instance-refresh is part of the plan');
    // Planned again without it: no instance is replaced by the apply below.
    const again = await runCli('cutover', 'plan', FS.gitlab, '--estate', estate);
    expect(again.code, again.err).toBe(0);
    expect(again.out).toContain('plan 4');
    expect(again.out).not.toContain('StartInstanceRefresh');

    const refused = await runCli('cutover', 'apply', FS.gitlab, '--estate', estate);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain('apply needs --approved-by NAME');

    const applied = await runCli('cutover', 'apply', FS.gitlab, '--approved-by', 'alice', '--estate', estate);
    expect(applied.code, applied.err).toBe(0);
    expect(applied.err).toMatch(/Queued: cutover:/);
    expect(applied.out).toContain(`${FS.gitlab} → ${GITLAB_TWIN}: cut_over; 0 consumer(s) remaining`);
    expect(applied.out).toContain('gitlab-runner: cut_over (approved by cli:alice)');
    expect(applied.out).toContain('    gitlab-runner: verified');
    expect(applied.out).toContain('    gitlab-runner-spot: verified');

    const status = await runCli('cutover', 'status', FS.gitlab, '--json', '--estate', estate);
    expect(status.code, status.err).toBe(0);
    const json = JSON.parse(status.out) as {
      state: string;
      applications: { verdict: { approver: string; role: string } }[];
    };
    expect(json.state).toBe('cut_over');
    expect(json.applications[0]!.verdict).toMatchObject({ approver: 'cli:alice', role: 'cli' });
  }, 60_000);
});
