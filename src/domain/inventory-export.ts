import { ownership, type FileSystemRecord, type ScanRecord } from './inventory.ts';

/**
 * The inventory's two export formats, shared by the CLI (`scan --json|--csv`) and Slack (Export).
 *
 * The inventory as CSV, one row per file system, for spreadsheets and auditors. Nested lists
 * (mount targets, access points) are flattened to `;`-separated values so one row stays one file system.
 */
export const INVENTORY_CSV_COLUMNS = [
  'accountId',
  'region',
  'fileSystemId',
  'name',
  'lifeCycleState',
  'classification',
  'flags',
  'encrypted',
  'kmsKeyArn',
  'keyAliases',
  'keyManager',
  'keyState',
  'performanceMode',
  'throughputMode',
  'provisionedThroughputInMibps',
  'availabilityZoneName',
  'sizeInBytes',
  'vpcIds',
  'subnetIds',
  'securityGroups',
  'mountTargets',
  'accessPoints',
  'backupPolicyStatus',
  'hasFileSystemPolicy',
  'replication',
  'env',
  'app',
  'owner',
  'tags',
  'errors',
] as const;

export function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const s = String(value);
  // RFC 4180 quoting, plus a leading quote for cells a spreadsheet would run as a formula.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function inventoryRow(fs: FileSystemRecord): Record<(typeof INVENTORY_CSV_COLUMNS)[number], unknown> {
  const { env, app, owner } = ownership(fs);
  return {
    accountId: fs.accountId,
    region: fs.region,
    fileSystemId: fs.fileSystemId,
    name: fs.name,
    lifeCycleState: fs.lifeCycleState,
    classification: fs.classification,
    flags: fs.flags.join(';'),
    encrypted: fs.encrypted,
    kmsKeyArn: fs.kmsKeyArn ?? fs.kmsKeyId,
    keyAliases: fs.keyAliases.join(';'),
    keyManager: fs.keyManager,
    keyState: fs.keyState,
    performanceMode: fs.performanceMode,
    throughputMode: fs.throughputMode,
    provisionedThroughputInMibps: fs.provisionedThroughputInMibps,
    availabilityZoneName: fs.availabilityZoneName,
    sizeInBytes: fs.sizeInBytes,
    vpcIds: fs.vpcIds.join(';'),
    subnetIds: [...new Set(fs.mountTargets.map((m) => m.subnetId))].join(';'),
    securityGroups: [...new Set(fs.mountTargets.flatMap((m) => m.securityGroups))].join(';'),
    mountTargets: fs.mountTargets
      .map((m) => `${m.mountTargetId}@${m.availabilityZoneName ?? '?'}/${m.subnetId}/${m.ipAddress ?? ''}`)
      .join(';'),
    accessPoints: fs.accessPoints
      .map(
        (a) =>
          `${a.accessPointId}:${a.rootDirectory?.path ?? '/'}${a.posixUser ? `(${a.posixUser.uid}:${a.posixUser.gid})` : ''}`,
      )
      .join(';'),
    backupPolicyStatus: fs.backupPolicyStatus,
    hasFileSystemPolicy: fs.fileSystemPolicy !== undefined,
    replication: fs.replications
      .map(
        (r) =>
          `${r.role}:${r.destinations.map((d) => `${d.fileSystemId}@${d.region}(${d.status})`).join('|')}`,
      )
      .join(';'),
    env,
    app,
    owner,
    tags: Object.entries(fs.tags)
      .map(([k, v]) => `${k}=${v}`)
      .join(';'),
    errors: fs.errors.map((e) => `${e.operation}:${e.code}`).join(';'),
  };
}

export function inventoryCsv(fileSystems: FileSystemRecord[]): string {
  const lines = [INVENTORY_CSV_COLUMNS.join(',')];
  for (const fs of fileSystems) {
    const row = inventoryRow(fs);
    lines.push(INVENTORY_CSV_COLUMNS.map((c) => cell(row[c])).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** The stored record as JSON: the scan's header, then one object per file system (AWS field names). */
export function inventoryJson(scan: ScanRecord): string {
  return `${JSON.stringify(scan, null, 2)}\n`;
}

/**
 * `inventoryJson`'s text a piece at a time, for inventories too large to hold twice: `record` is
 * the scan without its file systems (its keys in the order to print, `fileSystems` placed where
 * it appears), and the file systems are streamed in. Joined, the pieces equal inventoryJson.
 */
export async function* inventoryJsonPieces(
  record: Omit<ScanRecord, 'fileSystems'> & { fileSystems: 'streamed' },
  fileSystems: AsyncIterable<FileSystemRecord> | Iterable<FileSystemRecord>,
): AsyncGenerator<string> {
  // A marker no value can contain (JSON escapes control characters), replaced by the array.
  const marker = `\u0000fileSystems-${Math.random()}`;
  const text = JSON.stringify({ ...record, fileSystems: marker }, null, 2);
  const at = text.indexOf(JSON.stringify(marker));
  const before = text.slice(0, at);
  const after = text.slice(at + JSON.stringify(marker).length);
  // The array sits one level into the record: its items are indented by 4, its bracket by 2.
  let count = 0;
  for await (const fs of fileSystems) {
    const item = JSON.stringify(fs, null, 2).replace(/\n/g, '\n    ');
    yield count++ === 0 ? `${before}[\n    ${item}` : `,\n    ${item}`;
  }
  yield count === 0 ? `${before}[]${after}\n` : `\n  ]${after}\n`;
}

/** `inventoryCsv`'s text a row at a time. */
export async function* inventoryCsvPieces(
  fileSystems: AsyncIterable<FileSystemRecord> | Iterable<FileSystemRecord>,
): AsyncGenerator<string> {
  yield `${INVENTORY_CSV_COLUMNS.join(',')}\n`;
  for await (const fs of fileSystems) {
    const row = inventoryRow(fs);
    yield `${INVENTORY_CSV_COLUMNS.map((c) => cell(row[c])).join(',')}\n`;
  }
}
