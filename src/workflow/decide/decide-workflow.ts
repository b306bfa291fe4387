import pLimit from 'p-limit';
import type { CandidateStatus, PlanSummary } from '../../domain/plan-summary.ts';
import { createPageLookups, type PageLookups } from './page-lookups.ts';
import { describeBasis, planBasis, sourceFor, type BasisRequest, type PlanBasis } from './plan-basis.ts';
import type { Clock } from '../../domain/clock.ts';
import {
  evaluateChoice,
  keyManagerOf,
  resolvedKeyArn,
  type DecisionChoice,
  type FieldErrors,
  type FileSystemRef,
  type PolicyRule,
} from '../../domain/decision.ts';
import { BadInputError } from '../../domain/errors.ts';
import { migrationId, type FileSystemRecord } from '../../domain/inventory.ts';
import {
  RecordAlreadyExistsError,
  VersionConflictError,
  type DecisionRecord,
  type MigrationDecision,
  type MigrationRecord,
  type MigrationRepository,
} from '../../domain/migration.ts';
import { transition, type MigrationState } from '../../domain/migration-state.ts';
import type { ScanRepository } from '../scan/index.ts';
import type { KeyDirectory, NetworkDirectory } from './ports.ts';

/**
 * The decide phase: validate each person's choice against the live estate, then store it per
 * file system migration through the state machine (discovered → in_scope | excluded → decided).
 * All or nothing at validation: if any choice is invalid, nothing is stored.
 */

export interface DecideWorkflowDeps {
  keys: Pick<KeyDirectory, 'lookup'>;
  network: NetworkDirectory;
  migrations: MigrationRepository;
  scans: ScanRepository;
  policy: PolicyRule[];
  clock: Clock;
  /** Choices validated at once (each makes a few AWS calls). */
  concurrency?: number;
}

/** One choice after validation: the file system it names, what is wrong, what it resolved to. */
export interface ValidatedChoice {
  choice: DecisionChoice;
  fileSystem?: FileSystemRecord;
  errors: FieldErrors;
  ok: boolean;
  /** Set when valid and in scope: what would be stored. */
  decision?: Omit<MigrationDecision, 'decidedBy' | 'decidedAt'>;
}

export type RecordOutcome = 'decided' | 'excluded' | 'unchanged';

export interface RecordedChoice {
  fileSystem: FileSystemRecord;
  migrationId: string;
  outcome: RecordOutcome;
  state: MigrationState;
}

export type RecordResult =
  { ok: true; recorded: RecordedChoice[] } | { ok: false; invalid: ValidatedChoice[] };

export type { CandidateStatus, PlanSummary } from '../../domain/plan-summary.ts';

/** Default: each account and region as its newest finished scan saw it. */
export type RecordOptions = BasisRequest;

export interface DecideWorkflow {
  /**
   * The file systems decisions refer to: those of scan `scanId`, or of the newest scan of each
   * account and region. Throws BadInputError if there is none.
   */
  basisFor(request?: BasisRequest): Promise<PlanBasis>;
  validate(choice: DecisionChoice, options?: RecordOptions): Promise<ValidatedChoice>;
  validateAll(choices: DecisionChoice[], options?: RecordOptions): Promise<ValidatedChoice[]>;
  record(choices: DecisionChoice[], actor: string, options?: RecordOptions): Promise<RecordResult>;
  /** Current state, decision and exclusion reason of each file system. */
  statusOf(fileSystems: FileSystemRecord[]): Promise<CandidateStatus[]>;
  summary(request?: BasisRequest): Promise<PlanSummary>;
}

/** The states in which a decision can still be made or changed. */
export const DECIDABLE_STATES: readonly MigrationState[] = ['discovered', 'in_scope', 'excluded', 'decided'];

/** The unencrypted file systems of a plan's basis, largest first: what a plan decides about. */
export function planCandidates(basis: Pick<PlanBasis, 'fileSystems'>): FileSystemRecord[] {
  return basis.fileSystems
    .filter((fs) => !fs.encrypted)
    .sort((a, b) => b.sizeInBytes - a.sizeInBytes || a.fileSystemId.localeCompare(b.fileSystemId));
}

