import type { ScanRecord } from '../../domain/inventory.ts';
import type { JobRepository } from '../../domain/job.ts';
import type { MigrationRepository } from '../../domain/migration.ts';
import type { StoredValidationReport, ValidationReportSummary } from '../../domain/validation-report.ts';
import type { IoHost } from '../io-host.ts';
import type { SignOffRecord } from '../../domain/sign-off.ts';
import type { CutoverRepository } from '../../domain/cutover-records.ts';

/**
 * What the validate phase calls, declared by the phase itself (as the scan's ports are); the
 * composition root hands in the scan workflow and the store, which match structurally.
 */

/** A fresh scan of every configured account and region (the scan workflow's run). */
export interface ValidateScanner {
  run(request: { requestedBy?: string }): Promise<ScanRecord>;
}

/** Where reports are kept: their own partitions, rows split across items (src/store). */
export interface ValidationReportRepository {
  /** Fails with RecordAlreadyExistsError if the ID is taken: a report is never overwritten. */
  saveReport(report: StoredValidationReport): Promise<void>;
  getReport(reportId: string): Promise<StoredValidationReport | undefined>;
  /** Newest first, without their rows. */
  listReports(limit?: number): Promise<ValidationReportSummary[]>;
}

/** getSnapshot: the file system's tags name its application when no cutover plan does (sign-off). */
export type ValidateMigrations = Pick<MigrationRepository, 'listMigrations' | 'getDecision'> &
  Partial<Pick<MigrationRepository, 'getSnapshot'>>;
export type ValidateJobs = Pick<JobRepository, 'listJobsForMigration'>;

export interface ValidateProgress {
  io: IoHost;
}

/** Application sign-off records of a migration, oldest first (src/store sign-off-repository.ts). */
export interface ValidateSignOffs {
  listSignOffs(migrationId: string): Promise<SignOffRecord[]>;
}
/** The cutover plans name each migration's applications. */
export type ValidateCutovers = Pick<CutoverRepository, 'listPlans'>;
