import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BadInputError, InternalError } from '../../../domain/errors.ts';

/**
 * The shell scripts of the EC2 + rsync method. They live as real files in ./scripts/ (so they can
 * be read, linted and run on their own) and are shipped byte for byte, with one exception:
 * verify.sh's binding block (four empty assignments in the template) is filled in with the
 * migration, both file systems and the runbook's one-time nonce, so the summary it prints can only
 * be recorded for that migration, once (bindVerifyScript). Every other site-specific value is a
 * command-line argument shown in the runbook. The tests run these exact bytes against local trees.
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

/** The scripts as shipped (verify.sh unbound), read once. */
export function rsyncScripts(): RunbookScript[] {
  cache ??= RSYNC_SCRIPTS.map((s) => ({
    name: s.name,
    purpose: s.purpose,
    content: readFileSync(rsyncScriptPath(s.name), 'utf8'),
  }));
  return cache.map((s) => ({ ...s }));
}

/** What binds a verify.sh to one migration and one runbook; its summary repeats all four. */
export interface VerifyBinding {
  migrationId: string;
  sourceFileSystemId: string;
  targetFileSystemId: string;
  /** Random, issued when the runbook is generated and stored with the migration; used once. */
  nonce: string;
}

/** The binding's variables in verify.sh, and what each value must look like (no shell quoting needed). */
const BINDING_VARIABLES: Record<keyof VerifyBinding, { variable: string; pattern: RegExp }> = {
  migrationId: { variable: 'EFS_ENCRYPT_MIGRATION_ID', pattern: /^FS#\d{12}#[a-z0-9-]+#fs-[0-9a-f]{8,40}$/ },
  sourceFileSystemId: { variable: 'EFS_ENCRYPT_SOURCE_FILE_SYSTEM_ID', pattern: /^fs-[0-9a-f]{8,40}$/ },
  targetFileSystemId: { variable: 'EFS_ENCRYPT_TARGET_FILE_SYSTEM_ID', pattern: /^fs-[0-9a-f]{8,40}$/ },
  nonce: { variable: 'EFS_ENCRYPT_NONCE', pattern: /^[0-9a-f]{32,128}$/ },
};

/** verify.sh with its binding block filled in; refuses values that do not look like what they name. */
export function bindVerifyScript(template: string, binding: VerifyBinding): string {
  let bound = template;
  for (const [key, { variable, pattern }] of Object.entries(BINDING_VARIABLES)) {
    const value = binding[key as keyof VerifyBinding];
    if (!pattern.test(value))
      throw new BadInputError(`Cannot bind verify.sh: ${key} "${value}" does not look like ${pattern}.`);
    const line = `${variable}=''`;
    const at = bound.split('\n').filter((l) => l === line).length;
    if (at !== 1) throw new InternalError(`verify.sh must assign ${line} exactly once (found ${at})`);
    bound = bound.replace(`\n${line}\n`, `\n${variable}='${value}'\n`);
  }
  return bound;
}

/** The scripts a runbook ships: verify.sh bound to the migration and the runbook's nonce. */
export function boundRsyncScripts(binding: VerifyBinding): RunbookScript[] {
  return rsyncScripts().map((s) =>
    s.name === 'verify.sh' ? { ...s, content: bindVerifyScript(s.content, binding) } : s,
  );
}
