import type { BuildMapping } from './build-plan.ts';
import type { CopyKind, CopyProgressSample } from './copy.ts';
import type { JobActivity, JobRecord } from './job.ts';
import type { MigrationState } from './migration-state.ts';
import type {
  ChangeSummary,
  DecisionRecord,
  MigrationEvent,
  MigrationMethod,
  MigrationRecord,
} from './migration.ts';

/**
 * What `status` shows, as values: the status workflow derives them from stored records; the Slack
 * blocks and the CLI render them. In the domain, so that renderers depend on values, not on the
 * workflow that makes them (DESIGN.md: blocks import the domain only).
 */

/** One migration as one line of the overview. */
export interface MigrationLine {
  migrationId: string;
  fileSystemId: string;
  /** The source's Name tag, from the last inventory snapshot. */
  name?: string;
  accountId: string;
  region: string;
  state: MigrationState;
  /** While failed: the step it failed in (a retry resumes there). */
  failedFrom?: MigrationState;
  method?: MigrationMethod;
  /** The target key as the person gave it (alias), else its ARN. */
  targetKey?: string;
  /** The encrypted twin, once the build created it. */
  twinFileSystemId?: string;
  /** The copy as one line: the job running, the last verification, the last replicated time. */
  copy?: string;
  /** While copying or in final sync: the running copy's latest stored progress, as one line. */
  progress?: string;
  lastError?: { code: string; message: string; at: string };
  /** Who did what last, and when (from the record's own summary of its latest event). */
  lastChange?: Pick<ChangeSummary, 'actor' | 'at' | 'kind' | 'detail'>;
}

/** Who may take a next step (DESIGN.md rule 5). */
export type StepOwner = 'admins' | 'application owner' | 'nobody';

export interface NextStep {
  /** What to do, in a sentence. */
  text: string;
  who: StepOwner;
  /** Where to do it, when there is a command for it (the Slack button is named in `text`). */
  command?: string;
}

export interface StateCount {
  state: MigrationState;
  count: number;
}

export interface PlaceCount {
  accountId: string;
  region: string;
  total: number;
  byState: StateCount[];
}

export interface StatusOverview {
  generatedAt: string;
  total: number;
  /** Non-zero counts, in state-machine order. */
  byState: StateCount[];
  byPlace: PlaceCount[];
  /** Every migration, most urgent first (failed, then running, then waiting for a person, then done). */
  migrations: MigrationLine[];
}

export interface JobSummary {
  jobId: string;
  /** The stored status, except `interrupted` for a running job no live process holds. */
  status: JobActivity;
  /** Who holds the lease of a running or interrupted job. */
  heldBy?: string;
  generation: number;
  step?: string;
  requestedBy: string;
  updatedAt: string;
  lastError?: JobRecord['lastError'];
}

export interface MigrationDetail {
  line: MigrationLine;
  record: MigrationRecord;
  decision?: DecisionRecord;
  build: { mapping: BuildMapping; job?: JobSummary };
  copy: {
    job?: JobSummary;
    kind?: CopyKind;
    verification?: string;
    lastReplicatedTimestamp?: string;
    writesStoppedAt?: string;
    dataSyncTaskArn?: string;
    dataSyncExecutionArn?: string;
    /** While copying or in final sync: the latest progress the running copy job stored. */
    progress?: CopyProgressView;
  };
  /** The newest `events.length` events of the audit log, oldest first. */
  events: MigrationEvent[];
  totalEvents: number;
  next: NextStep;
}

/** A stored progress sample as status shows it: the sample, its age, and the line. */
export interface CopyProgressView {
  sample: CopyProgressSample;
  ageMs: number;
  /** Older than the copy job would leave it: the job may have stopped sampling. */
  stale: boolean;
  text: string;
}
