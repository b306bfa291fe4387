import { describe, expect, it } from 'vitest';
import {
  buildDigest,
  creatorOf,
  type ApprovalWaiting,
  type DigestInput,
  type DigestMigration,
} from '../../src/domain/digest.ts';
import { migrationId, type FileSystemRecord } from '../../src/domain/inventory.ts';
import type { MigrationState } from '../../src/domain/migration-state.ts';
import type { MigrationEvent, MigrationRecord } from '../../src/domain/migration.ts';
import { fileSystem } from '../harness/scan-fixtures.ts';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const NOW = '2026-03-09T08:00:00.000Z';
const SINCE = '2026-03-02T08:00:00.000Z';
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
const KEY2 = `arn:aws:kms:${REGION}:${ACCOUNT}:key/22222222-2222-3333-4444-555555555555`;

function migration(
  fsId: string,
  state: MigrationState,
  over: Partial<MigrationRecord> = {},
  events: DigestMigration['events'] = [],
): DigestMigration {
  const record: MigrationRecord = {
    id: migrationId(ACCOUNT, REGION, fsId),
    accountId: ACCOUNT,
    region: REGION,
    fileSystemId: fsId,
    state,
    version: 2,
    facts: {},
    resources: {},
    createdAt: '2026-02-01T00:00:00.000Z',
    updatedAt: NOW,
    updatedBy: 'U0ADMIN',
    ...over,
  };
  return { record, events };
}

const transition = (
  from: MigrationState,
  to: MigrationState,
  at: string,
): Pick<MigrationEvent, 'kind' | 'from' | 'to' | 'at' | 'actor'> => ({
  kind: 'transition',
  from,
  to,
  at,
  actor: 'U0ADMIN',
});

function input(over: Partial<DigestInput> = {}): DigestInput {
  return {
    digestId: 'dig-1',
    slot: NOW,
    generatedAt: NOW,
    requestedBy: 'schedule',
    since: SINCE,
    stuckHours: 48,
    migrations: [],
    approvalsWaiting: [],
    fileSystems: [],
    validation: { reportId: 'val-1', goalMet: false, line: 'Goal not met: 1 finding(s).' },
    ...over,
  };
}

const encryptedFs = (id: string, over: Partial<FileSystemRecord> = {}) =>
  fileSystem({
    fileSystemId: id,
    encrypted: true,
    kmsKeyArn: KEY,
    keyAliases: ['alias/app-data'],
    keyManager: 'CUSTOMER',
    keyState: 'Enabled',
    ...over,
  });

describe('digest: migrations by state and what moved', () => {
  it('counts each state in the state machine order', () => {
    const d = buildDigest(
      input({
        migrations: [
          migration('fs-0000000000000000a', 'copying'),
          migration('fs-0000000000000000b', 'decided'),
          migration('fs-0000000000000000c', 'copying'),
        ],
      }),
    );
    expect(d.byState).toEqual([
      { state: 'decided', count: 1 },
      { state: 'copying', count: 2 },
    ]);
  });

  it.each([
    {
      name: 'a transition after the last digest is listed',
      at: '2026-03-05T10:00:00.000Z',
      since: SINCE,
      listed: 1,
    },
    { name: 'one before it is not', at: '2026-03-01T10:00:00.000Z', since: SINCE, listed: 0 },
    { name: 'one exactly at it is not (the last digest showed it)', at: SINCE, since: SINCE, listed: 0 },
    {
      name: 'the first digest lists no moves (there is no "since")',
      at: '2026-03-05T10:00:00.000Z',
      since: undefined,
      listed: 0,
    },
  ])('$name', ({ at, since, listed }) => {
    const m = migration('fs-0000000000000000a', 'copying', {}, [
      transition('target_ready', 'copying', at),
      { kind: 'note', at, actor: 'U0ADMIN' },
    ]);
    const d = buildDigest(input({ since, migrations: [m] }));
    expect(d.moved).toHaveLength(listed);
    if (listed)
      expect(d.moved[0]).toMatchObject({
        fileSystemId: 'fs-0000000000000000a',
        from: 'target_ready',
        to: 'copying',
        at,
        by: 'U0ADMIN',
      });
  });
});

