import { BadInputError } from '../../../domain/errors.ts';
import { formatBytes } from '../../../domain/copy.ts';

/**
 * Reads back the summary block verify.sh prints, as a person pastes it into the migration's
 * thread (or attaches the summary file). Tolerates what Slack does to pasted text: code fences,
 * quote markers, HTML-escaped `&`, `<`, `>`, CRLF line ends, text before and after. When the
 * block appears more than once, the last one counts (the latest run).
 *
 * The block, as verify.sh writes it:
 *
 *     == efs-encrypt verification summary ==
 *     migration: FS#111122223333#eu-west-1#fs-0123456789abcdef0
 *     source file system: fs-0123456789abcdef0
 *     target file system: fs-0fedcba9876543210
 *     nonce: 5f0c…(32 hex digits)
 *     source: /mnt/efs-src
 *     target: /mnt/efs-dst
 *     entries: source 1234, target 1234
 *     bytes: source 5678901, target 5678901
 *     manifests: source sha256 ab12…, target sha256 ab12…
 *     compared: type mode owner size mtime symlink content hardlink xattrs acls
 *     differences: 2
 *     first differences:
 *       only in source: ./a (f)
 *       differs: ./b: mode 0644 -> 0600
 *     result: DIFFERENT
 *     == end of summary ==
 */

export interface VerificationSummary {
  /** True only when verify.sh said CLEAN and counted no difference. */
  clean: boolean;
  differences: number;
  /** The first differences verify.sh repeated in the block (it prints all of them above it). */
  sample: string[];
  /** The migration, file systems and nonce the verify.sh that printed it was bound to. */
  migrationId?: string;
  sourceFileSystemId?: string;
  targetFileSystemId?: string;
  nonce?: string;
  source?: string;
  target?: string;
  sourceEntries?: number;
  targetEntries?: number;
  /** Bytes of regular files in each tree (logical sizes). */
  sourceBytes?: number;
  targetBytes?: number;
  /** SHA-256 of each manifest, as kept in verify.sh's log directory. */
  sourceManifestSha256?: string;
  targetManifestSha256?: string;
  /** What was compared, e.g. `content`, `hardlink`, `xattrs`. */
  compared: string[];
}

export const SUMMARY_START = '== efs-encrypt verification summary ==';
export const SUMMARY_END = '== end of summary ==';

/** What every clean verification of a copy must have compared; anything less cannot be clean. */
export const REQUIRED_COMPARISONS = [
  'type',
  'mode',
  'owner',
  'size',
  'mtime',
  'symlink',
  'content',
  'hardlink',
] as const;

const HOW_TO_FIX = `Paste the whole block verify.sh printed, from "${SUMMARY_START}" to "${SUMMARY_END}", or attach the summary file from its log directory.`;

