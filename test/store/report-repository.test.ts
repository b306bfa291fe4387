import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordAlreadyExistsError } from '../../src/domain/migration.ts';
import { exportDigests } from '../../src/domain/validation-export.ts';
import { buildValidationReport, type StoredValidationReport } from '../../src/domain/validation-report.ts';
import { createDocumentClient } from '../../src/store/document-client.ts';
import { startEmbeddedDynamoDb, type EmbeddedDynamoDb } from '../../src/store/embedded-dynamodb.ts';
import { DynamoReportRepository } from '../../src/store/report-repository.ts';
import { ensureTable, Keys } from '../../src/store/table.ts';
import { largeEstate } from '../harness/scan-fixtures.ts';

/** Reports in their own partitions: rows split across items, header last, written once. */

const TABLE = 'efs-encrypt-reports';
let server: EmbeddedDynamoDb;
let client: DynamoDBClient;

beforeAll(async () => {
  server = await startEmbeddedDynamoDb();
  client = new DynamoDBClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await ensureTable(client, TABLE, { create: true, pollMs: 50 });
});

afterAll(async () => {
  client.destroy();
  await server.close();
});

function report(id: string, generatedAt: string, n: number): StoredValidationReport {
  const r = buildValidationReport({
    reportId: id,
    generatedAt,
    requestedBy: 'U0AUDIT01',
    scan: {
      scanId: 'scan-1',
      accounts: ['111111111111'],
      regions: ['eu-west-1'],
      fileSystems: largeEstate(n),
      failures: [],
    },
    migrations: [],
  });
  return { ...r, exports: exportDigests(r) };
}

describe('DynamoReportRepository', () => {
  it('splits a large report across chunk items and reads it back whole, digests intact', async () => {
    const doc = createDocumentClient(client);
    const repo = new DynamoReportRepository(doc, TABLE, { chunkBytes: 1_000 });
    const big = report('val-20260401-100000-aaaaaa', '2026-04-01T10:00:00.000Z', 800);
    await repo.saveReport(big);
    const items = await doc.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': Keys.report(big.reportId) },
      }),
    );
    // The header and several chunks.
    expect(items.Items!.length).toBeGreaterThan(5);
    const back = await repo.getReport(big.reportId);
    expect(back).toEqual(big);
    expect(exportDigests(back!)).toEqual(big.exports);
  });

  it('lists newest first without rows, and never overwrites a report', async () => {
    const repo = new DynamoReportRepository(createDocumentClient(client), TABLE);
    const older = report('val-20260402-090000-bbbbbb', '2026-04-02T09:00:00.000Z', 3);
    const newer = report('val-20260402-100000-cccccc', '2026-04-02T10:00:00.000Z', 4);
    await repo.saveReport(older);
    await repo.saveReport(newer);
    const listed = await repo.listReports(2);
    expect(listed.map((r) => r.reportId)).toEqual([newer.reportId, older.reportId]);
    expect(listed[0]).not.toHaveProperty('rows');
    expect(listed[0]!.exports.md.sha256).toBe(newer.exports.md.sha256);
    await expect(repo.saveReport({ ...older, requestedBy: 'someone-else' })).rejects.toBeInstanceOf(
      RecordAlreadyExistsError,
    );
    expect((await repo.getReport(older.reportId))!.requestedBy).toBe('U0AUDIT01');
    expect(await repo.getReport('val-missing')).toBeUndefined();
  });
});
