import { randomBytes } from 'node:crypto';
import { BuildResourceKeys } from '../../../domain/build-plan.ts';
import type { Clock } from '../../../domain/clock.ts';
import { CopyResourceKeys } from '../../../domain/copy.ts';
import { BadInputError } from '../../../domain/errors.ts';
import {
  VersionConflictError,
  type MigrationRecord,
  type MigrationRepository,
} from '../../../domain/migration.ts';
import { toMountTargetRecord } from '../../scan/index.ts';
import type { MountTargetReader } from '../ports.ts';
import { generateRsyncRunbook, type RsyncRunbook } from './runbook.ts';

/** What the runbook reads: the store's migrations, the twin's account's EFS reads, the clock. */
export interface RunbookSources {
  store: { migrations: MigrationRepository };
  accounts: { clientsFor(accountId: string, region: string): Promise<{ efs: MountTargetReader }> };
  clock: Clock;
  /** The verification nonce generator (default: 128 random bits as hex); tests may inject one. */
  nonce?: () => string;
}

/** 128 bits from the system's CSPRNG: nobody can guess the nonce of a runbook they have not seen. */
export const randomNonce = (): string => randomBytes(16).toString('hex');

/**
 * The EC2 + rsync runbook of a built twin: the source as the decision's inventory snapshot saw it,
 * the twin's mount targets (and their security groups) as EFS describes them now. One function for
 * the Slack app's Post runbook and the CLI's `copy runbook`, so both hand out the same document.
 * Each call issues a new one-time nonce for its verify.sh and stores it with the migration before
 * returning (so before anything is posted or written): the latest runbook's nonce is the only one
 * the bot accepts, and a summary with it is recorded once.
 */
export async function rsyncRunbookFor(
  sources: RunbookSources,
  migrationId: string,
  actor = 'efs-encrypt',
): Promise<RsyncRunbook> {
  const { migrations } = sources.store;
  const record = await migrations.getMigration(migrationId);
  if (!record) throw new BadInputError(`${migrationId} was not found; scan, decide and build it first.`);
  const decision = (await migrations.getDecision(migrationId))?.decision;
  if (!decision)
    throw new BadInputError(`${record.fileSystemId} has no decision; choose its key and method first.`);
  const snapshot = await migrations.getSnapshot(migrationId);
  if (!snapshot)
    throw new BadInputError(`${record.fileSystemId} has no inventory recorded; scan and decide it again.`);
  const twinId = record.resources[BuildResourceKeys.targetFileSystemId];
  if (!twinId)
    throw new BadInputError(`${record.fileSystemId} has no encrypted twin recorded; build it first.`);
  const { efs } = await sources.accounts.clientsFor(record.accountId, record.region);
  const mountTargets = await Promise.all(
    (await efs.listMountTargets(twinId)).map(async (mt) =>
      toMountTargetRecord(mt, await efs.mountTargetSecurityGroups(mt)),
    ),
  );
  const twinArn = record.resources[BuildResourceKeys.targetFileSystemArn];
  const input = {
    migration: record,
    source: snapshot.fileSystem,
    target: { fileSystemId: twinId, mountTargets, ...(twinArn ? { fileSystemArn: twinArn } : {}) },
    decision,
    options: { generatedAt: sources.clock.now().toISOString() },
  };
  // Generate once before storing the nonce: a runbook that cannot be made issues nothing.
  generateRsyncRunbook({ ...input, verifyNonce: '0'.repeat(32) });
  const nonce = (sources.nonce ?? randomNonce)();
  await storeNonce(migrations, record, nonce, actor);
  return generateRsyncRunbook({ ...input, verifyNonce: nonce });
}

/** Stores the runbook's nonce (conditional write; re-read and retried when another change won). */
async function storeNonce(
  migrations: MigrationRepository,
  first: MigrationRecord,
  nonce: string,
  actor: string,
): Promise<void> {
  let record = first;
  for (let attempt = 0; ; attempt++) {
    try {
      await migrations.updateMigration(record.id, {
        expectedVersion: record.version,
        resources: { [CopyResourceKeys.rsyncVerifyNonce]: nonce },
        actor,
        detail: 'EC2 + rsync runbook generated: a new verification nonce replaces any earlier one',
      });
      return;
    } catch (e) {
      if (!(e instanceof VersionConflictError) || attempt >= 3) throw e;
      record = (await migrations.getMigration(record.id)) ?? record;
    }
  }
}