function normalise(text: string): string[] {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .split(/\r?\n/)
    .map((line) => line.replace(/```/g, '').replace(/^\s*(>\s?)+/, ''));
}

export function parseVerificationSummary(text: string): VerificationSummary {
  const lines = normalise(text);
  const start = lines.map((l) => l.trim()).lastIndexOf(SUMMARY_START);
  if (start < 0) throw new BadInputError(`No verification summary found. ${HOW_TO_FIX}`);
  const block: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === SUMMARY_END) break;
    block.push(line);
  }

  const field = (name: string): string | undefined => {
    const line = block.find((l) => l.trimStart().startsWith(`${name}:`));
    return line
      ?.trimStart()
      .slice(name.length + 1)
      .trim();
  };
  const resultText = field('result');
  const differencesText = field('differences');
  if (resultText === undefined || differencesText === undefined)
    throw new BadInputError(
      `The verification summary is incomplete (no ${resultText === undefined ? 'result' : 'differences'} line). ${HOW_TO_FIX}`,
    );
  if (resultText !== 'CLEAN' && resultText !== 'DIFFERENT')
    throw new BadInputError(
      `The verification summary says "result: ${resultText}"; verify.sh writes CLEAN or DIFFERENT. ${HOW_TO_FIX}`,
    );
  if (!/^\d+$/.test(differencesText))
    throw new BadInputError(
      `The verification summary says "differences: ${differencesText}"; expected a number. ${HOW_TO_FIX}`,
    );
  const differences = Number(differencesText);
  if ((resultText === 'CLEAN') !== (differences === 0))
    throw new BadInputError(
      `The verification summary contradicts itself (result ${resultText} with ${differences} differences): it was edited or cut. Run verify.sh again and paste its summary unchanged.`,
    );

  const sample: string[] = [];
  const sampleStart = block.findIndex((l) => l.trim() === 'first differences:');
  if (sampleStart >= 0)
    for (const line of block.slice(sampleStart + 1)) {
      if (!/^\s{2}/.test(line) || !line.trim()) break;
      sample.push(line.trim());
    }

  const entries = /^source (\d+), target (\d+)$/.exec(field('entries') ?? '');
  const compared = (field('compared') ?? '').split(/\s+/).filter(Boolean);
  const missing = REQUIRED_COMPARISONS.filter((c) => !compared.includes(c));
  if (resultText === 'CLEAN' && missing.length)
    throw new BadInputError(
      `The verification summary does not show a full comparison (missing: ${missing.join(', ')}), so it cannot prove the copy. Run verify.sh from the runbook and paste its summary unchanged.`,
    );
  if (resultText === 'CLEAN' && entries && entries[1] !== entries[2])
    throw new BadInputError(
      `The verification summary says CLEAN but counts ${entries[1]} source and ${entries[2]} target entries: it was edited. Run verify.sh again.`,
    );
  const bytes = /^source (\d+), target (\d+)$/.exec(field('bytes') ?? '');
  if (resultText === 'CLEAN' && bytes && bytes[1] !== bytes[2])
    throw new BadInputError(
      `The verification summary says CLEAN but counts ${bytes[1]} source and ${bytes[2]} target bytes: it was edited. Run verify.sh again.`,
    );
  const manifests = /^source sha256 ([0-9a-f]{64}), target sha256 ([0-9a-f]{64})$/.exec(
    field('manifests') ?? '',
  );
  // Identical trees give byte-identical manifests (every column is compared), so equal digests.
  if (resultText === 'CLEAN' && manifests && manifests[1] !== manifests[2])
    throw new BadInputError(
      'The verification summary says CLEAN but the two manifests have different SHA-256 digests: it was edited. Run verify.sh again.',
    );

  const optional = <T>(key: string, value: T | undefined) => (value !== undefined ? { [key]: value } : {});
  return {
    clean: resultText === 'CLEAN',
    differences,
    sample,
    ...optional('migrationId', field('migration')),
    ...optional('sourceFileSystemId', field('source file system')),
    ...optional('targetFileSystemId', field('target file system')),
    ...optional('nonce', field('nonce')),
    source: field('source'),
    target: field('target'),
    sourceEntries: entries ? Number(entries[1]) : undefined,
    targetEntries: entries ? Number(entries[2]) : undefined,
    ...optional('sourceBytes', bytes ? Number(bytes[1]) : undefined),
    ...optional('targetBytes', bytes ? Number(bytes[2]) : undefined),
    ...optional('sourceManifestSha256', manifests?.[1]),
    ...optional('targetManifestSha256', manifests?.[2]),
    compared,
  };
}

/** What a summary must match to be recorded for a migration: the record and its scan, now. */
export interface SummaryExpectation {
  migrationId: string;
  sourceFileSystemId: string;
  /** The twin the build recorded. */
  targetFileSystemId?: string;
  /** The nonce of the migration's latest runbook; undefined when none was generated. */
  nonce?: string;
  /** The source's metered size as the scan recorded it (SizeInBytes.Value), and when. */
  metered?: { bytes: number; observedAt: string };
}

/**
 * EFS meters storage, not file contents (EFS user guide, "Metering: how Amazon EFS reports file
 * system and object sizes"): a regular file at its size rounded up to 4 KiB (a sparse file at the
 * blocks it uses), a directory at the storage of its entries rounded up to 4 KiB, a symlink or
 * special file at 4 KiB. SizeInBytes is also eventually consistent, and the scan that recorded it
 * may be days older than the final pass while the source kept changing. So verify.sh's byte count
 * can never equal the metered size, and sparse files make it legitimately larger: no upper bound
 * is checked. What no real copy explains is a tree far smaller than the file system: verify.sh
 * pointed at an unmounted mount point or at a subdirectory. The summary accounts for at most its
 * bytes plus 8 KiB per entry (4 KiB of rounding and generous directory storage); a metered size
 * more than four times that plus 64 MiB (three quarters of the data gone since the scan) is refused.
 */
export const METERED_PER_ENTRY_BYTES = 8 * 1024;
export const METERED_FACTOR = 4;
export const METERED_SLACK_BYTES = 64 * 1024 ** 2;

const RUN_BOUND_VERIFY = (fileSystemId: string) =>
  `Run the verify.sh generated for this migration (efs-encrypt copy runbook ${fileSystemId} --out DIR, or Post runbook in its thread) and give its summary unchanged.`;

/**
 * Why this summary cannot be recorded for the migration, or undefined when it can: it must name
 * the migration, its file systems and the nonce of its latest runbook, and its counts must not
 * contradict the source's metered size. (Whether the nonce was already used is the caller's: it
 * knows the recorded summary.)
 */
export function summaryBindingProblem(s: VerificationSummary, e: SummaryExpectation): string | undefined {
  const fix = RUN_BOUND_VERIFY(e.sourceFileSystemId);
  if (!s.migrationId || !s.nonce || !s.sourceFileSystemId || !s.targetFileSystemId)
    return `This summary does not name its migration, file systems and nonce, so it was not printed by the verify.sh generated for ${e.sourceFileSystemId} (an older verify.sh, or written by hand). ${fix}`;
  if (s.migrationId !== e.migrationId)
    return `This summary is of migration ${s.migrationId}, not ${e.migrationId}: it was printed by another migration's verify.sh. ${fix}`;
  if (s.sourceFileSystemId !== e.sourceFileSystemId)
    return `This summary's source file system is ${s.sourceFileSystemId}, not ${e.sourceFileSystemId}. ${fix}`;
  if (e.targetFileSystemId && s.targetFileSystemId !== e.targetFileSystemId)
    return `This summary's target file system is ${s.targetFileSystemId}, not the encrypted twin ${e.targetFileSystemId}. ${fix}`;
  if (!e.nonce)
    return `No runbook has been generated for ${e.sourceFileSystemId}, so no verify.sh summary can be accepted yet. ${fix}`;
  if (s.nonce !== e.nonce)
    return `This summary's nonce is not the one of the latest runbook of ${e.sourceFileSystemId}: it comes from an earlier runbook's verify.sh (a new runbook replaces the nonce). ${fix}`;
  if (s.sourceEntries === undefined || s.sourceBytes === undefined || !s.sourceManifestSha256)
    return `This summary lacks its entry counts, byte counts or manifest digests: it was edited or cut. Give the whole summary verify.sh printed, unchanged.`;
  if (e.metered) {
    const accounted = s.sourceBytes + s.sourceEntries * METERED_PER_ENTRY_BYTES;
    if (e.metered.bytes > accounted * METERED_FACTOR + METERED_SLACK_BYTES)
      return `This summary counts ${formatBytes(s.sourceBytes)} in ${s.sourceEntries.toLocaleString('en')} entries at the source, but the scan of ${e.metered.observedAt} metered ${e.sourceFileSystemId} at ${formatBytes(e.metered.bytes)}: verify.sh compared something smaller than the file system (an unmounted mount point, a subdirectory?). Mount both file systems as the runbook says and run its verify.sh on the mount points. (If more than three quarters of the data really was deleted since that scan, this check cannot tell: it compares against the size the scan recorded.)`;
  }
  return undefined;
}
