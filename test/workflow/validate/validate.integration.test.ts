import {
  CreateFileSystemCommand,
  DeleteFileSystemCommand,
  DescribeFileSystemsCommand,
  EFSClient,
} from '@aws-sdk/client-efs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.ts';
import { migrationId } from '../../../src/domain/inventory.ts';
import type { MigrationRecord } from '../../../src/domain/migration.ts';
import { reportExport } from '../../../src/domain/validation-export.ts';
import type { ReportRow } from '../../../src/domain/validation-report.ts';
import { createScanWorkflow } from '../../../src/workflow/scan/index.ts';
import { silentIoHost } from '../../../src/workflow/io-host.ts';
import { createValidateWorkflow, type ValidateWorkflow } from '../../../src/workflow/validate/index.ts';
import { FIXTURE_REGION, startLocalEstate, type LocalEstate } from '../../harness/migration-fixture.ts';

/**
 * The validate phase against the local estate (real SDK clients, real scan) and the embedded
 * store: before any migration, after one (its state built in the store as the phases leave it,
 * its twin created through the EFS API with the decided key, its source deleted), with the key
 * disabled afterwards, and with an unencrypted file system created after the decisions.
 */

const ACCOUNT = '666666666666';
const REGION = FIXTURE_REGION;
const KEY = '66666666-0000-0000-0000-000000000001';
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEY}`;
const SOURCE = 'fs-06666666666666661';
const EXCLUDED = 'fs-06666666666666662';
const ENCRYPTED = 'fs-06666666666666663';
const ADMIN = 'U0ADMIN01';

const ESTATE = {
  callerAccountId: ACCOUNT,
  accounts: [
    {
      accountId: ACCOUNT,
      regions: {
        [REGION]: {
          keys: [{ KeyId: KEY, Aliases: ['alias/efs-twins'] }],
          fileSystems: [
            { FileSystemId: SOURCE, Name: 'payments', Tags: [{ Key: 'app', Value: 'billing' }] },
            { FileSystemId: EXCLUDED, Name: 'scratch' },
            { FileSystemId: ENCRYPTED, Name: 'logs', Encrypted: true, KmsKeyId: 'alias/efs-twins' },
          ],
        },
      },
    },
  ],
};

let estate: LocalEstate;
let efs: EFSClient;
let validate: ValidateWorkflow;

beforeEach(async () => {
  estate = await startLocalEstate({
    estate: ESTATE,
    name: 'validate-fixture',
    clock: new ManualClock(new Date('2026-03-01T09:00:00Z')),
  });
  efs = new EFSClient({});
  const scanner = createScanWorkflow({
    clientsFor: (a, r) => estate.accounts.clientsFor(a, r),
    listTargets: () => estate.accounts.listTargets(),
    scans: estate.store.scans,
    io: silentIoHost,
    clock: estate.clock,
  });
  validate = createValidateWorkflow({
    scanner,
    migrations: estate.store.migrations,
    jobs: estate.store.jobs,
    reports: estate.store.reports,
    clock: estate.clock,
  });
});

afterEach(async () => {
  efs.destroy();
  await estate.close();
});

const rowOf = (rows: ReportRow[], id: string) => rows.find((r) => r.fileSystemId === id);

/** Moves the test's clock (the estate's too) so that creating and deleting finish. */
function passTime(ms: number) {
  estate.clock.advance(ms);
  estate.server.control.settle();
}

async function step(
  record: MigrationRecord,
  to: MigrationRecord['state'],
  more: Partial<Parameters<LocalEstate['store']['migrations']['transitionMigration']>[1]> = {},
) {
  return estate.store.migrations.transitionMigration(record.id, {
    expectedVersion: record.version,
    to,
    actor: ADMIN,
    ...more,
  });
}

/**
 * A full migration of SOURCE as the phases leave it: decided with KEY, twin created through the
 * EFS API with that key, every state to decommissioned, the source deleted; EXCLUDED excluded.
 */
async function migrateSource(): Promise<string> {
  const { migrations } = estate.store;
  const id = migrationId(ACCOUNT, REGION, SOURCE);
  let m = await migrations.createMigration({
    accountId: ACCOUNT,
    region: REGION,
    fileSystemId: SOURCE,
    actor: ADMIN,
  });
  m = await step(m, 'in_scope');
  await migrations.putDecision(
    id,
    {
      targetKmsKeyId: KEY_ARN,
      targetKeyAsGiven: 'alias/efs-twins',
      keyManager: 'CUSTOMER',
      method: 'datasync',
      decidedBy: ADMIN,
      decidedAt: estate.clock.now().toISOString(),
    },
    0,
  );
  m = await step(m, 'decided', { facts: { hasDecision: true } });
  m = await step(m, 'target_creating');
  const twin = await efs.send(
    new CreateFileSystemCommand({ CreationToken: `twin-${SOURCE}`, Encrypted: true, KmsKeyId: KEY_ARN }),
  );
  passTime(10 * 60_000);
  m = await step(m, 'target_ready', {
    facts: { targetValidated: true },
    resources: { targetFileSystemId: twin.FileSystemId!, targetKmsKeyArn: KEY_ARN },
  });
  for (const to of ['copying', 'synced', 'final_sync'] as const) m = await step(m, to);
  m = await step(m, 'verified', { facts: { verificationClean: true } });
  m = await step(m, 'cutover_pending');
  // Every consumer cut over (the cutover guard on main since #14).
  m = await step(m, 'cut_over', { facts: { consumersRemaining: 0 } });
  m = await step(m, 'decommission_pending');
  await efs.send(new DeleteFileSystemCommand({ FileSystemId: SOURCE }));
  passTime(10 * 60_000);
  await step(m, 'decommissioned', {
    facts: { sourceUnreferenced: true, fileSystemId: SOURCE, confirmedFileSystemId: SOURCE },
  });

  const ex = await migrations.createMigration({
    accountId: ACCOUNT,
    region: REGION,
    fileSystemId: EXCLUDED,
    actor: ADMIN,
  });
  await step(ex, 'excluded', { facts: { exclusionReason: 'scratch space, rebuilt nightly' } });
  return twin.FileSystemId!;
}

describe('validate on a local estate', () => {
  it('before any migration: every unencrypted file system is an exception, listed first; the report is stored', async () => {
    const report = await validate.run({ requestedBy: 'U0AUDIT01' });
    expect(report.rows.map((r) => [r.category, r.fileSystemId])).toEqual([
      ['exception', SOURCE],
      ['exception', EXCLUDED],
      ['encrypted_not_migrated', ENCRYPTED],
    ]);
    expect(report.verdict.goalMet).toBe(false);
    expect(rowOf(report.rows, ENCRYPTED)).toMatchObject({
      key: {
        keyManager: 'CUSTOMER',
        keyAliases: ['alias/efs-twins'],
        keyState: 'Enabled',
        kmsKeyArn: KEY_ARN,
      },
      findings: [],
    });
    const stored = await validate.get(report.reportId);
    expect(stored).toEqual(report);
    expect(stored.requestedBy).toBe('U0AUDIT01');
    for (const format of ['csv', 'json', 'md'] as const)
      expect(reportExport(stored, format).sha256).toBe(report.exports[format].sha256);
    expect((await validate.list()).map((r) => r.reportId)).toEqual([report.reportId]);
  });

  it('after a full migration the goal is met: old → new mapped, twin healthy with the intended key, old one deleted', async () => {
    const twinId = await migrateSource();
    const report = await validate.run({ requestedBy: ADMIN });
    expect(report.verdict).toMatchObject({ goalMet: true, reasons: [] });
    expect(report.verdict.counts).toMatchObject({
      exception: 0,
      in_scope: 1,
      inScopeComplete: 1,
      excluded: 1,
      encrypted_not_migrated: 1,
      findings: 0,
    });
    // The twin is shown in its source's row, not as a row of its own.
    expect(report.rows.map((r) => r.fileSystemId)).toEqual([SOURCE, EXCLUDED, ENCRYPTED]);
    expect(rowOf(report.rows, SOURCE)).toMatchObject({
      category: 'in_scope',
      lifeCycleState: 'deleted',
      sourceDeleted: true,
      complete: true,
      twin: {
        fileSystemId: twinId,
        lifeCycleState: 'available',
        encrypted: true,
        intendedKey: true,
        healthy: true,
      },
      migration: { state: 'decommissioned', intendedKeyArn: KEY_ARN },
    });
    expect(rowOf(report.rows, EXCLUDED)).toMatchObject({
      category: 'excluded',
      exclusion: { reason: 'scratch space, rebuilt nightly', by: ADMIN },
    });
  });

  it('a key disabled after the migration is a finding, on the twin and on the encrypted file system', async () => {
    await migrateSource();
    estate.server.control.setKeyState(ACCOUNT, REGION, KEY, 'Disabled');
    const report = await validate.run({ requestedBy: ADMIN });
    expect(report.verdict.goalMet).toBe(false);
    expect(rowOf(report.rows, SOURCE)!.findings.map((f) => f.kind)).toEqual(['key-disabled']);
    expect(rowOf(report.rows, SOURCE)!.complete).toBe(false);
    expect(rowOf(report.rows, ENCRYPTED)!.findings.map((f) => f.kind)).toEqual(['key-disabled']);
    expect(report.verdict.counts.findings).toBe(2);
  });

  it('a file system created unencrypted after the decisions is an exception, listed first', async () => {
    await migrateSource();
    passTime(24 * 3_600_000);
    const created = await efs.send(
      new CreateFileSystemCommand({ CreationToken: 'someone-else', Encrypted: false }),
    );
    passTime(10 * 60_000);
    const seen = await efs.send(new DescribeFileSystemsCommand({ FileSystemId: created.FileSystemId! }));
    expect(seen.FileSystems?.[0]?.LifeCycleState).toBe('available');

    const report = await validate.run({ requestedBy: ADMIN });
    expect(report.verdict.goalMet).toBe(false);
    expect(report.rows[0]).toMatchObject({ category: 'exception', fileSystemId: created.FileSystemId });
    expect(report.rows[0]!.exceptionReason).toContain('after the last decision');
    expect(report.verdict.counts.exception).toBe(1);
  });
});
