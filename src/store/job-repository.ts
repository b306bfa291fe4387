import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../domain/clock.ts';
import {
  isOpen,
  jobIdOf,
  parseJobId,
  type JobKind,
  type JobUpdate,
  type JobRecord,
  type JobRepository,
  type NewJob,
} from '../domain/job.ts';
import { RecordNotFoundError, VersionConflictError } from '../domain/migration.ts';
import { isConditionalCheckFailed, queryAll, withoutKeys } from './document-client.ts';
import { GSI1 } from './table.ts';

/**
 * Jobs live in their migration's partition (`JOB#<kind>#<generation>`), so one query lists a
 * migration's jobs and a job ID names its item. Open jobs (queued, running) also carry the
 * sparse `gsi1pk = JOB_OPEN`, which a runner queries to find work; the attribute is dropped when a
 * job finishes, so the index only ever holds open jobs. Every change is one conditional put on
 * the version: of N runners racing for a job, exactly one lease write succeeds.
 */

const JOB_OPEN = 'JOB_OPEN';
const JOB_PREFIX = 'JOB#';

function jobSortKey(kind: string, generation: number): string {
  return `${JOB_PREFIX}${kind}#${String(generation).padStart(6, '0')}`;
}

export class DynamoJobRepository implements JobRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async createJob(input: NewJob): Promise<{ job: JobRecord; created: boolean }> {
    const at = this.clock.now().toISOString();
    const job: JobRecord = {
      jobId: jobIdOf(input.kind, input.generation, input.migrationId),
      kind: input.kind,
      migrationId: input.migrationId,
      generation: input.generation,
      status: 'queued',
      version: 1,
      attempts: 0,
      compensations: [],
      requestedBy: input.requestedBy,
      createdAt: at,
      updatedAt: at,
    };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.item(job),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { job, created: true };
    } catch (e) {
      if (!isConditionalCheckFailed(e)) throw e;
      const existing = await this.getJob(job.jobId);
      if (!existing) throw e;
      return { job: existing, created: false };
    }
  }

  async getJob(jobId: string): Promise<JobRecord | undefined> {
    const { kind, generation, migrationId } = parseJobId(jobId);
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: migrationId, sk: jobSortKey(kind, generation) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? withoutKeys<JobRecord>(out.Item) : undefined;
  }

  async listOpenJobs(): Promise<JobRecord[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: GSI1,
      KeyConditionExpression: 'gsi1pk = :open',
      ExpressionAttributeValues: { ':open': JOB_OPEN },
    });
    return items.map((item) => withoutKeys<JobRecord>(item));
  }

  async listJobsForMigration(migrationId: string, kind?: JobKind): Promise<JobRecord[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': migrationId,
        ':prefix': kind ? `${JOB_PREFIX}${kind}#` : JOB_PREFIX,
      },
      ConsistentRead: true,
    });
    return items.map((item) => withoutKeys<JobRecord>(item));
  }

  async updateJob(jobId: string, expectedVersion: number, patch: JobUpdate): Promise<JobRecord> {
    const current = await this.getJob(jobId);
    if (!current) throw new RecordNotFoundError(jobId);
    if (current.version !== expectedVersion)
      throw new VersionConflictError<JobRecord>(jobId, expectedVersion, current, current.version);
    const next: Record<string, unknown> = { ...current };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete next[k];
      else if (v !== undefined) next[k] = v;
    }
    next.version = current.version + 1;
    next.updatedAt = this.clock.now().toISOString();
    const job = next as unknown as JobRecord;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.item(job),
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }),
      );
    } catch (e) {
      if (!isConditionalCheckFailed(e)) throw e;
      const now = await this.getJob(jobId);
      throw new VersionConflictError<JobRecord>(jobId, expectedVersion, now, now?.version);
    }
    return job;
  }

  private item(job: JobRecord): Record<string, unknown> {
    return {
      ...job,
      pk: job.migrationId,
      sk: jobSortKey(job.kind, job.generation),
      ...(isOpen(job) ? { gsi1pk: JOB_OPEN, gsi1sk: `${job.createdAt}#${job.jobId}` } : {}),
    };
  }
}