export function findFileSystem(
  basis: Pick<PlanBasis, 'fileSystems' | 'scanId' | 'scans'>,
  ref: FileSystemRef,
): FileSystemRecord | string {
  const matches = basis.fileSystems.filter(
    (fs) =>
      fs.fileSystemId === ref.fileSystemId &&
      (ref.accountId === undefined || fs.accountId === ref.accountId) &&
      (ref.region === undefined || fs.region === ref.region),
  );
  if (matches.length === 1) return matches[0]!;
  const where = [ref.accountId, ref.region].filter(Boolean).join(' ');
  if (matches.length === 0)
    return `${ref.fileSystemId}${where ? ` in ${where}` : ''} is not in ${describeBasis(basis)}. Check the ID, or scan its account and region again.`;
  return `${ref.fileSystemId} is in several places (${matches.map((m) => `${m.accountId} ${m.region}`).join(', ')}); give its accountId and region.`;
}

/** Same decision, ignoring who and when: a second identical submission changes nothing. */
function sameDecision(a: MigrationDecision, b: MigrationDecision): boolean {
  const strip = ({ decidedAt: _at, decidedBy: _by, ...rest }: MigrationDecision) =>
    JSON.stringify(rest, Object.keys(rest).sort());
  return strip(a) === strip(b);
}

function cleanConstraints(c: DecisionChoice['constraints']): MigrationDecision['constraints'] {
  const out = Object.fromEntries(
    Object.entries(c ?? {})
      .map(([k, v]) => [k, typeof v === 'string' ? v.trim() : v])
      .filter(([, v]) => typeof v === 'string' && v !== ''),
  );
  return Object.keys(out).length ? out : undefined;
}

