import { describe, expect, it } from 'vitest';
import type { FileSystemRecord, ScanRecord } from '../../../src/domain/inventory.ts';
import {
  inventoryCsv,
  inventoryCsvPieces,
  inventoryJson,
  inventoryJsonPieces,
} from '../../../src/domain/inventory-export.ts';
import { scanSummaryText, scanSummaryTextBuilder } from '../../../src/cli/output/scan-summary-text.ts';
import { scanRecord } from '../../../bench/scan-records.ts';

/** Issue 19: output streamed from the store is byte for byte the output of the whole record. */

async function joined(pieces: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const piece of pieces) text += piece;
  return text;
}

async function* streamed(fileSystems: FileSystemRecord[]): AsyncGenerator<FileSystemRecord> {
  yield* fileSystems;
}

function streamedJson(scan: ScanRecord) {
  const { fileSystems, failures, stats, ...head } = scan;
  return joined(
    inventoryJsonPieces({ ...head, fileSystems: 'streamed', failures, stats }, streamed(fileSystems)),
  );
}

describe('streamed inventory output', () => {
  it('JSON: the same text as the whole record, with file systems, without, and with no finishedAt', async () => {
    const scan = scanRecord('json-stream', '2026-01-01T00:00:00.000Z', 40);
    expect(await streamedJson(scan)).toBe(inventoryJson(scan));
    const empty = { ...scan, fileSystems: [] };
    expect(await streamedJson(empty)).toBe(inventoryJson(empty));
    const running = scanRecord('running', '2026-01-01T00:00:00.000Z', 3, { finished: false });
    expect(await streamedJson(running)).toBe(inventoryJson(running));
  });

  it('JSON: keeps the caller’s key order (export prints the stored order)', async () => {
    const scan = scanRecord('order', '2026-01-01T00:00:00.000Z', 2);
    const { fileSystems, ...summary } = scan;
    const stored = { ...summary, fileSystems };
    expect(await joined(inventoryJsonPieces({ ...summary, fileSystems: 'streamed' }, fileSystems))).toBe(
      inventoryJson(stored),
    );
  });

  it('CSV: the same rows', async () => {
    const scan = scanRecord('csv-stream', '2026-01-01T00:00:00.000Z', 25);
    expect(await joined(inventoryCsvPieces(streamed(scan.fileSystems)))).toBe(inventoryCsv(scan.fileSystems));
    expect(await joined(inventoryCsvPieces([]))).toBe(inventoryCsv([]));
  });

  it('summary text: the largest candidates first, ties in inventory order, from bounded state', () => {
    const scan = scanRecord('summary-stream', '2026-01-01T00:00:00.000Z', 400, { seed: 9 });
    // Many ties and more candidates than twice the rows shown: the bounded top list must still
    // print what a sort of the whole list prints.
    scan.fileSystems.forEach((fs, i) => {
      fs.encrypted = i % 5 === 0;
      fs.sizeInBytes = (i % 7) * 1024;
    });
    const text = scanSummaryTextBuilder({ maxRows: 10 });
    for (const fs of scan.fileSystems) text.add(fs);
    const { fileSystems: _fs, ...summary } = scan;

    const candidates = scan.fileSystems
      .filter((f) => !f.encrypted)
      .sort((a, b) => b.sizeInBytes - a.sizeInBytes);
    const rendered = text.render(summary);
    const listed = rendered
      .split('\n')
      .filter((l) => /^ {2}fs-/.test(l))
      .map((l) => l.trim().split(' ')[0]);
    expect(listed.slice(0, 10)).toEqual(candidates.slice(0, 10).map((f) => f.fileSystemId));
    expect(rendered).toContain(`Unencrypted (migration candidates): ${candidates.length}`);
    expect(rendered).toBe(scanSummaryText(scan, { maxRows: 10 }));
  });
});