describe('digest: stuck and failed migrations', () => {
  it.each([
    { state: 'copying' as const, idleHours: 49, stuckHours: 48, stuck: true },
    { state: 'copying' as const, idleHours: 47, stuckHours: 48, stuck: false },
    { state: 'copying' as const, idleHours: 5, stuckHours: 4, stuck: true },
    { state: 'cutover_pending' as const, idleHours: 72, stuckHours: 48, stuck: true },
    { state: 'decommissioned' as const, idleHours: 500, stuckHours: 48, stuck: false },
    { state: 'excluded' as const, idleHours: 500, stuckHours: 48, stuck: false },
    { state: 'failed' as const, idleHours: 500, stuckHours: 48, stuck: false },
  ])(
    '$state idle $idleHours h with a limit of $stuckHours h: stuck $stuck',
    ({ state, idleHours, stuckHours, stuck }) => {
      const updatedAt = new Date(new Date(NOW).getTime() - idleHours * 3_600_000).toISOString();
      const d = buildDigest(
        input({ stuckHours, migrations: [migration('fs-0000000000000000a', state, { updatedAt })] }),
      );
      expect(d.stuck.map((s) => s.fileSystemId)).toEqual(stuck ? ['fs-0000000000000000a'] : []);
      if (stuck) expect(d.stuck[0]).toMatchObject({ state, since: updatedAt, hours: idleHours });
    },
  );

  it('lists failures with the state they failed from and the error', () => {
    const error = {
      code: 'DataSyncFailed',
      message: 'verification found 3 differences',
      at: '2026-03-08T00:00:00.000Z',
    };
    const d = buildDigest(
      input({
        migrations: [
          migration('fs-0000000000000000a', 'failed', { failedFrom: 'copying', lastError: error }),
        ],
      }),
    );
    expect(d.failures).toEqual([
      {
        migrationId: migrationId(ACCOUNT, REGION, 'fs-0000000000000000a'),
        fileSystemId: 'fs-0000000000000000a',
        failedFrom: 'copying',
        error,
      },
    ]);
  });
});

describe('digest: approvals waiting', () => {
  it('lists each plan without a verdict with its owner, oldest first', () => {
    const waiting: ApprovalWaiting[] = [
      {
        migrationId: 'FS#b',
        fileSystemId: 'fs-b',
        app: 'billing',
        ownerTag: 'U0OWNER',
        ownerUserId: 'U0OWNER',
        planRevision: 2,
        plannedAt: '2026-03-08T00:00:00.000Z',
      },
      {
        migrationId: 'FS#a',
        fileSystemId: 'fs-a',
        app: 'search',
        ownerTag: 'ana@example.com',
        planRevision: 1,
        plannedAt: '2026-03-03T00:00:00.000Z',
      },
    ];
    const d = buildDigest(input({ approvalsWaiting: waiting }));
    expect(d.approvalsWaiting.map((a) => [a.app, a.ownerUserId ?? a.ownerTag])).toEqual([
      ['search', 'ana@example.com'],
      ['billing', 'U0OWNER'],
    ]);
  });
});

describe('digest: new unencrypted file systems', () => {
  const created = (id: string, creationTime: string, tags: Record<string, string> = {}) =>
    fileSystem({ fileSystemId: id, name: `n-${id.slice(-1)}`, creationTime, tags });

  it.each([
    {
      name: 'created after the last digest, no decision: listed',
      fs: created('fs-0000000000000000a', '2026-03-05T00:00:00.000Z'),
      state: undefined,
      since: SINCE,
      listed: true,
    },
    {
      name: 'created before the last digest: not new',
      fs: created('fs-0000000000000000a', '2026-03-01T00:00:00.000Z'),
      state: undefined,
      since: SINCE,
      listed: false,
    },
    {
      name: 'first digest: every uncovered one',
      fs: created('fs-0000000000000000a', '2020-01-01T00:00:00.000Z'),
      state: undefined,
      since: undefined,
      listed: true,
    },
    {
      name: 'discovered by a scan but undecided: still new',
      fs: created('fs-0000000000000000a', '2026-03-05T00:00:00.000Z'),
      state: 'discovered' as const,
      since: SINCE,
      listed: true,
    },
    {
      name: 'decided: covered',
      fs: created('fs-0000000000000000a', '2026-03-05T00:00:00.000Z'),
      state: 'decided' as const,
      since: SINCE,
      listed: false,
    },
    {
      name: 'excluded: covered',
      fs: created('fs-0000000000000000a', '2026-03-05T00:00:00.000Z'),
      state: 'excluded' as const,
      since: SINCE,
      listed: false,
    },
    {
      name: 'encrypted: not a concern here',
      fs: encryptedFs('fs-0000000000000000a', { creationTime: '2026-03-05T00:00:00.000Z' }),
      state: undefined,
      since: SINCE,
      listed: false,
    },
  ])('$name', ({ fs, state, since, listed }) => {
    const d = buildDigest(
      input({ since, fileSystems: [fs], migrations: state ? [migration(fs.fileSystemId, state)] : [] }),
    );
    expect(d.newUnencrypted.map((n) => n.fileSystemId)).toEqual(listed ? [fs.fileSystemId] : []);
  });

  it('says who created it from its tags and when, newest first', () => {
    const d = buildDigest(
      input({
        fileSystems: [
          created('fs-0000000000000000a', '2026-03-04T00:00:00.000Z', {
            'Created-By': 'arn:aws:iam::111111111111:user/dev',
            owner: 'team-x',
            app: 'etl',
          }),
          created('fs-0000000000000000b', '2026-03-06T00:00:00.000Z', { owner: 'team-y' }),
          created('fs-0000000000000000c', '2026-03-05T00:00:00.000Z'),
        ],
      }),
    );
    expect(d.newUnencrypted).toEqual([
      {
        accountId: ACCOUNT,
        region: REGION,
        fileSystemId: 'fs-0000000000000000b',
        name: 'n-b',
        creationTime: '2026-03-06T00:00:00.000Z',
        createdBy: 'team-y',
      },
      {
        accountId: ACCOUNT,
        region: REGION,
        fileSystemId: 'fs-0000000000000000c',
        name: 'n-c',
        creationTime: '2026-03-05T00:00:00.000Z',
      },
      {
        accountId: ACCOUNT,
        region: REGION,
        fileSystemId: 'fs-0000000000000000a',
        name: 'n-a',
        creationTime: '2026-03-04T00:00:00.000Z',
        createdBy: 'arn:aws:iam::111111111111:user/dev',
        app: 'etl',
      },
    ]);
  });

  it.each([
    [{ 'created-by': 'a', owner: 'b' }, 'a'],
    [{ CreatedBy: 'c' }, 'c'],
    [{ creator: 'd', owner: 'e' }, 'd'],
    [{ Owner: 'f' }, 'f'],
    [{ Name: 'x' }, undefined],
  ])('creator of %o is %s', (tags, who) => {
    expect(creatorOf(tags)).toBe(who);
  });

  it('does not list a twin (a migration built it)', () => {
    const twin = fileSystem({
      fileSystemId: 'fs-0000000000000000t',
      creationTime: '2026-03-05T00:00:00.000Z',
    });
    const d = buildDigest(
      input({
        fileSystems: [twin],
        migrations: [
          migration('fs-0000000000000000a', 'copying', {
            resources: { targetFileSystemId: 'fs-0000000000000000t' },
          }),
        ],
      }),
    );
    expect(d.newUnencrypted).toEqual([]);
  });
});

