import type { CutoverRepository } from '../../domain/cutover-records.ts';
import type { MigrationEventLog, MigrationRepository } from '../../domain/migration.ts';
import type { SignOffRecord } from '../../domain/sign-off.ts';

/** What the sign-off phase calls; the composition root hands in the store and the cutover's people. */

/** Append-only sign-off records in the migration's partition (src/store sign-off-repository.ts). */
export interface SignOffRepository {
  appendSignOff(record: SignOffRecord): Promise<SignOffRecord>;
  /** Oldest first. */
  listSignOffs(migrationId: string): Promise<SignOffRecord[]>;
}

export type SignOffMigrations = Pick<MigrationRepository, 'getMigration' | 'getSnapshot'>;
export type SignOffCutovers = Pick<CutoverRepository, 'listPlans'>;
export type SignOffEvents = Pick<MigrationEventLog, 'appendEvent'>;

/** Owner tag → Slack user, and the admin check: the cutover's, so sign-off follows the same people. */
export interface SignOffPeople {
  owners: { resolve(ownerTag?: string): Promise<{ userId?: string; fallbackReason?: string }> };
  isAdmin(actor: string): Promise<boolean>;
}
