import { BuildResourceKeys } from '../../../domain/build-plan.ts';
import type { Clock } from '../../../domain/clock.ts';
import { BadInputError } from '../../../domain/errors.ts';
import type { MigrationRepository } from '../../../domain/migration.ts';
import { toMountTargetRecord } from '../../scan/index.ts';
import type { MountTargetReader } from '../ports.ts';
import { generateRsyncRunbook, type RsyncRunbook } from './runbook.ts';

/** What the runbook reads: the store's migrations, the twin's account's EFS reads, the clock. */
export interface RunbookSources {
  store: { migrations: MigrationRepository };
  accounts: { clientsFor(accountId: string, region: string): Promise<{ efs: MountTargetReader }> };
  clock: Clock;
}

/**
 * The EC2 + rsync runbook of a built twin: the source as the decision's inventory snapshot saw it,
 * the twin's mount targets (and their security groups) as EFS describes them now. One function for
 * the Slack app's Post runbook and the CLI's `copy runbook`, so both hand out the same document.
 */
export async function rsyncRunbookFor(sources: RunbookSources, migrationId: string): Promise<RsyncRunbook> {
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
  return generateRsyncRunbook({
    migration: record,
    source: snapshot.fileSystem,
    target: { fileSystemId: twinId, mountTargets, ...(twinArn ? { fileSystemArn: twinArn } : {}) },
    decision,
    options: { generatedAt: sources.clock.now().toISOString() },
  });
}
