import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import pLimit from 'p-limit';
import { EfsEncryptError, ErrorCode } from '../domain/errors.ts';
import { RecordAlreadyExistsError } from '../domain/migration.ts';
import type {
  StoredValidationReport,
  ValidationReport,
  ValidationReportSummary,
} from '../domain/validation-report.ts';
import { queryAll } from './document-client.ts';
import { MAX_PIECE_BYTES, joinBytes, packJson, splitBytes, unpackJson } from './item-size.ts';
import { GSI1, Keys } from './table.ts';

/**
 * Validation reports in their own partitions (`REPORT#<reportId>`), as scans are: the rows as
 * gzipped JSON split into CHUNK items (400 KB item limit), then the HEADER with the verdict, who
 * asked, when, and the SHA-256 of each export. A report is written once: the header's put is
 * conditional on none existing, and it goes last, so a reader never sees half a report.
 */

interface ReportHeader extends ValidationReportSummary {
  chunkCount: number;
  payloadBytes: number;
  payloadSha256: string;
}

type ReportPayload = Omit<
  ValidationReport,
  'reportId' | 'generatedAt' | 'requestedBy' | 'scanId' | 'verdict'
>;

export class ReportDataInconsistentError extends EfsEncryptError {
  constructor(reportId: string, detail: string) {
    super(
      ErrorCode.RecordNotFound,
      `The stored data of validation report ${reportId} is incomplete (${detail}). Build a fresh report.`,
    );
  }
}

const CHUNK_PREFIX = 'CHUNK#';
const chunkKey = (index: number) => `${CHUNK_PREFIX}${String(index).padStart(5, '0')}`;

export class DynamoReportRepository {
  private readonly chunkBytes: number;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: { chunkBytes?: number } = {},
  ) {
    this.chunkBytes = Math.min(options.chunkBytes ?? MAX_PIECE_BYTES, MAX_PIECE_BYTES);
  }

  async saveReport(report: StoredValidationReport): Promise<void> {
    const { reportId, generatedAt, requestedBy, scanId, verdict, exports, ...rest } = report;
    const payload = await packJson(rest satisfies ReportPayload);
    const chunks = splitBytes(payload, this.chunkBytes);
    const pk = Keys.report(reportId);
    const limit = pLimit(8);
    await Promise.all(
      chunks.map((data, index) =>
        limit(() =>
          this.doc.send(
            new PutCommand({ TableName: this.tableName, Item: { pk, sk: chunkKey(index), data } }),
          ),
        ),
      ),
    );
    const header: ReportHeader = {
      reportId,
      generatedAt,
      requestedBy,
      scanId,
      verdict,
      exports,
      chunkCount: chunks.length,
      payloadBytes: payload.byteLength,
      payloadSha256: sha256(payload),
    };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...header,
            pk,
            sk: Keys.scanHeader,
            gsi1pk: Keys.reportList,
            gsi1sk: `${generatedAt}#${reportId}`,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException)
        throw new RecordAlreadyExistsError(pk, await this.getHeader(reportId));
      throw e;
    }
  }

  async getReport(reportId: string): Promise<StoredValidationReport | undefined> {
    const header = await this.getHeader(reportId);
    if (!header) return undefined;
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': Keys.report(reportId), ':prefix': CHUNK_PREFIX },
      ConsistentRead: true,
    });
    if (items.length !== header.chunkCount)
      throw new ReportDataInconsistentError(reportId, `${items.length} of ${header.chunkCount} chunks found`);
    const payload = joinBytes(items.map((i) => i.data as Uint8Array));
    if (payload.byteLength !== header.payloadBytes || sha256(payload) !== header.payloadSha256)
      throw new ReportDataInconsistentError(reportId, 'checksum mismatch');
    const rest = await unpackJson<ReportPayload>(payload);
    return { ...summaryOf(header), ...rest };
  }

  /** Newest first, without their rows. */
  async listReports(limit = 20): Promise<ValidationReportSummary[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :list',
        ExpressionAttributeValues: { ':list': Keys.reportList },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return ((out.Items ?? []) as unknown as ReportHeader[]).map(summaryOf);
  }

  private async getHeader(reportId: string): Promise<ReportHeader | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: Keys.report(reportId), sk: Keys.scanHeader },
        ConsistentRead: true,
      }),
    );
    return out.Item as ReportHeader | undefined;
  }
}

function summaryOf(h: ReportHeader): ValidationReportSummary {
  return {
    reportId: h.reportId,
    generatedAt: h.generatedAt,
    requestedBy: h.requestedBy,
    scanId: h.scanId,
    verdict: h.verdict,
    exports: h.exports,
  };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
