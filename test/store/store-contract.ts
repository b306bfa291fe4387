import {
  DeleteItemCommand,
  DescribeTableCommand,
  PutItemCommand,
  QueryCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.ts';
import type { CopyProgressSample } from '../../src/domain/copy.ts';
import { ErrorCode } from '../../src/domain/errors.ts';
import { migrationId } from '../../src/domain/inventory.ts';
import {
  RecordAlreadyExistsError,
  RecordNotFoundError,
  VersionConflictError,
  type DecisionRecord,
  type MigrationDecision,
  type MigrationRecord,
} from '../../src/domain/migration.ts';
import { InvalidTransitionError } from '../../src/domain/migration-state.ts';
import { MAX_PIECE_BYTES } from '../../src/store/item-size.ts';
import { createRepositories } from '../../src/store/open-store.ts';
import { Keys, ensureTable } from '../../src/store/table.ts';
import { scanRecord, seededRandom } from '../../bench/scan-records.ts';

/**
 * The store's behaviour, written once and run against every DynamoDB-compatible server we have:
 * dynalite (the embedded default) always, AWS's DynamoDB Local when Java is present.
 */
export interface StoreServer {
  client: DynamoDBClient;
  close(): Promise<void>;
}

let tableCounter = 0;
let accountCounter = 0;
/** Each test gets its own file system, so tests never see each other's records. */
const nextFs = () => ({
  accountId: String(100000000000 + ++accountCounter),
  region: 'eu-west-1',
  fileSystemId: `fs-0${accountCounter}abc`,
});

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to fail');
}

const decision = (by: string, key = 'alias/efs-encrypt'): MigrationDecision => ({
  targetKmsKeyId: key,
  method: 'datasync',
  decidedBy: by,
  decidedAt: '2026-01-01T00:00:00.000Z',
});

