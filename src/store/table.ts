import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { EfsEncryptError, ErrorCode } from '../domain/errors.ts';

/**
 * The single table (DESIGN.md, State). Every item has a string `pk` and `sk`. One sparse,
 * overloaded GSI (`gsi1`) lists the items that carry `gsi1pk`: scan headers (`SCAN`, sorted by
 * start time) and migration state items (`MIGRATION`, sorted by ID).
 *
 * | item              | pk                                  | sk                          | gsi1pk / gsi1sk            |
 * |-------------------|-------------------------------------|-----------------------------|----------------------------|
 * | scan header       | `SCAN#<scanId>`                     | `HEADER`                    | `SCAN` / `<startedAt>#<id>` |
 * | scan chunk        | `SCAN#<scanId>`                     | `CHUNK#<generation>#<n>`    | (before streamed scans)    |
 * | scan part         | `SCAN#<scanId>`                     | `CHUNK#<gen>#P<pos>#<g>#<p>`, `CHUNK#<gen>#F<g>#<p>` | (scan-parts.ts) |
 * | migration state   | `FS#<account>#<region>#<fsId>`      | `STATE`                     | `MIGRATION` / `<pk>`        |
 * | decision          | same                                | `DECISION`                  |                            |
 * | snapshot          | same                                | `SNAPSHOT`                  |                            |
 * | copy progress     | same                                | `COPY_PROGRESS`             |                            |
 * | event             | same                                | `EVENT#<at>#<unique>`       |                            |
 * | job               | same                                | `JOB#<kind>#<generation>`   | `JOB_OPEN` / `<createdAt>#<jobId>` while queued or running |
 * | running scan      | `RUNNING_SCAN`                      | `<scope key>`               |                            |
 * | cutover records   | `FS#…` (the migration's)            | `CUTOVER#…` (cutover-repository.ts) |                    |
 * | sign-off          | `FS#…` (the migration's)            | `SIGNOFF#<app>#<at>#<n>` (sign-off-repository.ts) |    |
 * | validation report | `REPORT#<reportId>`                 | `HEADER`, `CHUNK#<n>`       | `REPORT` / `<generatedAt>#<id>` (header) |
 * | digest            | `DIGEST#<slot ISO>` or `DIGEST#<id>`| `DIGEST`                    | `DIGEST_SLOT` / `<slot>` (scheduled) |
 */

export const GSI1 = 'gsi1';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export const Keys = {
  scan: (scanId: string) => `SCAN#${scanId}`,
  scanHeader: 'HEADER',
  scanChunk: (generation: string, index: number) => `CHUNK#${generation}#${String(index).padStart(5, '0')}`,
  scanChunkPrefix: (generation: string) => `CHUNK#${generation}#`,
  /** Piece `piece` of group `group` of the file systems at `position` (a pair's place in the scan's order). */
  scanPart: (generation: string, position: number, group: number, piece: number) =>
    `CHUNK#${generation}#P${pad(position, 6)}#${pad(group, 5)}#${pad(piece, 4)}`,
  scanPartPrefix: (generation: string) => `CHUNK#${generation}#P`,
  scanFailurePart: (generation: string, group: number, piece: number) =>
    `CHUNK#${generation}#F${pad(group, 5)}#${pad(piece, 4)}`,
  scanFailurePartPrefix: (generation: string) => `CHUNK#${generation}#F`,
  scanList: 'SCAN',
  scanListSort: (startedAt: string, scanId: string) => `${startedAt}#${scanId}`,
  migrationState: 'STATE',
  migrationDecision: 'DECISION',
  migrationSnapshot: 'SNAPSHOT',
  migrationCopyProgress: 'COPY_PROGRESS',
  /** The last consumer discovery of the migration's source (consumer-report-repository.ts). */
  migrationConsumers: 'CONSUMERS',
  migrationList: 'MIGRATION',
  eventPrefix: 'EVENT#',
  runningScans: 'RUNNING_SCAN',
  report: (reportId: string) => `REPORT#${reportId}`,
  reportList: 'REPORT',
  /** A digest: scheduled ones by slot (the claim), on-demand ones by ID (digest-repository.ts). */
  digest: (key: string) => `DIGEST#${key}`,
  digestItem: 'DIGEST',
  digestSlots: 'DIGEST_SLOT',
  /** A handled Slack request (request-ledger.ts): its fingerprint, a hex digest. */
  request: (fingerprint: string) => `REQUEST#${fingerprint}`,
  requestClaim: 'CLAIM',
  /** A work message's run claim (work-claims.ts): at most one run per kind and correlation ID. */
  work: (kind: string, correlationId: string) => `WORK#${kind}#${correlationId}`,
  workClaim: 'CLAIM',
} as const;