export function createDecideWorkflow(deps: DecideWorkflowDeps): DecideWorkflow {
  const limit = pLimit(deps.concurrency ?? 4);

  function basisFor(request: BasisRequest = {}): Promise<PlanBasis> {
    return planBasis(deps.scans, request);
  }

  /** Whether the choice's method needs an NFS path from a copy agent to the file system. */
  function needsNetwork(choice: DecisionChoice, fs: FileSystemRecord): boolean {
    return (
      choice.scope === 'in_scope' &&
      !fs.encrypted &&
      (choice.method === 'datasync' || choice.method === 'rsync')
    );
  }

  /** The lookups of one submission: each AWS read once for all its choices. */
  function lookupsFor(scan: PlanBasis, choices: DecisionChoice[]): PageLookups {
    const withNetwork = choices.flatMap((c) => {
      const fs = findFileSystem(scan, c);
      return typeof fs !== 'string' && needsNetwork(c, fs) ? [fs] : [];
    });
    return createPageLookups({ keys: deps.keys, network: deps.network }, withNetwork);
  }

  /** The state machine's refusal when a decision can no longer change (the build started). */
  async function stateProblem(fs: FileSystemRecord, choice: DecisionChoice): Promise<string | undefined> {
    const current = await deps.migrations.getMigration(migrationId(fs.accountId, fs.region, fs.fileSystemId));
    if (!current || DECIDABLE_STATES.includes(current.state)) return undefined;
    try {
      transition(current.state, choice.scope === 'excluded' ? 'excluded' : 'decided', {
        ...current.facts,
        hasDecision: true,
        exclusionReason: 'x',
      });
      return undefined;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }

  async function validateIn(
    scan: PlanBasis,
    choice: DecisionChoice,
    lookups: PageLookups,
  ): Promise<ValidatedChoice> {
    const found = findFileSystem(scan, choice);
    if (typeof found === 'string') return { choice, errors: { fileSystem: found }, ok: false };
    const fs = found;
    const inScope = choice.scope === 'in_scope';
    const [key, network, stateError] = await Promise.all([
      inScope && choice.targetKey?.trim() ? lookups.key(choice.targetKey.trim(), fs) : undefined,
      needsNetwork(choice, fs) ? lookups.network(fs) : undefined,
      stateProblem(fs, choice),
    ]);
    const verdict = evaluateChoice(choice, {
      fileSystem: fs,
      key,
      network: typeof network === 'string' ? undefined : network,
      policy: deps.policy,
    });
    const errors = { ...verdict.errors };
    if (typeof network === 'string') errors.method ??= network;
    if (stateError) errors.scope ??= stateError;
    const ok = Object.keys(errors).length === 0;
    const decision =
      ok && inScope && key && choice.method
        ? {
            targetKmsKeyId: resolvedKeyArn(key) ?? choice.targetKey!.trim(),
            targetKeyAsGiven: choice.targetKey!.trim(),
            keyManager: keyManagerOf(key),
            method: choice.method,
            constraints: cleanConstraints(choice.constraints),
            networkPath: verdict.networkPath,
          }
        : undefined;
    return { choice, fileSystem: fs, errors, ok, decision };
  }

  async function validateAll(
    choices: DecisionChoice[],
    options: RecordOptions = {},
  ): Promise<ValidatedChoice[]> {
    const scan = await basisFor(options);
    const lookups = lookupsFor(scan, choices);
    const results = await Promise.all(choices.map((c) => limit(() => validateIn(scan, c, lookups))));
    // One choice per file system: two would race each other.
    const seen = new Map<string, number>();
    results.forEach((r, i) => {
      if (!r.fileSystem) return;
      const id = migrationId(r.fileSystem.accountId, r.fileSystem.region, r.fileSystem.fileSystemId);
      const first = seen.get(id);
      if (first === undefined) seen.set(id, i);
      else {
        r.errors.fileSystem ??= `${r.fileSystem.fileSystemId} has more than one choice (entries ${first + 1} and ${i + 1}); keep one.`;
        r.ok = false;
      }
    });
    return results;
  }

  async function ensureMigration(
    fs: FileSystemRecord,
    scan: PlanBasis,
    actor: string,
  ): Promise<MigrationRecord> {
    const id = migrationId(fs.accountId, fs.region, fs.fileSystemId);
    const existing = await deps.migrations.getMigration(id);
    if (existing) return existing;
    let created: MigrationRecord;
    try {
      created = await deps.migrations.createMigration({
        accountId: fs.accountId,
        region: fs.region,
        fileSystemId: fs.fileSystemId,
        actor,
      });
    } catch (e) {
      if (!(e instanceof RecordAlreadyExistsError) || !e.current) throw e;
      created = e.current as MigrationRecord;
    }
    const source = sourceFor(scan, fs);
    await deps.migrations.putSnapshot(id, {
      observedAt: source.observedAt,
      scanId: source.scanId,
      fileSystem: fs,
    });
    return created;
  }

  /**
   * Moves a migration one step at a time until `done` holds. A lost conditional write (double
   * submit, second replica) re-reads and continues from where the winner left it.
   */
  async function advance(
    id: string,
    done: (m: MigrationRecord) => boolean,
    step: (m: MigrationRecord) => Promise<MigrationRecord>,
  ): Promise<MigrationRecord> {
    for (let attempt = 0; attempt < 6; attempt++) {
      const m = await deps.migrations.getMigration(id);
      if (!m) throw new BadInputError(`${id} disappeared while recording the decision; try again.`);
      if (done(m)) return m;
      try {
        const next = await step(m);
        if (done(next)) return next;
      } catch (e) {
        if (!(e instanceof VersionConflictError)) throw e;
      }
    }
    throw new BadInputError(`${id} kept changing while recording the decision; reload and try again.`);
  }

  async function applyExclusion(v: ValidatedChoice, scan: PlanBasis, actor: string): Promise<RecordedChoice> {
    const fs = v.fileSystem!;
    const id = migrationId(fs.accountId, fs.region, fs.fileSystemId);
    const reason = v.choice.exclusionReason!.trim();
    const before = await ensureMigration(fs, scan, actor);
    if (before.state === 'excluded' && before.facts.exclusionReason === reason)
      return { fileSystem: fs, migrationId: id, outcome: 'unchanged', state: before.state };
    const after = await advance(
      id,
      (m) => m.state === 'excluded' && m.facts.exclusionReason === reason,
      (m) =>
        m.state === 'excluded'
          ? deps.migrations.updateMigration(id, {
              expectedVersion: m.version,
              facts: { exclusionReason: reason },
              actor,
              detail: `exclusion reason: ${reason}`,
            })
          : deps.migrations.transitionMigration(id, {
              expectedVersion: m.version,
              to: 'excluded',
              facts: { exclusionReason: reason, hasDecision: false },
              actor,
              detail: `excluded: ${reason}`,
            }),
    );
    return { fileSystem: fs, migrationId: id, outcome: 'excluded', state: after.state };
  }

  async function applyDecision(v: ValidatedChoice, scan: PlanBasis, actor: string): Promise<RecordedChoice> {
    const fs = v.fileSystem!;
    const id = migrationId(fs.accountId, fs.region, fs.fileSystemId);
    const decision: MigrationDecision = {
      ...v.decision!,
      decidedBy: actor,
      decidedAt: deps.clock.now().toISOString(),
    };
    const before = await ensureMigration(fs, scan, actor);
    const existing = await deps.migrations.getDecision(id);
    if (before.state === 'decided' && existing && sameDecision(existing.decision, decision))
      return { fileSystem: fs, migrationId: id, outcome: 'unchanged', state: before.state };

    // Into scope first: the decision is only stored once the state machine accepts the file system.
    await advance(
      id,
      (m) => m.state === 'in_scope' || m.state === 'decided',
      (m) =>
        deps.migrations.transitionMigration(id, {
          expectedVersion: m.version,
          to: 'in_scope',
          actor,
          detail: 'in scope',
        }),
    );
    let wrote = false;
    if (!existing || !sameDecision(existing.decision, decision)) {
      try {
        await deps.migrations.putDecision(id, decision, existing?.version ?? 0);
        wrote = true;
      } catch (e) {
        // Someone stored the same decision first (a double submit): theirs stands, nothing to add.
        if (!(e instanceof VersionConflictError)) throw e;
        const current = e.current as DecisionRecord | undefined;
        if (!current || !sameDecision(current.decision, decision)) throw e;
      }
    }
    let moved = false;
    const after = await advance(
      id,
      (m) => m.state === 'decided' && (moved || !wrote),
      async (m) => {
        const next = await deps.migrations.transitionMigration(id, {
          expectedVersion: m.version,
          to: 'decided',
          facts: { hasDecision: true },
          actor,
          detail: `${decision.method} to ${decision.targetKmsKeyId}`,
        });
        moved = true;
        return next;
      },
    );
    return {
      fileSystem: fs,
      migrationId: id,
      outcome: wrote || before.state !== 'decided' ? 'decided' : 'unchanged',
      state: after.state,
    };
  }

  async function record(
    choices: DecisionChoice[],
    actor: string,
    options: RecordOptions = {},
  ): Promise<RecordResult> {
    const scan = await basisFor(options);
    // The same basis for checking and storing, even if a scan finishes in between.
    const validated = await validateAll(choices, { scanId: scan.scanId, asOf: scan.asOf });
    const invalid = validated.filter((v) => !v.ok);
    if (invalid.length) return { ok: false, invalid };
    const recorded: RecordedChoice[] = [];
    // One at a time: each is a few conditional writes, and the event log reads in order.
    for (const v of validated)
      recorded.push(
        v.choice.scope === 'excluded'
          ? await applyExclusion(v, scan, actor)
          : await applyDecision(v, scan, actor),
      );
    return { ok: true, recorded };
  }

  async function statusOf(fileSystems: FileSystemRecord[]): Promise<CandidateStatus[]> {
    return Promise.all(
      fileSystems.map((fs) =>
        limit(async () => {
          const id = migrationId(fs.accountId, fs.region, fs.fileSystemId);
          const [m, decision] = await Promise.all([
            deps.migrations.getMigration(id),
            deps.migrations.getDecision(id),
          ]);
          return {
            fileSystem: fs,
            migrationId: id,
            state: m?.state,
            decision,
            exclusionReason: m?.state === 'excluded' ? m.facts.exclusionReason : undefined,
            updatedBy: m?.updatedBy,
            updatedAt: m?.updatedAt,
          };
        }),
      ),
    );
  }

  async function summary(request: BasisRequest = {}): Promise<PlanSummary> {
    const scan = await basisFor(request);
    const statuses = await statusOf(planCandidates(scan));
    const out: PlanSummary = {
      scanId: scan.scanId,
      basis: describeBasis(scan),
      unread: scan.unread,
      candidates: statuses.length,
      decided: [],
      excluded: [],
      undecided: [],
      started: [],
    };
    for (const s of statuses) {
      if (s.state === 'decided' && s.decision) out.decided.push(s);
      else if (s.state === 'excluded') out.excluded.push(s);
      else if (!s.state || DECIDABLE_STATES.includes(s.state)) out.undecided.push(s);
      else out.started.push(s);
    }
    return out;
  }

  return {
    basisFor,
    validate: async (choice, options = {}) => {
      const scan = await basisFor(options);
      return validateIn(scan, choice, lookupsFor(scan, [choice]));
    },
    validateAll,
    record,
    statusOf,
    summary,
  };
}