export function defineStoreContract(label: string, startServer: () => Promise<StoreServer>): void {
  describe(`store on ${label}`, () => {
    let server: StoreServer;
    let tableName: string;
    const clock = new ManualClock(new Date('2026-03-01T09:00:00Z'));
    let repos: ReturnType<typeof createRepositories>;

    beforeAll(async () => {
      server = await startServer();
      tableName = `efs-encrypt-test-${++tableCounter}`;
      await ensureTable(server.client, tableName, { create: true, pollMs: 50 });
      repos = createRepositories(server.client, tableName, { clock });
    });
    afterAll(async () => {
      await server?.close();
    });

    describe('table', () => {
      it('is created ACTIVE with its index, and ensureTable is idempotent', async () => {
        await ensureTable(server.client, tableName, { create: true, pollMs: 50 });
        const { Table } = await server.client.send(new DescribeTableCommand({ TableName: tableName }));
        expect(Table?.TableStatus).toBe('ACTIVE');
        expect(Table?.KeySchema?.map((k) => k.AttributeName)).toEqual(['pk', 'sk']);
        expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(['gsi1']);
      });

      it('refuses an item over 400 KB, as DynamoDB does (the limit the chunking respects)', async () => {
        const err = await caught(
          server.client.send(
            new PutItemCommand({
              TableName: tableName,
              Item: { pk: { S: 'too-big' }, sk: { S: 'x' }, d: { S: 'x'.repeat(410 * 1024) } },
            }),
          ),
        );
        expect((err as Error).name).toBe('ValidationException');
      });
    });

    describe('migrations', () => {
      it('creates, reads back and refuses a second create with the existing record', async () => {
        const fs = nextFs();
        const created = await repos.migrations.createMigration({ ...fs, actor: 'U1' });
        expect(created).toMatchObject({
          id: migrationId(fs.accountId, fs.region, fs.fileSystemId),
          state: 'discovered',
          version: 1,
        });
        expect(created.facts.fileSystemId).toBe(fs.fileSystemId);
        expect(await repos.migrations.getMigration(created.id)).toEqual(created);

        const err = await caught(repos.migrations.createMigration({ ...fs, actor: 'U2' }));
        expect(err).toBeInstanceOf(RecordAlreadyExistsError);
        expect((err as RecordAlreadyExistsError).code).toBe(ErrorCode.RecordAlreadyExists);
        expect((err as RecordAlreadyExistsError).current).toEqual(created);
      });

      it('transitions with a conditional write and logs who, what, when and AWS request IDs', async () => {
        const created = await repos.migrations.createMigration({ ...nextFs(), actor: 'U1' });
        clock.advance(1000);
        const moved = await repos.migrations.transitionMigration(created.id, {
          expectedVersion: 1,
          to: 'in_scope',
          actor: 'U2',
          detail: 'scoped from Slack',
          awsRequestIds: ['req-1'],
          correlationId: 'corr-1',
        });
        expect(moved).toMatchObject({
          state: 'in_scope',
          version: 2,
          updatedBy: 'U2',
          updatedAt: clock.now().toISOString(),
        });
        expect(await repos.migrations.getMigration(created.id)).toEqual(moved);

        const events = await repos.events.listEvents(created.id);
        expect(events.map((e) => [e.kind, e.from, e.to, e.version, e.actor])).toEqual([
          ['created', undefined, 'discovered', 1, 'U1'],
          ['transition', 'discovered', 'in_scope', 2, 'U2'],
        ]);
        expect(events[1]).toMatchObject({
          at: clock.now().toISOString(),
          awsRequestIds: ['req-1'],
          correlationId: 'corr-1',
          detail: 'scoped from Slack',
        });
      });

      it('fails a stale write with VersionConflictError carrying the current record, and changes nothing', async () => {
        const created = await repos.migrations.createMigration({ ...nextFs(), actor: 'U1' });
        const current = await repos.migrations.transitionMigration(created.id, {
          expectedVersion: 1,
          to: 'in_scope',
          actor: 'U1',
        });

        const err = await caught(
          repos.migrations.transitionMigration(created.id, {
            expectedVersion: 1,
            to: 'excluded',
            facts: { exclusionReason: 'scratch' },
            actor: 'U2',
          }),
        );
        expect(err).toBeInstanceOf(VersionConflictError);
        const conflict = err as VersionConflictError<MigrationRecord>;
        expect(conflict.code).toBe(ErrorCode.VersionConflict);
        expect(conflict.expectedVersion).toBe(1);
        expect(conflict.currentVersion).toBe(2);
        expect(conflict.current).toEqual(current);
        expect(conflict.userMessage).toMatch(/changed by someone else.*version 1.*now 2/);
        expect(await repos.migrations.getMigration(created.id)).toEqual(current);
        expect(
          (await repos.events.listEvents(created.id)).filter((e) => e.kind === 'transition'),
        ).toHaveLength(1);
      });

      it('of 20 concurrent transitions from the same version, exactly one wins at the server', async () => {
        const created = await repos.migrations.createMigration({ ...nextFs(), actor: 'U0' });
        const racers = 20;
        // Hold every conditional state write until all 20 have passed their read, so the server's
        // condition (not the repository's early check) decides the race.
        const race = holdStateWrites(server.client.middlewareStack, racers);
        try {
          const results = await Promise.allSettled(
            Array.from({ length: racers }, (_, i) =>
              repos.migrations.transitionMigration(created.id, {
                expectedVersion: 1,
                to: 'in_scope',
                actor: `U${i}`,
              }),
            ),
          );
          const won = results.filter((r) => r.status === 'fulfilled');
          const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
          expect(won).toHaveLength(1);
          expect(lost).toHaveLength(19);
          for (const r of lost) {
            expect(r.reason).toBeInstanceOf(VersionConflictError);
            expect((r.reason as VersionConflictError).currentVersion).toBe(2);
          }
          expect(race.conditionFailures()).toBe(19);

          const stored = await repos.migrations.getMigration(created.id);
          expect(stored).toMatchObject({ state: 'in_scope', version: 2 });
          const winner = (won[0] as PromiseFulfilledResult<MigrationRecord>).value;
          expect(stored?.updatedBy).toBe(winner.updatedBy);
          const transitions = (await repos.events.listEvents(created.id)).filter(
            (e) => e.kind === 'transition',
          );
          expect(transitions).toHaveLength(1);
          expect(transitions[0]?.actor).toBe(winner.updatedBy);
        } finally {
          race.remove();
        }
      });

      it('refuses an invalid transition or an unmet guard without writing', async () => {
        const created = await repos.migrations.createMigration({ ...nextFs(), actor: 'U1' });
        const edge = await caught(
          repos.migrations.transitionMigration(created.id, {
            expectedVersion: 1,
            to: 'copying',
            actor: 'U1',
          }),
        );
        expect(edge).toBeInstanceOf(InvalidTransitionError);
        expect((edge as InvalidTransitionError).message).toContain('from discovered to copying');

        const scoped = await repos.migrations.transitionMigration(created.id, {
          expectedVersion: 1,
          to: 'in_scope',
          actor: 'U1',
        });
        const guard = await caught(
          repos.migrations.transitionMigration(created.id, {
            expectedVersion: 2,
            to: 'decided',
            actor: 'U1',
          }),
        );
        expect(guard).toBeInstanceOf(InvalidTransitionError);
        expect((guard as Error).message).toMatch(/decision .* must be recorded/);

        expect(await repos.migrations.getMigration(created.id)).toEqual(scoped);
        expect((await repos.events.listEvents(created.id)).map((e) => e.kind)).toEqual([
          'created',
          'transition',
        ]);
      });

      it('cannot be tricked out of the decommission confirmation by passing another fileSystemId fact', async () => {
        const fs = nextFs();
        const created = await repos.migrations.createMigration({
          ...fs,
          state: 'decommission_pending',
          actor: 'U1',
        });
        const err = await caught(
          repos.migrations.transitionMigration(created.id, {
            expectedVersion: 1,
            to: 'decommissioned',
            facts: {
              targetValidated: true,
              verificationClean: true,
              sourceUnreferenced: true,
              fileSystemId: 'fs-other',
              confirmedFileSystemId: 'fs-other',
            },
            actor: 'U1',
          }),
        );
        expect(err).toBeInstanceOf(InvalidTransitionError);
        expect((err as Error).message).toContain(fs.fileSystemId);
      });

      it('records a failure with its error and resumes only from the failed step', async () => {
        const created = await repos.migrations.createMigration({
          ...nextFs(),
          state: 'copying',
          actor: 'job',
        });
        const failed = await repos.migrations.transitionMigration(created.id, {
          expectedVersion: 1,
          to: 'failed',
          actor: 'job',
          error: { code: 'DataSyncError', message: 'task execution failed' },
          awsRequestIds: ['req-9'],
        });
        expect(failed).toMatchObject({
          state: 'failed',
          failedFrom: 'copying',
          lastError: { code: 'DataSyncError', message: 'task execution failed' },
        });
        expect(failed.facts.failedFrom).toBe('copying');

        const wrong = await caught(
          repos.migrations.transitionMigration(created.id, { expectedVersion: 2, to: 'synced', actor: 'U1' }),
        );
        expect(wrong).toBeInstanceOf(InvalidTransitionError);

        const resumed = await repos.migrations.transitionMigration(created.id, {
          expectedVersion: 2,
          to: 'copying',
          actor: 'U1',
        });
        expect(resumed.state).toBe('copying');
        const stored = await repos.migrations.getMigration(created.id);
        expect(stored?.failedFrom).toBeUndefined();
        expect(stored?.lastError).toBeUndefined();
        expect(stored?.facts.failedFrom).toBeUndefined();
      });

      it('updates facts and resources under the same version check', async () => {
        const created = await repos.migrations.createMigration({
          ...nextFs(),
          state: 'target_creating',
          actor: 'job',
        });
        const updated = await repos.migrations.updateMigration(created.id, {
          expectedVersion: 1,
          facts: { targetValidated: true },
          resources: { targetFileSystemId: 'fs-0twin' },
          actor: 'job',
        });
        expect(updated).toMatchObject({
          version: 2,
          state: 'target_creating',
          resources: { targetFileSystemId: 'fs-0twin' },
        });
        const ready = await repos.migrations.transitionMigration(created.id, {
          expectedVersion: 2,
          to: 'target_ready',
          actor: 'job',
        });
        expect(ready.resources).toEqual({ targetFileSystemId: 'fs-0twin' });
        expect(
          await caught(repos.migrations.updateMigration(created.id, { expectedVersion: 2, actor: 'job' })),
        ).toBeInstanceOf(VersionConflictError);
      });

      it('reports a missing migration as not found', async () => {
        const err = await caught(
          repos.migrations.transitionMigration('FS#000000000000#eu-west-1#fs-missing', {
            expectedVersion: 1,
            to: 'in_scope',
            actor: 'U1',
          }),
        );
        expect(err).toBeInstanceOf(RecordNotFoundError);
        expect((err as RecordNotFoundError).code).toBe(ErrorCode.RecordNotFound);
      });

      it('re-appends the event of the last change when a crash lost it', async () => {
        const created = await repos.migrations.createMigration({ ...nextFs(), actor: 'U1' });
        // Simulate a crash between the state write and the event write.
        const [createdEvent] = await repos.events.listEvents(created.id);
        await server.client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: { pk: { S: created.id }, sk: { S: `${Keys.eventPrefix}${createdEvent!.eventId}` } },
          }),
        );
        expect(await repos.events.listEvents(created.id)).toEqual([]);

        await repos.migrations.transitionMigration(created.id, {
          expectedVersion: 1,
          to: 'in_scope',
          actor: 'U2',
        });
        const events = await repos.events.listEvents(created.id);
        expect(events.map((e) => e.kind)).toEqual(['created', 'transition']);
        expect(events[0]).toEqual(createdEvent);
      });

      it('lists migrations through the index, filtered by state', async () => {
        const a = await repos.migrations.createMigration({ ...nextFs(), actor: 'U1' });
        const b = await repos.migrations.createMigration({ ...nextFs(), state: 'verified', actor: 'U1' });
        const all = await repos.migrations.listMigrations();
        expect(all.map((m) => m.id)).toEqual(expect.arrayContaining([a.id, b.id]));
        const verified = await repos.migrations.listMigrations({ state: 'verified' });
        expect(verified.map((m) => m.id)).toContain(b.id);
        expect(verified.every((m) => m.state === 'verified')).toBe(true);
        expect(verified.find((m) => m.id === b.id)).toEqual(b);
      });

      it('versions decisions on their own: a second first-decision loses with the current one', async () => {
        const { id } = await repos.migrations.createMigration({ ...nextFs(), actor: 'U1' });
        expect(await repos.migrations.getDecision(id)).toBeUndefined();
        const first = await repos.migrations.putDecision(id, decision('U1'), 0);
        expect(first).toMatchObject({ migrationId: id, version: 1, decision: decision('U1') });

        const err = await caught(repos.migrations.putDecision(id, decision('U2', 'alias/other'), 0));
        expect(err).toBeInstanceOf(VersionConflictError);
        expect((err as VersionConflictError<DecisionRecord>).current).toEqual(first);

        const changed = await repos.migrations.putDecision(id, decision('U2', 'alias/other'), 1);
        expect(changed.version).toBe(2);
        expect(await repos.migrations.getDecision(id)).toEqual(changed);
        const logged = (await repos.events.listEvents(id)).filter((e) => e.kind === 'decision');
        expect(logged.map((e) => e.actor)).toEqual(['U1', 'U2']);
      });

      it('keeps the newest inventory snapshot and ignores an older one', async () => {
        const { id } = await repos.migrations.createMigration({ ...nextFs(), actor: 'U1' });
        const [older, newer] = scanRecord('snap', '2026-01-01T00:00:00.000Z', 2).fileSystems;
        expect(
          await repos.migrations.putSnapshot(id, {
            observedAt: '2026-02-02T00:00:00.000Z',
            scanId: 's2',
            fileSystem: newer!,
          }),
        ).toBe(true);
        expect(
          await repos.migrations.putSnapshot(id, {
            observedAt: '2026-02-01T00:00:00.000Z',
            scanId: 's1',
            fileSystem: older!,
          }),
        ).toBe(false);
        expect(await repos.migrations.getSnapshot(id)).toEqual({
          migrationId: id,
          observedAt: '2026-02-02T00:00:00.000Z',
          scanId: 's2',
          fileSystem: newer,
        });
      });

      it('keeps the newest copy progress sample beside the record: no version, no event, older ignored', async () => {
        const created = await repos.migrations.createMigration({ ...nextFs(), actor: 'U1' });
        const id = created.id;
        expect(await repos.migrations.getCopyProgress(id)).toBeUndefined();
        const sample = (sampledAt: string, percent: number): CopyProgressSample => ({
          method: 'datasync',
          jobId: `copy:1:${id}`,
          kind: 'initial',
          sampledAt,
          staleAfterMs: 75_000,
          executionArn: 'arn:aws:datasync:eu-west-1:111111111111:task/task-1/execution/exec-1',
          progress: {
            phase: 'TRANSFERRING',
            filesTransferred: percent,
            filesEstimated: 100,
            bytesTransferred: percent,
            bytesEstimated: 100,
            elapsedMs: 1_000,
            percent,
          },
        });
        expect(await repos.migrations.putCopyProgress(id, sample('2026-03-01T09:00:30.000Z', 30))).toBe(true);
        expect(await repos.migrations.putCopyProgress(id, sample('2026-03-01T09:01:00.000Z', 60))).toBe(true);
        // A late write from a replica that lost its lease: older than what is stored, ignored.
        expect(await repos.migrations.putCopyProgress(id, sample('2026-03-01T09:00:45.000Z', 45))).toBe(
          false,
        );
        expect(await repos.migrations.getCopyProgress(id)).toEqual(sample('2026-03-01T09:01:00.000Z', 60));
        // Advisory: the record's version and audit log are untouched, so no state write can lose to it.
        expect((await repos.migrations.getMigration(id))?.version).toBe(created.version);
        expect((await repos.events.listEvents(id)).map((e) => e.kind)).toEqual(['created']);
        const updated = await repos.migrations.updateMigration(id, {
          expectedVersion: created.version,
          resources: { note: 'x' },
          actor: 'U1',
        });
        expect(updated.version).toBe(created.version + 1);
      });
    });

    describe('event log', () => {
      it('appends events oldest first and never overwrites', async () => {
        const id = migrationId('999999999999', 'eu-west-1', `fs-0log${++accountCounter}`);
        const t0 = clock.now();
        const a = await repos.events.appendEvent(id, { actor: 'U1', kind: 'note', detail: 'first' });
        const b = await repos.events.appendEvent(id, {
          actor: 'U1',
          kind: 'refused',
          detail: 'same millisecond',
        });
        clock.advance(5);
        const c = await repos.events.appendEvent(id, {
          actor: 'U2',
          kind: 'aws_call',
          awsRequestIds: ['r-1', 'r-2'],
        });
        expect(a.at).toBe(t0.toISOString());
        expect(new Set([a.eventId, b.eventId, c.eventId]).size).toBe(3);
        expect(await repos.events.listEvents(id)).toEqual([a, b, c]);
      });
    });

    describe('scans', () => {
      it('saves and reads back a scan; lists newest first without file systems', async () => {
        const prefix = `list-${label}`;
        const old = scanRecord(`${prefix}-1`, '2026-01-01T00:00:00.000Z', 3);
        const mid = scanRecord(`${prefix}-2`, '2026-01-02T00:00:00.000Z', 2);
        const running = scanRecord(`${prefix}-3`, '2026-01-03T00:00:00.000Z', 1, { finished: false });
        for (const s of [mid, running, old]) await repos.scans.saveScan(s);

        expect(await repos.scans.getScan(old.scanId)).toEqual(old);
        expect(await repos.scans.getScan('no-such-scan')).toBeUndefined();
        expect(await repos.scans.getLatestScan()).toEqual(mid);

        const listed = await repos.scans.listScans(2);
        expect(listed.map((s) => s.scanId)).toEqual([running.scanId, mid.scanId]);
        const { fileSystems: _omitted, ...midSummary } = mid;
        expect(listed[1]).toEqual(midSummary);
        expect(listed[1]).not.toHaveProperty('fileSystems');

        // Finishing the running scan makes it the latest, and re-saving keeps exactly one generation.
        const finished = { ...running, finishedAt: '2026-01-03T00:05:00.000Z' };
        await repos.scans.saveScan(finished);
        expect(await repos.scans.getLatestScan()).toEqual(finished);
        expect(await chunkCount(server.client, tableName, running.scanId)).toBe(1);
      });

      it('splits a scan of 3,000 realistic file systems across items and reassembles it', async () => {
        const big = scanRecord(`big-${label}`, '2025-12-01T00:00:00.000Z', 3000, { seed: 7 });
        expect(Buffer.byteLength(JSON.stringify(big))).toBeGreaterThan(5 * 1024 * 1024);
        await repos.scans.saveScan(big);
        expect(await chunkCount(server.client, tableName, big.scanId)).toBeGreaterThan(1);
        expect(await repos.scans.getScan(big.scanId)).toEqual(big);
      });

      it('fills chunks up to the size budget and the server accepts them', async () => {
        // Incompressible policies force full-size chunks: proves the margin under 400 KB is real.
        const rand = seededRandom(3);
        const scan = scanRecord(`dense-${label}`, '2025-11-01T00:00:00.000Z', 40);
        for (const fs of scan.fileSystems)
          fs.fileSystemPolicy = Buffer.from(
            Array.from({ length: 20_000 }, () => Math.floor(rand() * 256)),
          ).toString('base64');
        await repos.scans.saveScan(scan);
        const sizes = await chunkSizes(server.client, tableName, scan.scanId);
        expect(sizes.length).toBeGreaterThan(1);
        expect(Math.max(...sizes)).toBe(MAX_PIECE_BYTES);
        expect(await repos.scans.getScan(scan.scanId)).toEqual(scan);
      });

      it('keeps a scan whose failures overflow the header, failures included', async () => {
        const scan = scanRecord(`failing-${label}`, '2025-10-01T00:00:00.000Z', 1);
        scan.failures = Array.from({ length: 3000 }, (_, i) => ({
          accountId: String(300000000000 + i),
          region: 'eu-west-1',
          operation: 'AssumeRole',
          code: 'AccessDenied',
          message: `User arn:aws:sts::123456789012:assumed-role/bot/session-${i} is not authorized to perform sts:AssumeRole on resource arn:aws:iam::${300000000000 + i}:role/EfsEncryptRole`,
        }));
        await repos.scans.saveScan(scan);
        expect(await repos.scans.getScan(scan.scanId)).toEqual(scan);
        const listed = (await repos.scans.listScans(100)).find((s) => s.scanId === scan.scanId);
        expect(listed?.failures).toHaveLength(3000);
      });
    });
  });
}

