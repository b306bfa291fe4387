/**
 * What a file system holds, abstractly: a list of write batches (files and bytes added, or removed
 * when negative). A copy makes the target's batches equal the source's, so verification can compare
 * them exactly and an incremental copy can count only what differs. Nothing here knows about
 * DataSync or replication; they call `copyContent` and `differences`.
 */
export interface WriteBatch {
  id: number;
  files: number;
  bytes: number;
}

export interface FileSystemContent {
  batches: WriteBatch[];
}

export interface ContentTotals {
  files: number;
  bytes: number;
  /** Changes every time the content changes; equal versions mean equal content. */
  version: string;
}

/** Bytes an empty EFS file system reports (its metadata), as SizeInBytes shows for a new one. */
export const EMPTY_FILE_SYSTEM_BYTES = 6144;
/** Average file size used to derive a file count from a loaded file system's SizeInBytes. */
const AVERAGE_FILE_BYTES = 256 * 1024;

let nextBatchId = 1;

export function newBatch(files: number, bytes: number): WriteBatch {
  return { id: nextBatchId++, files, bytes };
}

/** The content of a file system loaded from an estate file: one batch sized from SizeInBytes. */
export function contentFromSize(sizeInBytes: number): FileSystemContent {
  const bytes = Math.max(0, sizeInBytes - EMPTY_FILE_SYSTEM_BYTES);
  if (bytes === 0) return { batches: [] };
  return { batches: [newBatch(Math.max(1, Math.round(bytes / AVERAGE_FILE_BYTES)), bytes)] };
}

export function totals(content: FileSystemContent): ContentTotals {
  let files = 0;
  let bytes = 0;
  for (const b of content.batches) {
    files += b.files;
    bytes += b.bytes;
  }
  return { files, bytes, version: content.batches.map((b) => b.id).join('.') || 'empty' };
}

export interface ContentDifference {
  /** Batches the target lacks: what a copy transfers. */
  missing: WriteBatch[];
  /** Batches only the target has: what a copy that removes deleted files deletes. */
  extra: WriteBatch[];
  filesToTransfer: number;
  bytesToTransfer: number;
  filesToDelete: number;
}

export function differences(source: FileSystemContent, target: FileSystemContent): ContentDifference {
  const sourceIds = new Set(source.batches.map((b) => b.id));
  const targetIds = new Set(target.batches.map((b) => b.id));
  const missing = source.batches.filter((b) => !targetIds.has(b.id));
  const extra = target.batches.filter((b) => !sourceIds.has(b.id));
  return {
    missing,
    extra,
    // A removal batch transfers nothing; it deletes files on the target.
    filesToTransfer: sum(missing, (b) => Math.max(0, b.files)),
    bytesToTransfer: sum(missing, (b) => Math.max(0, b.bytes)),
    filesToDelete: sum(missing, (b) => Math.max(0, -b.files)) + sum(extra, (b) => Math.max(0, b.files)),
  };
}

/**
 * Makes `target` hold `source` (a snapshot). `removeDeleted: false` keeps what only the target has
 * and skips removals, as DataSync's PreserveDeletedFiles=PRESERVE does.
 */
export function copyContent(
  source: FileSystemContent,
  target: FileSystemContent,
  removeDeleted: boolean,
): FileSystemContent {
  if (removeDeleted) return { batches: [...source.batches] };
  const have = new Set(target.batches.map((b) => b.id));
  return {
    batches: [...target.batches, ...source.batches.filter((b) => !have.has(b.id) && b.files >= 0)],
  };
}

export function sameContent(a: FileSystemContent, b: FileSystemContent): boolean {
  return totals(a).version === totals(b).version;
}

function sum(list: WriteBatch[], f: (b: WriteBatch) => number): number {
  return list.reduce((n, b) => n + f(b), 0);
}
