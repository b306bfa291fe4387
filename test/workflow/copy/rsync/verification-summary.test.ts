import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../../src/domain/errors.ts';
import { parseVerificationSummary } from '../../../../src/workflow/copy/rsync/index.ts';

const CLEAN = `== efs-encrypt verification summary ==
source: /mnt/efs-src
target: /mnt/efs-dst
entries: source 1234, target 1234
compared: type mode owner size mtime symlink content hardlink
differences: 0
result: CLEAN
== end of summary ==`;

const DIFFERENT = `differs: ./b: mode 0644 -> 0600
only in source: ./a <b> & c (f)
== efs-encrypt verification summary ==
source: /mnt/efs-src
target: /mnt/efs-dst
entries: source 10, target 9
compared: type mode owner size mtime symlink content hardlink xattrs acls
differences: 2
first differences:
  differs: ./b: mode 0644 -> 0600
  only in source: ./a <b> & c (f)
result: DIFFERENT
== end of summary ==
07:52:33Z manifests, differences and summary: /root/efs-encrypt/verify-logs/x`;

describe('parseVerificationSummary', () => {
  it('reads a clean summary', () => {
    expect(parseVerificationSummary(CLEAN)).toEqual({
      clean: true,
      differences: 0,
      sample: [],
      source: '/mnt/efs-src',
      target: '/mnt/efs-dst',
      sourceEntries: 1234,
      targetEntries: 1234,
      compared: ['type', 'mode', 'owner', 'size', 'mtime', 'symlink', 'content', 'hardlink'],
    });
  });

  it('reads differences and their sample, as pasted into Slack (escaped, quoted, fenced, CRLF)', () => {
    const pasted = `Final sync done, see below\n\`\`\`${DIFFERENT.replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .split('\n')
      .map((l) => `> ${l}`)
      .join('\r\n')}\`\`\``;
    const s = parseVerificationSummary(pasted);
    expect(s).toMatchObject({ clean: false, differences: 2, sourceEntries: 10, targetEntries: 9 });
    expect(s.sample).toEqual(['differs: ./b: mode 0644 -> 0600', 'only in source: ./a <b> & c (f)']);
    expect(s.compared).toContain('xattrs');
  });

  it('finds a summary that starts right after the opening fence', () => {
    expect(
      parseVerificationSummary(
        `\`\`\`${CLEAN.split('\n')
          .map((l) => `> ${l}`)
          .join('\n')}\`\`\``,
      ).clean,
    ).toBe(true);
  });

  it('takes the last summary when several were pasted', () => {
    expect(parseVerificationSummary(`${DIFFERENT}\n\nafter the final pass again:\n${CLEAN}`).clean).toBe(
      true,
    );
    expect(parseVerificationSummary(`${CLEAN}\n${DIFFERENT}`).clean).toBe(false);
  });

  it('refuses text that cannot prove a clean copy, saying what to paste', () => {
    expect(() => parseVerificationSummary('looks good to me')).toThrow(BadInputError);
    expect(() => parseVerificationSummary('looks good to me')).toThrow(
      /No verification summary found\. Paste the whole block verify\.sh printed/,
    );
    expect(() => parseVerificationSummary(CLEAN.replace('differences: 0', 'differences: 3'))).toThrow(
      /contradicts itself \(result CLEAN with 3 differences\)/,
    );
    expect(() => parseVerificationSummary(CLEAN.replace('result: CLEAN\n', ''))).toThrow(
      /incomplete \(no result line\)/,
    );
    expect(() => parseVerificationSummary(CLEAN.replace('result: CLEAN', 'result: OK'))).toThrow(
      /writes CLEAN or DIFFERENT/,
    );
    expect(() => parseVerificationSummary(CLEAN.replace(' content', ''))).toThrow(
      /does not show a full comparison \(missing: content\)/,
    );
    expect(() => parseVerificationSummary(CLEAN.replace('target 1234', 'target 1233'))).toThrow(
      /counts 1234 source and 1233 target entries/,
    );
  });

  it('reads the binding, byte counts and manifest digests, and refuses a CLEAN one whose counts or digests differ', () => {
    const bound = CLEAN.replace(
      'source: /mnt/efs-src',
      [
        'migration: FS#111122223333#eu-west-1#fs-0123456789abcdef0',
        'source file system: fs-0123456789abcdef0',
        'target file system: fs-0fedcba9876543210',
        `nonce: ${'c'.repeat(32)}`,
        'source: /mnt/efs-src',
      ].join('\n'),
    ).replace(
      'compared:',
      `bytes: source 4096, target 4096\nmanifests: source sha256 ${'d'.repeat(64)}, target sha256 ${'d'.repeat(64)}\ncompared:`,
    );
    expect(parseVerificationSummary(bound)).toMatchObject({
      migrationId: 'FS#111122223333#eu-west-1#fs-0123456789abcdef0',
      sourceFileSystemId: 'fs-0123456789abcdef0',
      targetFileSystemId: 'fs-0fedcba9876543210',
      nonce: 'c'.repeat(32),
      sourceBytes: 4096,
      targetBytes: 4096,
      sourceManifestSha256: 'd'.repeat(64),
      targetManifestSha256: 'd'.repeat(64),
    });
    expect(() => parseVerificationSummary(bound.replace('target 4096', 'target 4095'))).toThrow(
      /counts 4096 source and 4095 target bytes: it was edited/,
    );
    expect(() =>
      parseVerificationSummary(
        bound.replace(`target sha256 ${'d'.repeat(64)}`, `target sha256 ${'e'.repeat(64)}`),
      ),
    ).toThrow(/different SHA-256 digests: it was edited/);
  });
});