/** Test-only middleware: holds conditional state writes until `count` are waiting; counts losers. */
function holdStateWrites(stack: DynamoDBClient['middlewareStack'], count: number) {
  let waiting = 0;
  let failures = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => (release = resolve));
  const name = `holdStateWrites-${Math.random()}`;
  stack.add(
    (next, context) => async (args) => {
      const input = args.input as { Item?: { sk?: unknown }; ConditionExpression?: string };
      const sk = input.Item?.sk;
      const isStateWrite =
        (context as { commandName?: string }).commandName === 'PutItemCommand' &&
        (sk === Keys.migrationState || (sk as { S?: string } | undefined)?.S === Keys.migrationState) &&
        input.ConditionExpression?.includes('#version') === true;
      if (!isStateWrite) return next(args);
      if (++waiting >= count) release();
      await all;
      try {
        return await next(args);
      } catch (e) {
        if ((e as Error).name === 'ConditionalCheckFailedException') failures++;
        throw e;
      }
    },
    { step: 'initialize', name },
  );
  return { conditionFailures: () => failures, remove: () => stack.remove(name) };
}

async function chunkItems(client: DynamoDBClient, tableName: string, scanId: string) {
  const out = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :chunk)',
      ExpressionAttributeValues: { ':pk': { S: Keys.scan(scanId) }, ':chunk': { S: 'CHUNK#' } },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

async function chunkCount(client: DynamoDBClient, tableName: string, scanId: string): Promise<number> {
  return (await chunkItems(client, tableName, scanId)).length;
}

async function chunkSizes(client: DynamoDBClient, tableName: string, scanId: string): Promise<number[]> {
  return (await chunkItems(client, tableName, scanId)).map((item) => item.data?.B?.byteLength ?? 0);
}
