import { EfsEncryptError, ErrorCode } from '../../domain/errors.ts';
import type { ScanRecord } from '../../domain/inventory.ts';
import type { MigrationState } from '../../domain/migration-state.ts';
import type { ProgressOutput } from '../output/progress-output.ts';
import type { Runtime } from '../runtime.ts';
import type { JumpableClock } from './jumpable-clock.ts';
import { waitingScheduler } from '../waiting-scheduler.ts';

/**
 * The terminal demo's second half (issue #20): the whole migration of one sample file system,
 * through the same phases the CLI commands and the Slack app use (decide, build, copy, cutover,
 * decommission, validate), each phase's own text in turn. It runs on the embedded sample estate at
 * DEMO_ESTATE_SPEED, on a clock it can skip ahead over the decommission's idle window; the guard
 * itself is the one real runs use, unchanged.
 */

/** gitlab-runner-cache: its consumer is a launch template, so its cutover waits on no ECS deployment. */
export const DEMO_FILE_SYSTEM = {
  name: 'gitlab-runner-cache',
  accountId: '210987654321',
  region: 'us-east-1',
  fileSystemId: 'fs-6c6ef29eee9d07da5',
} as const;

/** The application owner's approval, as `cutover apply --approved-by demo-owner` records it. */
export const DEMO_OWNER = 'cli:demo-owner';
/** Who runs the other phases, for the event log. */
export const DEMO_ACTOR = 'cli:demo';
/** How much faster than its defaults the sample estate runs (DataSync, creations, deletions). */
export const DEMO_ESTATE_SPEED = 100;
/** How often the demo's jobs poll the estate: its waits last tens of milliseconds at this speed. */
export const DEMO_POLL_MS = 50;

export const DEMO_PHASES = [
  'Decision',
  'Build',
  'Copy',
  'Cutover',
  'Decommission',
  'Validation report',
] as const;
export type DemoPhase = (typeof DEMO_PHASES)[number];

/** A phase of the demo's walk did not end where it should: which, and why. */
export class DemoWalkFailedError extends EfsEncryptError {
  constructor(phase: DemoPhase, reason: string, options?: { cause?: unknown }) {
    super(
      ErrorCode.Internal,
      `the demo's migration of ${DEMO_FILE_SYSTEM.name} (${DEMO_FILE_SYSTEM.fileSystemId}) failed at ${phase}: ${reason}`,
      options,
    );
  }
}

export interface DemoWalkDeps {
  runtime: Runtime;
  clock: JumpableClock;
  scan: ScanRecord;
  /** The phases' text (stdout). */
  out: (text: string) => void;
  /** The jobs' progress (stderr). */
  progress: ProgressOutput;
}

/**
 * Plays the migration of DEMO_FILE_SYSTEM from decision to validation report; throws
 * DemoWalkFailedError. Returns false, having said why, when it does not play: a store kept across
 * runs (EFS_ENCRYPT_DATA_DIR) already holds that migration, or the store is a real DynamoDB table,
 * where the demo writes no migration.
 */
