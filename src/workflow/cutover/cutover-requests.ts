import type { ApplicationCutoverStatus } from '../../domain/cutover-approval.ts';
import { BadInputError } from '../../domain/errors.ts';
import {
  VersionConflictError,
  type MigrationRecord,
  type MigrationRepository,
} from '../../domain/migration.ts';

/**
 * What a `cutover` job is for and how each application ended, kept in the migration's resources
 * (versioned, audited writes): a job ID is `cutover:<generation>:<migration>`, so the request for
 * generation N is recorded under `cutover:request:N` before the job is created; an application's
 * outcome under `cutover:app:<app>`, bound to the plan digest it applied.
 */
export const CUTOVER_JOB_KIND = 'cutover';

export interface CutoverRequest {
  app: string;
  action: 'apply' | 'rollback';
  /** The plan applied (apply) or the plan whose changes are undone (rollback). */
  planDigest: string;
  reason?: string;
}

export interface ApplicationOutcome {
  status: Extract<ApplicationCutoverStatus, 'applying' | 'cut_over' | 'failed' | 'rolled_back'>;
  planDigest: string;
  at: string;
  detail: string;
}

export const CutoverKeys = {
  request: (generation: number) => `cutover:request:${generation}`,
  app: (app: string) => `cutover:app:${app}`,
} as const;

export function requestOf(record: MigrationRecord, generation: number): CutoverRequest | undefined {
  const raw = record.resources[CutoverKeys.request(generation)];
  return raw ? (JSON.parse(raw) as CutoverRequest) : undefined;
}

export function outcomeOf(record: MigrationRecord, app: string): ApplicationOutcome | undefined {
  const raw = record.resources[CutoverKeys.app(app)];
  return raw ? (JSON.parse(raw) as ApplicationOutcome) : undefined;
}

/** Writes resources on the migration, re-reading on a version conflict (the job and a click may race). */
export async function writeResources(
  migrations: MigrationRepository,
  migrationId: string,
  resources: Record<string, string>,
  audit: { actor: string; detail: string; correlationId?: string; awsRequestIds?: string[] },
): Promise<MigrationRecord> {
  for (let attempt = 0; ; attempt++) {
    const record = await migrations.getMigration(migrationId);
    if (!record) throw new BadInputError(`${migrationId} was not found.`);
    try {
      return await migrations.updateMigration(migrationId, {
        expectedVersion: record.version,
        resources,
        ...audit,
      });
    } catch (e) {
      if (!(e instanceof VersionConflictError) || attempt >= 4) throw e;
    }
  }
}
