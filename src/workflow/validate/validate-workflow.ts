import { randomBytes } from 'node:crypto';
import pLimit from 'p-limit';
import type { Clock } from '../../domain/clock.ts';
import { BadInputError } from '../../domain/errors.ts';
import { jobActivityOf, type JobRecord } from '../../domain/job.ts';
import type { MigrationRecord } from '../../domain/migration.ts';
import { ownership } from '../../domain/inventory.ts';
import type { NextStep } from '../../domain/status-view.ts';
import { exportDigests } from '../../domain/validation-export.ts';
import {
  buildValidationReport,
  type MigrationInput,
  type StoredValidationReport,
  type ValidationReportSummary,
} from '../../domain/validation-report.ts';
import { BUILD_JOB_KIND } from '../provision/index.ts';
import { COPY_JOB_KIND } from '../copy/index.ts';
import { localLeaseHolders, type LeaseHolderProbe } from '../jobs/index.ts';
import { silentIoHost, type IoHost } from '../io-host.ts';
import { nextStepOf, type Surface } from '../status/index.ts';
import type {
  ValidateCutovers,
  ValidateSignOffs,
  ValidateJobs,
  ValidateMigrations,
  ValidateScanner,
  ValidationReportRepository,
} from './ports.ts';

export interface ValidateWorkflowDeps {
  scanner: ValidateScanner;
  migrations: ValidateMigrations;
  reports: ValidationReportRepository;
  clock: Clock;
  /** The latest build and copy job of each migration, for the next step's wording; absent: by state only. */
  jobs?: ValidateJobs;
  holders?: Pick<LeaseHolderProbe, 'liveness'>;
  /** Where the next steps are read (Slack names buttons, the CLI commands); default slack. */
  surface?: Surface;
  idGenerator?: () => string;
  /** Store reads in flight at once (default 8). */
  concurrency?: number;
  /** Application sign-off (issue 16 §2): the records and the cutover plans naming each migration's apps. */
  signOffs?: ValidateSignOffs;
  cutovers?: ValidateCutovers;
}

export interface ValidateRequest {
  requestedBy: string;
  /** Progress of the scan and of the report (codes `validate.*`). */
  io?: IoHost;
}

export interface ValidateWorkflow {
  /** A fresh scan, the stored migrations and decisions, the report; stored before it is returned. */
  run(request: ValidateRequest): Promise<StoredValidationReport>;
  /** A stored report; ReportNotFoundError names the latest ones when there is none by that ID. */
  get(reportId: string): Promise<StoredValidationReport>;
  list(limit?: number): Promise<ValidationReportSummary[]>;
}

export class ReportNotFoundError extends BadInputError {
  constructor(
    readonly reportId: string,
    known: string[],
  ) {
    super(
      known.length
        ? `No validation report ${reportId}. The latest: ${known.join(', ')} (efs-encrypt report --list shows them all).`
        : `No validation report ${reportId}, and none is stored yet: run efs-encrypt report (or /efs-encrypt validate) to build one.`,
    );
  }
}

/** `val-20260101-101500-1a2b3c`: sortable by time, unique across replicas. */
export function newReportId(at: Date, random: () => string = () => randomBytes(3).toString('hex')): string {
  const t = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `val-${t}-${random()}`;
}

/** Migrations with nothing left to do: no next step, no job records to read. */
const NO_NEXT_STEP = new Set<MigrationRecord['state']>(['excluded', 'decommissioned']);

export function createValidateWorkflow(deps: ValidateWorkflowDeps): ValidateWorkflow {
  const holders = deps.holders ?? localLeaseHolders();

  const latestJob = async (id: string, kind: string) => {
    const job: JobRecord | undefined = (await deps.jobs!.listJobsForMigration(id, kind)).at(-1);
    if (!job) return undefined;
    const liveness = job.status === 'running' ? holders.liveness(job.leaseHolder) : 'unknown';
    return { ...job, activity: jobActivityOf(job, deps.clock.now(), liveness) };
  };

  async function signOffOf(record: MigrationRecord): Promise<MigrationInput['signOff']> {
    if (!deps.signOffs || record.state === 'excluded') return undefined;
    const [plans, records] = await Promise.all([
      deps.cutovers ? deps.cutovers.listPlans(record.id) : [],
      deps.signOffs.listSignOffs(record.id),
    ]);
    // The same applications the sign-off workflow asks: the plans' apps, else the `app` tag.
    let applications = plans.map((p) => p.app);
    if (!applications.length && deps.migrations.getSnapshot) {
      const snapshot = await deps.migrations.getSnapshot(record.id);
      const app = snapshot ? ownership(snapshot.fileSystem).app : undefined;
      if (app) applications = [app];
    }
    return { applications, records };
  }

  async function inputOf(record: MigrationRecord): Promise<MigrationInput> {
    const signOff = await signOffOf(record);
    return { ...(await decidedInputOf(record)), ...(signOff ? { signOff } : {}) };
  }

  async function decidedInputOf(record: MigrationRecord): Promise<MigrationInput> {
    const decision = await deps.migrations.getDecision(record.id);
    // Only migrations still on their way need a next step (and their job records).
    if (NO_NEXT_STEP.has(record.state)) return { record, ...(decision ? { decision } : {}) };
    const [buildJob, copyJob] = deps.jobs
      ? await Promise.all([latestJob(record.id, BUILD_JOB_KIND), latestJob(record.id, COPY_JOB_KIND)])
      : [undefined, undefined];
    const method = decision?.decision.method;
    const nextStep: NextStep = nextStepOf({
      record,
      surface: deps.surface ?? 'slack',
      ...(method ? { method } : {}),
      ...(buildJob ? { buildJob } : {}),
      ...(copyJob ? { copyJob } : {}),
    });
    return { record, ...(decision ? { decision } : {}), nextStep };
  }

  return {
    async run({ requestedBy, io = silentIoHost }) {
      const say = (code: string, message: string, data?: unknown) =>
        io.notify({ level: 'info', code, message, data, time: deps.clock.now() });
      const scan = await deps.scanner.run({ requestedBy });
      await say(
        'validate.scanned',
        `Scanned ${scan.fileSystems.length} file system(s); reading the migrations`,
        {
          scanId: scan.scanId,
        },
      );
      const records = await deps.migrations.listMigrations();
      const limit = pLimit(deps.concurrency ?? 8);
      const migrations = await Promise.all(records.map((r) => limit(() => inputOf(r))));
      const at = deps.clock.now();
      const report = buildValidationReport({
        reportId: deps.idGenerator?.() ?? newReportId(at),
        generatedAt: at.toISOString(),
        requestedBy,
        scan,
        migrations,
      });
      const stored: StoredValidationReport = { ...report, exports: exportDigests(report) };
      await deps.reports.saveReport(stored);
      await say('validate.done', report.verdict.line, {
        reportId: report.reportId,
        goalMet: report.verdict.goalMet,
      });
      return stored;
    },

    async get(reportId) {
      const report = await deps.reports.getReport(reportId.trim());
      if (report) return report;
      const latest = await deps.reports.listReports(5);
      throw new ReportNotFoundError(
        reportId,
        latest.map((r) => r.reportId),
      );
    },

    list: (limit) => deps.reports.listReports(limit),
  };
}
