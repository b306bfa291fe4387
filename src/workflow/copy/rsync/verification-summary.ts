import { BadInputError } from '../../../domain/errors.ts';

/**
 * Reads back the summary block verify.sh prints, as a person pastes it into the migration's
 * thread (or attaches the summary file). Tolerates what Slack does to pasted text: code fences,
 * quote markers, HTML-escaped `&`, `<`, `>`, CRLF line ends, text before and after. When the
 * block appears more than once, the last one counts (the latest run).
 *
 * The block, as verify.sh writes it:
 *
 *     == efs-encrypt verification summary ==
 *     source: /mnt/efs-src
 *     target: /mnt/efs-dst
 *     entries: source 1234, target 1234
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
  source?: string;
  target?: string;
  sourceEntries?: number;
  targetEntries?: number;
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

  return {
    clean: resultText === 'CLEAN',
    differences,
    sample,
    source: field('source'),
    target: field('target'),
    sourceEntries: entries ? Number(entries[1]) : undefined,
    targetEntries: entries ? Number(entries[2]) : undefined,
    compared,
  };
}