describe('digest: keys at risk', () => {
  it.each([
    { keyState: 'Disabled', keyManager: 'CUSTOMER' as const, atRisk: true },
    { keyState: 'PendingDeletion', keyManager: 'CUSTOMER' as const, atRisk: true },
    { keyState: 'Enabled', keyManager: 'CUSTOMER' as const, atRisk: false },
    { keyState: 'Disabled', keyManager: 'AWS' as const, atRisk: false },
  ])('$keyManager key $keyState: at risk $atRisk', ({ keyState, keyManager, atRisk }) => {
    const d = buildDigest(
      input({ fileSystems: [encryptedFs('fs-0000000000000000a', { keyState, keyManager })] }),
    );
    expect(d.keysAtRisk.map((k) => k.kmsKeyArn)).toEqual(atRisk ? [KEY] : []);
  });

  it('names the deletion date and every file system on the key, soonest deletion first', () => {
    const d = buildDigest(
      input({
        fileSystems: [
          encryptedFs('fs-0000000000000000b', {
            keyState: 'Disabled',
            kmsKeyArn: KEY2,
            keyAliases: ['alias/old'],
          }),
          encryptedFs('fs-0000000000000000c', {
            keyState: 'PendingDeletion',
            keyDeletionDate: '2026-03-20T00:00:00.000Z',
          }),
          encryptedFs('fs-0000000000000000a', {
            keyState: 'PendingDeletion',
            keyDeletionDate: '2026-03-20T00:00:00.000Z',
          }),
        ],
      }),
    );
    expect(d.keysAtRisk).toEqual([
      {
        kmsKeyArn: KEY,
        alias: 'alias/app-data',
        keyState: 'PendingDeletion',
        deletionDate: '2026-03-20T00:00:00.000Z',
        fileSystems: [
          { accountId: ACCOUNT, region: REGION, fileSystemId: 'fs-0000000000000000a', name: 'shared-data' },
          { accountId: ACCOUNT, region: REGION, fileSystemId: 'fs-0000000000000000c', name: 'shared-data' },
        ],
      },
      {
        kmsKeyArn: KEY2,
        alias: 'alias/old',
        keyState: 'Disabled',
        fileSystems: [
          { accountId: ACCOUNT, region: REGION, fileSystemId: 'fs-0000000000000000b', name: 'shared-data' },
        ],
      },
    ]);
  });
});

describe('digest: the validation verdict', () => {
  it('carries the report ID and its one line', () => {
    const d = buildDigest(
      input({ validation: { reportId: 'val-9', goalMet: true, line: 'Goal met. 3 file system(s).' } }),
    );
    expect(d.validation).toEqual({ reportId: 'val-9', goalMet: true, line: 'Goal met. 3 file system(s).' });
  });
});
