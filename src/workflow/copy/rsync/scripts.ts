import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The shell scripts of the EC2 + rsync method. They live as real files in ./scripts/ (so they can
 * be read, linted and run on their own) and are shipped byte for byte: the runbook never edits
 * them, every site-specific value is a command-line argument shown in the runbook. The tests run
 * these exact bytes against local trees.
 */

export interface RunbookScript {
  /** File name on the copy instance, e.g. `copy.sh`. */
  name: string;
  content: string;
  /** One line: what the script is for. */
  purpose: string;
}

export const RSYNC_SCRIPTS = [
  {
    name: 'mount-efs.sh',
    purpose:
      'install the EFS mount helper and rsync; mount the source read-only and the target, both over TLS',
  },
  {
    name: 'copy.sh',
    purpose:
      'parallel rsync pass: initial, incremental or final (the final pass deletes what is gone from the source)',
  },
  {
    name: 'verify.sh',
    purpose: 'compare manifests of both trees, print every difference and a summary to paste in the thread',
  },
] as const;

export type RsyncScriptName = (typeof RSYNC_SCRIPTS)[number]['name'];

/** Absolute path of a shipped script (the tests execute it directly). */
export function rsyncScriptPath(name: RsyncScriptName): string {
  return fileURLToPath(new URL(`./scripts/${name}`, import.meta.url));
}

let cache: RunbookScript[] | undefined;

/** The scripts, read once. */
export function rsyncScripts(): RunbookScript[] {
  cache ??= RSYNC_SCRIPTS.map((s) => ({
    name: s.name,
    purpose: s.purpose,
    content: readFileSync(rsyncScriptPath(s.name), 'utf8'),
  }));
  return cache.map((s) => ({ ...s }));
}