export async function playDemoMigration(deps: DemoWalkDeps): Promise<boolean> {
  const { runtime, clock, scan, out, progress } = deps;
  if (runtime.config.store.tableName) {
    out(
      `\nThe demo's migration of ${DEMO_FILE_SYSTEM.name} is not played on a DynamoDB table (EFS_ENCRYPT_TABLE): unset it to see it on the embedded store.\n`,
    );
    return false;
  }
  const earlier = (await runtime.store.migrations.listMigrations()).find(
    (m) =>
      m.fileSystemId === DEMO_FILE_SYSTEM.fileSystemId &&
      m.accountId === DEMO_FILE_SYSTEM.accountId &&
      m.region === DEMO_FILE_SYSTEM.region,
  );
  if (earlier) {
    out(
      `\nThe demo's migration of ${DEMO_FILE_SYSTEM.name} already ran in this store (${earlier.state}): see it with npx efs-encrypt status ${DEMO_FILE_SYSTEM.fileSystemId}, or play it again with a fresh EFS_ENCRYPT_DATA_DIR.\n`,
    );
    return false;
  }
  const fs = scan.fileSystems.find(
    (f) =>
      f.fileSystemId === DEMO_FILE_SYSTEM.fileSystemId &&
      f.accountId === DEMO_FILE_SYSTEM.accountId &&
      f.region === DEMO_FILE_SYSTEM.region,
  );
  // Loaded on use, like the commands' own modules.
  const [
    { openDecidePhase },
    { openBuildPhase },
    { openCopyPhase },
    { openCutoverPhase },
    { openDecommissionPhase },
    { formatRecorded, formatProblems },
    { formatMapping },
    { formatCopyStatus },
    { formatConsumerReport },
    { formatDecommissionLog },
    { createValidateWorkflow },
    { createStatusQuery },
    { createJobRunner, localLeaseHolders },
  ] = await Promise.all([
    import('../phases/decide-phase.ts'),
    import('../phases/build-phase.ts'),
    import('../phases/copy-phase.ts'),
    import('../phases/cutover-phase.ts'),
    import('../phases/decommission-phase.ts'),
    import('../../workflow/decide/index.ts'),
    import('../../workflow/provision/index.ts'),
    import('../../workflow/copy/index.ts'),
    import('../../workflow/consumers/index.ts'),
    import('../../workflow/decommission/index.ts'),
    import('../../workflow/validate/index.ts'),
    import('../../workflow/status/index.ts'),
    import('../../workflow/jobs/index.ts'),
  ]);

  let n = 0;
  const heading = (phase: DemoPhase) =>
    out(`\n── ${++n}/${DEMO_PHASES.length} ${phase} ${'─'.repeat(Math.max(3, 50 - phase.length))}\n`);
  const step = async <T>(phase: DemoPhase, run: () => Promise<T>): Promise<T> => {
    heading(phase);
    try {
      return await run();
    } catch (e) {
      if (e instanceof DemoWalkFailedError) throw e;
      const reason =
        e instanceof EfsEncryptError ? e.userMessage : e instanceof Error ? e.message : String(e);
      throw new DemoWalkFailedError(phase, reason, { cause: e });
    }
  };
  const expectState = async (phase: DemoPhase, id: string, wanted: MigrationState[]) => {
    const record = await runtime.store.migrations.getMigration(id);
    if (!record || !wanted.includes(record.state))
      throw new DemoWalkFailedError(
        phase,
        `the migration is ${record?.state ?? 'missing'}, not ${wanted.join(' or ')}${record?.lastError ? ` (${record.lastError.code}: ${record.lastError.message})` : ''}`,
      );
  };
  // The demo's jobs run here, in the foreground, as `efs-encrypt build`/`copy`/… run theirs.
  const runnerFor = (handlers: Parameters<typeof createJobRunner>[0]['handlers']) =>
    createJobRunner({
      jobs: runtime.store.jobs,
      handlers,
      clock,
      scheduler: waitingScheduler,
      owner: `cli:demo:${process.pid}`,
      leaseMs: 5 * 60_000,
      holders: localLeaseHolders(),
      io: progress,
    });
  const nextStep = async (migrationId: string) =>
    (
      await createStatusQuery({
        migrations: runtime.store.migrations,
        events: runtime.store.events,
        jobs: runtime.store.jobs,
        clock,
        surface: 'cli',
      }).detail(migrationId, { events: 0 })
    ).next;

  out(
    `\nNow the main job, on the sample estate's fast clock (${DEMO_ESTATE_SPEED}× its defaults): the migration of ${DEMO_FILE_SYSTEM.name} (${DEMO_FILE_SYSTEM.fileSystemId}, account ${DEMO_FILE_SYSTEM.accountId}, ${DEMO_FILE_SYSTEM.region}), phase by phase.\n`,
  );

  const migrationId = await step('Decision', async () => {
    if (!fs) throw new Error('the scan did not see it; is this the bundled sample estate?');
    const decide = openDecidePhase(runtime);
    try {
      const result = await decide.workflow.record(
        [
          {
            fileSystemId: fs.fileSystemId,
            accountId: fs.accountId,
            region: fs.region,
            scope: 'in_scope',
            targetKey: 'alias/aws/elasticfilesystem',
            method: 'datasync',
          },
        ],
        DEMO_ACTOR,
        { scanId: scan.scanId },
      );
      if (!result.ok) throw new Error(formatProblems(result.invalid).join('; '));
      for (const r of result.recorded) out(`${formatRecorded(r)}\n`);
    } finally {
      decide.directories.destroy();
    }
    const migration = (await runtime.store.migrations.listMigrations()).find(
      (m) => m.fileSystemId === fs.fileSystemId && m.accountId === fs.accountId && m.region === fs.region,
    );
    if (!migration) throw new Error('the decision stored no migration');
    return migration.id;
  });
  await expectState('Decision', migrationId, ['decided']);

  await step('Build', async () => {
    const phase = openBuildPhase(runtime, progress, { pollMs: DEMO_POLL_MS });
    const [queued] = await phase.requestBuild([migrationId], DEMO_ACTOR);
    if (!queued) throw new Error('no build job was queued');
    await runnerFor({ build: phase.handler }).runJob(queued.jobId);
    const status = await phase.status(migrationId);
    if (status.state !== 'target_ready')
      throw new Error(
        `the build ended ${status.state}${status.lastError ? `: ${status.lastError.code}: ${status.lastError.message}` : ''}`,
      );
    out(formatMapping(status.mapping));
  });

  await step('Copy', async () => {
    const { phase, close } = openCopyPhase(runtime, progress, { pollMs: DEMO_POLL_MS });
    try {
      for (const kind of ['initial', 'final'] as const) {
        const queued = await phase.startCopy(migrationId, DEMO_ACTOR, { kind });
        if (queued.clientCheck) out(`${kind} sync: client check ${queued.clientCheck.status}\n`);
        await runnerFor({ copy: phase.handler }).runJob(queued.jobId);
        const status = await phase.status(migrationId);
        out(formatCopyStatus(status, await nextStep(migrationId)));
        if (status.state === 'failed')
          throw new Error(
            `the ${kind} sync failed: ${status.lastError?.message ?? status.job?.lastError?.message ?? 'its job failed'}`,
          );
      }
    } finally {
      close();
    }
  });
  await expectState('Copy', migrationId, ['verified']);

  await step('Cutover', async () => {
    const { phase, close } = openCutoverPhase(runtime, progress, { actor: DEMO_ACTOR, pollMs: DEMO_POLL_MS });
    try {
      const review = await phase.review(migrationId, { actor: DEMO_ACTOR });
      const consumers = await phase.consumers(migrationId);
      if (consumers) out(formatConsumerReport(consumers, fs?.tags ?? {}));
      for (const plan of review.plans) {
        const owner = review.owners.find((o) => o.app === plan.app);
        out(
          `Plan for ${plan.app} (revision ${plan.revision}, digest ${plan.digest.slice(0, 12)}): ${plan.changes.map((c) => c.name).join(', ')}; owner ${owner?.ownerUserId ?? owner?.ownerTag ?? 'none'}\n`,
        );
        const { verdict } = await phase.approve(migrationId, {
          actor: DEMO_OWNER,
          app: plan.app,
          planDigest: plan.digest,
        });
        out(`  approved by ${verdict.approver} (${verdict.role})\n`);
        const queued = await phase.apply(migrationId, {
          actor: DEMO_OWNER,
          app: plan.app,
          planDigest: plan.digest,
        });
        const job = await runnerFor({ cutover: phase.handler }).runJob(queued.jobId);
        if (job?.status !== 'succeeded')
          throw new Error(
            `the cutover of ${plan.app} did not finish: ${job?.lastError?.message ?? job?.status ?? 'unknown'}`,
          );
      }
      const status = await phase.status(migrationId);
      out(
        `${status.fileSystemId} → ${status.targetFileSystemId ?? '?'}: ${status.state}; ${status.consumersRemaining} consumer(s) remaining\n`,
      );
      for (const a of status.applications)
        out(`  ${a.app}: ${a.status}; ${a.changes.map((c) => `${c.name} ${c.status}`).join(', ')}\n`);
    } finally {
      close();
    }
  });
  await expectState('Cutover', migrationId, ['cut_over']);

  await step('Decommission', async () => {
    const idleHours = runtime.config.decommission.idleHours;
    // The guard wants idleHours of no activity after the cutover: the demo's clock skips them.
    clock.skipAhead(idleHours * 3_600_000 + 60_000);
    out(
      `Skipping the demo's clock ${idleHours} h ahead: the source must stay idle that long after the cutover (EFS_ENCRYPT_IDLE_HOURS).\n`,
    );
    const { phase, close } = openDecommissionPhase(runtime, progress, { pollMs: DEMO_POLL_MS });
    try {
      const queued = await phase.request(migrationId, DEMO_ACTOR, DEMO_FILE_SYSTEM.fileSystemId);
      await runnerFor({ decommission: phase.handler }).runJob(queued.jobId);
      const [entry] = await phase.log(migrationId);
      if (entry?.state !== 'decommissioned') {
        const e = (await phase.latestJob(migrationId))?.lastError;
        throw new Error(
          `the source is ${entry?.state ?? 'not logged'}${e ? `: ${e.code}: ${e.message}` : ''}`,
        );
      }
      out(formatDecommissionLog([entry]));
    } finally {
      close();
    }
  });

  await step('Validation report', async () => {
    const validate = createValidateWorkflow({
      scanner: runtime.scanWorkflow(progress),
      migrations: runtime.store.migrations,
      jobs: runtime.store.jobs,
      reports: runtime.store.reports,
      signOffs: runtime.store.signOffs,
      cutovers: runtime.store.cutovers,
      clock,
      surface: 'cli',
    });
    const report = await validate.run({ requestedBy: DEMO_ACTOR, io: progress });
    const row = report.rows.find((r) => r.fileSystemId === DEMO_FILE_SYSTEM.fileSystemId);
    if (!row) throw new Error(`the report has no row for ${DEMO_FILE_SYSTEM.fileSystemId}`);
    out(
      `${row.fileSystemId}: ${row.category}${row.complete ? ', complete' : `, not complete: ${row.outstanding ?? 'work outstanding'}`}\n`,
    );
    out(`Verdict (report ${report.reportId}): ${report.verdict.line}\n`);
    out(
      'The other unencrypted file systems of the sample estate are not decided, so the goal is not met yet: that is the rest of the job.\n',
    );
  });
  return true;
}
