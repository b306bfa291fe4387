import type { ClientCheck } from '../../domain/client-activity.ts';
import { createHash } from 'node:crypto';
import { BuildResourceKeys } from '../../domain/build-plan.ts';
import type { Clock } from '../../domain/clock.ts';
import { CopyResourceKeys as Keys } from '../../domain/copy.ts';
import { BadInputError } from '../../domain/errors.ts';
import {
  VersionConflictError,
  type MigrationRecord,
  type MigrationRepository,
} from '../../domain/migration.ts';
import type { MigrationState } from '../../domain/migration-state.ts';
import type { IoHost } from '../io-host.ts';
import { parseVerificationSummary, summaryBindingProblem, type VerificationSummary } from './rsync/index.ts';

/**
 * Recording the passes of an EC2 + rsync copy, which a person runs from the runbook and reports
 * from the thread (**Initial copy done**, **Final sync done**) with verify.sh's summary. Only a
 * clean summary of the final pass verifies the migration; differences leave it in final_sync with
 * every difference the summary lists. A double click re-reads and answers with what the first
 * recorded.
 *
 * A summary is evidence only for the migration its verify.sh was bound to: it must name this
 * migration, its source and twin, and the nonce of the latest runbook, which it uses up (the next
 * summary needs a new runbook); its counts must not contradict the source's metered size
 * (summaryBindingProblem). The same summary submitted again is a double submission, not a reuse.
 */

export type RsyncPass = 'initial' | 'final';

export interface RsyncStatusResult {
  migrationId: string;
  fileSystemId: string;
  pass: RsyncPass;
  state: MigrationState;
  verified: boolean;
  summary?: VerificationSummary;
  /** One line for the thread. */
  message: string;
  /** True when nothing changed (already recorded). */
  unchanged: boolean;
  /** The final pass: who CloudWatch saw connected to the source when it was recorded. */
  clientCheck?: ClientCheck;
}

export interface RsyncStatusDeps {
  migrations: MigrationRepository;
  clock: Clock;
  io: IoHost;
}

const sha256 = (s: VerificationSummary) => createHash('sha256').update(JSON.stringify(s)).digest('hex');

type Deps = Pick<RsyncStatusDeps, 'migrations'>;

async function loadRsyncMigration(deps: Deps, migrationId: string): Promise<MigrationRecord> {
  const record = await deps.migrations.getMigration(migrationId);
  if (!record) throw new BadInputError(`${migrationId} was not found; scan, decide and build it first.`);
  const method = (await deps.migrations.getDecision(migrationId))?.decision.method;
  if (method !== 'rsync')
    throw new BadInputError(
      `${record.fileSystemId} is copied with ${method ?? 'no decided method'}, not EC2 + rsync; its copy status comes from the bot.`,
    );
  return record;
}

/**
 * Whether `summary` may be recorded for the migration as it is now: 'fresh' (its nonce is unused),
 * 'recorded' (this very summary was recorded already: a double submission); otherwise a
 * BadInputError saying which binding differs and what to run.
 */
async function checkBinding(
  deps: Deps,
  record: MigrationRecord,
  summary: VerificationSummary,
): Promise<'fresh' | 'recorded'> {
  const r = record.resources;
  if (summary.nonce && summary.nonce === r[Keys.rsyncVerifyNonceUsed]) {
    if (r[Keys.rsyncVerifySummarySha256] === sha256(summary)) return 'recorded';
    throw new BadInputError(
      `This summary's nonce was already used by a recorded verification of ${record.fileSystemId}: each runbook's verify.sh proves one pass. Generate the runbook again (efs-encrypt copy runbook ${record.fileSystemId} --out DIR, or Post runbook in its thread), run its verify.sh and give that summary.`,
    );
  }
  const snapshot = await deps.migrations.getSnapshot(record.id);
  const metered = snapshot?.fileSystem.sizeInBytes;
  const problem = summaryBindingProblem(summary, {
    migrationId: record.id,
    sourceFileSystemId: record.fileSystemId,
    ...(r[BuildResourceKeys.targetFileSystemId]
      ? { targetFileSystemId: r[BuildResourceKeys.targetFileSystemId] }
      : {}),
    ...(r[Keys.rsyncVerifyNonce] ? { nonce: r[Keys.rsyncVerifyNonce] } : {}),
    ...(snapshot && typeof metered === 'number' && metered > 0
      ? { metered: { bytes: metered, observedAt: snapshot.observedAt } }
      : {}),
  });
  if (problem) throw new BadInputError(problem);
  return 'fresh';
}

/**
 * Checks a pasted summary against the migration without recording it: the Slack modal shows what
 * is wrong next to the field before it closes. The same checks run again when the pass is recorded.
 */
export async function checkRsyncSummary(
  deps: Deps,
  migrationId: string,
  summaryText: string,
): Promise<VerificationSummary> {
  const summary = parseVerificationSummary(summaryText);
  await checkBinding(deps, await loadRsyncMigration(deps, migrationId), summary);
  return summary;
}