export class TableSetupError extends EfsEncryptError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.ConfigInvalid, message, options);
  }
}

export interface EnsureTableOptions {
  /** Create the table when it is missing (embedded and local servers; in AWS, infra/ creates it). */
  create?: boolean;
  /** Upper bound on waiting for ACTIVE (default 120 s). */
  timeoutMs?: number;
  /** Delay between DescribeTable polls (default 1 s). */
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Makes sure the table exists with our key schema and is ACTIVE (GSI included); bounded wait. */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  options: EnsureTableOptions = {},
): Promise<void> {
  const { timeoutMs = 120_000, pollMs = 1_000, sleep = defaultSleep } = options;
  let table = await describe(client, tableName);
  if (!table) {
    if (!options.create)
      throw new TableSetupError(
        `DynamoDB table ${tableName} does not exist in this account and region. Deploy it with infra/, or unset EFS_ENCRYPT_TABLE to use the embedded store.`,
      );
    table = await create(client, tableName);
  }
  checkSchema(tableName, table);

  // Local servers are ACTIVE within milliseconds, AWS within seconds: back off from 25 ms to pollMs.
  let waited = 0;
  for (let delay = Math.min(25, pollMs); !isActive(table); delay = Math.min(delay * 2, pollMs)) {
    if (waited >= timeoutMs)
      throw new TableSetupError(
        `DynamoDB table ${tableName} did not become ACTIVE within ${Math.round(timeoutMs / 1000)} s (status ${table.TableStatus}).`,
      );
    await sleep(delay);
    waited += delay;
    table = (await describe(client, tableName)) ?? table;
  }
}

async function describe(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (e) {
    if (e instanceof ResourceNotFoundException) return undefined;
    throw e;
  }
}

async function create(client: DynamoDBClient, tableName: string): Promise<TableDescription> {
  try {
    const out = await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'gsi1pk', AttributeType: 'S' },
          { AttributeName: 'gsi1sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: GSI1,
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
    return out.TableDescription ?? { TableName: tableName, TableStatus: 'CREATING' };
  } catch (e) {
    // Another replica created it first; describe what it made.
    if (e instanceof ResourceInUseException) {
      const table = await describe(client, tableName);
      if (table) return table;
    }
    throw e;
  }
}

function isActive(table: TableDescription): boolean {
  return (
    table.TableStatus === 'ACTIVE' &&
    (table.GlobalSecondaryIndexes ?? []).every(
      (i) => i.IndexStatus === undefined || i.IndexStatus === 'ACTIVE',
    )
  );
}

function checkSchema(tableName: string, table: TableDescription): void {
  const key = (schema: { AttributeName?: string; KeyType?: string }[] | undefined) =>
    (schema ?? []).map((k) => `${k.AttributeName}:${k.KeyType}`).join(',');
  const problems: string[] = [];
  if (key(table.KeySchema) !== 'pk:HASH,sk:RANGE')
    problems.push(`key schema is ${key(table.KeySchema) || 'unknown'}, expected pk:HASH,sk:RANGE`);
  const gsi = table.GlobalSecondaryIndexes?.find((i) => i.IndexName === GSI1);
  if (!gsi) problems.push(`index ${GSI1} is missing`);
  else if (key(gsi.KeySchema) !== 'gsi1pk:HASH,gsi1sk:RANGE')
    problems.push(`index ${GSI1} key schema is ${key(gsi.KeySchema)}, expected gsi1pk:HASH,gsi1sk:RANGE`);
  if (problems.length)
    throw new TableSetupError(
      `DynamoDB table ${tableName} is not an efs-encrypt table: ${problems.join('; ')}. Point EFS_ENCRYPT_TABLE at the table infra/ deploys.`,
    );
}
