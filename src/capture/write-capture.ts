/**
 * Writing a capture: to a temporary file beside the target, then renamed, so an interrupted run
 * never leaves half a file; an existing file is only replaced when asked.
 */
import { rename, stat, writeFile } from 'node:fs/promises';
import { EfsEncryptError, ErrorCode } from '../domain/errors.ts';
import type { EstateFileJson } from './capture-estate.ts';

export class CaptureOutputExistsError extends EfsEncryptError {
  constructor(readonly path: string) {
    super(
      ErrorCode.BadInput,
      `${path} already exists; choose another --out file or pass --force to replace it.`,
    );
  }
}

export async function writeCapture(
  path: string,
  file: EstateFileJson,
  options: { force?: boolean } = {},
): Promise<void> {
  if (!options.force && (await exists(path))) throw new CaptureOutputExistsError(path);
  const temporary = `${path}.${process.pid}.partial`;
  await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, path);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}