export async function recordRsyncPass(
  deps: RsyncStatusDeps,
  migrationId: string,
  actor: string,
  /** `note`: what the final-sync client check found, for the audit log (client-check.ts). */
  input: { pass: RsyncPass; summaryText?: string; note?: string },
): Promise<RsyncStatusResult> {
  // Parse first: bad input changes nothing.
  const summary = input.summaryText?.trim() ? parseVerificationSummary(input.summaryText) : undefined;
  if (input.pass === 'final' && !summary)
    throw new BadInputError(
      'The final pass needs the verification summary verify.sh printed after it: in Slack, paste the block or attach its summary file; on the command line, give --summary FILE.',
    );
  for (let attempt = 0; ; attempt++) {
    try {
      return await apply(await load());
    } catch (e) {
      // Another click or replica changed the record meanwhile: read it again and decide again.
      if (e instanceof VersionConflictError && attempt < 3) continue;
      throw e;
    }
  }

  function load(): Promise<MigrationRecord> {
    return loadRsyncMigration(deps, migrationId);
  }

  async function apply(record: MigrationRecord): Promise<RsyncStatusResult> {
    const base = {
      migrationId,
      fileSystemId: record.fileSystemId,
      pass: input.pass,
      ...(summary ? { summary } : {}),
    };
    const line = summary ? summaryLine(summary) : undefined;
    // The summary's nonce is used up with the first write that records it.
    const evidence: Record<string, string> = summary
      ? {
          [Keys.verification]: line!,
          [Keys.rsyncVerifyNonceUsed]: summary.nonce!,
          [Keys.rsyncVerifySummarySha256]: sha256(summary),
        }
      : {};
    const move = (
      r: MigrationRecord,
      to: MigrationState,
      detail: string,
      extra: { verificationClean?: boolean } = {},
    ) =>
      deps.migrations.transitionMigration(migrationId, {
        expectedVersion: r.version,
        to,
        ...(extra.verificationClean !== undefined
          ? { facts: { verificationClean: extra.verificationClean } }
          : {}),
        ...(summary ? { resources: evidence } : {}),
        actor,
        detail: `${detail}${input.note ?? ''}`,
      });

    const binding = summary ? await checkBinding(deps, record, summary) : 'fresh';

    if (input.pass === 'initial') {
      let r = record;
      if (r.state === 'synced')
        return {
          ...base,
          state: r.state,
          verified: false,
          unchanged: true,
          message: `${r.fileSystemId}: the initial copy was already recorded (synced).`,
        };
      if (r.state === 'target_ready') r = await move(r, 'copying', 'EC2 + rsync initial pass recorded');
      if (r.state !== 'copying')
        throw new BadInputError(
          `${r.fileSystemId} is ${r.state}; the initial copy can be recorded once the twin is ready (target_ready).`,
        );
      r = await move(r, 'synced', `EC2 + rsync initial pass done${line ? `: ${line}` : ''}`);
      const message = `${r.fileSystemId}: initial copy recorded (synced)${line ? `; ${line}` : ''}. Run incremental passes as needed, then stop writes and run the final pass.`;
      await notify('info', 'copy.done', message, r, summary);
      return { ...base, state: r.state, verified: false, unchanged: false, message };
    }

    let r = record;
    if (r.state === 'verified')
      return {
        ...base,
        state: r.state,
        verified: true,
        unchanged: true,
        message: `${r.fileSystemId} is already verified.`,
      };
    // This very summary, listing differences, was recorded: a double submission. (A clean one
    // recorded by a write that has not reached verified yet goes on to verify: the writes dedupe.)
    if (binding === 'recorded' && r.state === 'final_sync' && !summary!.clean)
      return {
        ...base,
        state: r.state,
        verified: false,
        unchanged: true,
        message: `${r.fileSystemId}: this summary was already recorded (not verified: ${summary!.differences} difference(s)). Run the final pass again, generate the runbook again and verify with its verify.sh.`,
      };
    if (r.state === 'synced') r = await move(r, 'final_sync', 'EC2 + rsync final pass recorded');
    if (r.state !== 'final_sync')
      throw new BadInputError(
        `${r.fileSystemId} is ${r.state}; record the initial copy first (the final sync follows a finished copy).`,
      );
    if (summary!.clean) {
      r = await move(r, 'verified', `EC2 + rsync final pass verified: ${line}`, { verificationClean: true });
      const message = `${r.fileSystemId}: final sync verified (${line}).`;
      await notify('info', 'copy.done', message, r, summary);
      return { ...base, state: r.state, verified: true, unchanged: false, message };
    }
    r = await deps.migrations.updateMigration(migrationId, {
      expectedVersion: r.version,
      facts: { verificationClean: false },
      resources: evidence,
      actor,
      detail: `EC2 + rsync final pass NOT verified: ${line}${input.note ?? ''}`,
    });
    const listed = summary!.sample.length ? `\n${summary!.sample.map((d) => `  - ${d}`).join('\n')}` : '';
    const message = `${r.fileSystemId}: the final sync is not verified: ${summary!.differences} difference(s) between source and twin.${listed}\nFix them (run the final pass again with writes stopped), generate the runbook again (its verify.sh gets a new nonce: this summary's is used), verify with it and give the new summary.`;
    await notify('warn', 'copy.verification_differs', message, r, summary);
    return { ...base, state: r.state, verified: false, unchanged: false, message };
  }

  function notify(
    level: 'info' | 'warn',
    code: string,
    message: string,
    r: MigrationRecord,
    s: VerificationSummary | undefined,
  ) {
    return deps.io.notify({
      level,
      code,
      message,
      time: deps.clock.now(),
      data: {
        migrationId,
        fileSystemId: r.fileSystemId,
        method: 'rsync',
        kind: input.pass,
        state: r.state,
        ...(s ? { verification: s } : {}),
      },
    });
  }
}

function summaryLine(s: VerificationSummary): string {
  const entries =
    s.sourceEntries !== undefined
      ? `, ${s.sourceEntries} source / ${s.targetEntries ?? '?'} target entries`
      : '';
  return `verify.sh: ${s.clean ? 'CLEAN' : 'DIFFERENT'}, ${s.differences} difference(s)${entries}, compared ${s.compared.join(' ') || 'nothing'}`;
}
