import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BadInputError } from '../../domain/errors.ts';
import type { RsyncRunbook } from '../../workflow/copy/rsync/index.ts';

/**
 * `efs-encrypt copy runbook <fs-id> --out DIR`: the same files the thread's Post runbook uploads
 * (the runbook markdown, then each script), written into DIR with the scripts executable, ready to
 * copy to the instance. Returns the paths written, markdown first.
 */
export async function writeRunbookFiles(runbook: RsyncRunbook, dir: string): Promise<string[]> {
  try {
    await mkdir(dir, { recursive: true });
    const markdown = join(dir, runbook.filename);
    await writeFile(markdown, runbook.markdown, { mode: 0o644 });
    const written = [markdown];
    for (const script of runbook.scripts) {
      const path = join(dir, script.name);
      await writeFile(path, script.content, { mode: 0o755 });
      // The umask may have cleared execute bits at creation, and an existing file keeps its mode.
      await chmod(path, 0o755);
      written.push(path);
    }
    return written;
  } catch (e) {
    throw new BadInputError(
      `Cannot write the runbook into ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}. Give --out a directory you can write to.`,
      { cause: e },
    );
  }
}
