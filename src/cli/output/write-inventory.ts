import { writeFile } from 'node:fs/promises';
import type { ScanRecord } from '../../domain/inventory.ts';
import type { CliIo } from '../cli-io.ts';

/** A scan's output to `--out FILE` (saying so on stderr, stdout stays clean) or to stdout. */
export async function writeInventoryOutput(
  io: CliIo,
  scan: ScanRecord,
  text: string,
  out: string | undefined,
): Promise<void> {
  if (!out) return io.out(text);
  await writeFile(out, text);
  io.err(`Wrote ${scan.fileSystems.length} file systems to ${out} (scan ${scan.scanId}).\n`);
}
