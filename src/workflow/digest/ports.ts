import type { Digest, DigestRecord } from '../../domain/digest.ts';
import type { CutoverRepository } from '../../domain/cutover-records.ts';
import type { MigrationEventLog } from '../../domain/migration.ts';
import type {
  ValidateJobs,
  ValidateMigrations,
  ValidateScanner,
  ValidationReportRepository,
} from '../validate/index.ts';

/**
 * What the digest phase calls, declared by the phase (the composition root hands in the scan
 * workflow, the store and a Slack poster, which match structurally). The phase never sees Slack
 * types: posting is a port that answers with the message's ts.
 */

/** Where digests are kept; claimSlot is the conditional write two replicas race on. */
export interface DigestRepository {
  claimSlot(input: {
    slot: string;
    digestId: string;
    claimedBy: string;
    claimedAt: string;
    staleBefore: string;
  }): Promise<boolean>;
  createOnDemand(input: { digestId: string; claimedBy: string; claimedAt: string }): Promise<void>;
  saveContent(key: string, claimedBy: string, digest: Digest): Promise<void>;
  markPosted(
    key: string,
    claimedBy: string,
    posted: { channel: string; messageTs: string; postedAt: string },
  ): Promise<void>;
  markFailed(key: string, claimedBy: string, error: { code: string; message: string }): Promise<void>;
  get(key: string): Promise<DigestRecord | undefined>;
  latestSlotBefore(slot: string): Promise<string | undefined>;
}

/** Posts a digest to a channel (Slack's chat.postMessage behind it); resolves with the message ts. */
export interface DigestPoster {
  post(channel: string, digest: Digest): Promise<{ messageTs: string }>;
}

/** The owner tag of a cutover plan → the Slack user who approves (the cutover's owner directory). */
export interface DigestOwners {
  resolve(ownerTag?: string): Promise<{ userId?: string; fallbackReason?: string }>;
}

export type DigestCutovers = Pick<CutoverRepository, 'listPlans' | 'getVerdict'>;
export type DigestEvents = Pick<MigrationEventLog, 'listEvents'>;
export type {
  ValidateJobs as DigestJobs,
  ValidateMigrations as DigestMigrations,
  ValidateScanner as DigestScanner,
  ValidationReportRepository as DigestReports,
};
