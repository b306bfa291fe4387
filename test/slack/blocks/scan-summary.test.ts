import { describe, expect, it } from 'vitest';
import { SlackLimits, limitBreaches, packLines } from '#blocks/limits.ts';
import { fileSystemLine, scanDetailPages, scanSummaryMessage } from '#blocks/scan-summary.ts';
import { humanBytes } from '#blocks/format.ts';
import { fileSystem, largeEstate, scanRecord } from '../../harness/scan-fixtures.ts';

const text = (blocks: unknown) => JSON.stringify(blocks);

describe('scanSummaryMessage', () => {
  it('leads with the unencrypted candidates, largest first, with size, tags and VPCs', () => {
    const scan = scanRecord([
      fileSystem({ fileSystemId: 'fs-small', sizeInBytes: 1024 }),
      fileSystem({
        fileSystemId: 'fs-big',
        sizeInBytes: 2 * 1024 ** 4,
        vpcIds: ['vpc-1', 'vpc-2'],
        tags: { Environment: 'prod', Application: 'crm', Owner: 'team-x' },
      }),
      fileSystem({ fileSystemId: 'fs-enc', encrypted: true, keyManager: 'CUSTOMER', keyState: 'Enabled' }),
    ]);
    const { text: fallback, blocks } = scanSummaryMessage(scan);
    const shown = text(blocks);
    expect(fallback).toBe('EFS scan: 2 unencrypted of 3 file systems.');
    expect(shown.indexOf('fs-big')).toBeLessThan(shown.indexOf('fs-small'));
    expect(shown).toContain('2.0 TiB');
    expect(shown).toContain('env=prod app=crm owner=team-x');
    expect(shown).toContain('vpc-1, vpc-2');
    expect(shown).not.toContain('fs-enc');
    expect(shown).not.toContain('complete lists follow');
    expect(scanDetailPages(scan)).toEqual([]);
  });

  it('escapes Slack control characters in names and tags', () => {
    const line = fileSystemLine(fileSystem({ name: '<!channel> & co', tags: { owner: '<@U123>' } }));
    expect(line).toContain('&lt;!channel&gt; &amp; co');
    expect(line).toContain('owner=&lt;@U123&gt;');
    expect(line).not.toContain('<!channel>');
  });

  it('says so when everything is encrypted or nothing was found', () => {
    expect(
      text(
        scanSummaryMessage(
          scanRecord([fileSystem({ encrypted: true, keyManager: 'CUSTOMER', keyState: 'Enabled' })]),
        ).blocks,
      ),
    ).toContain('Every file system found is encrypted');
    expect(text(scanSummaryMessage(scanRecord([])).blocks)).toContain('No EFS file systems were found');
  });

  it.each([1, 50, 1000, 5000])(
    'stays within Block Kit limits with %i file systems, and nothing is lost',
    (n) => {
      const estate = largeEstate(n);
      const failures = Array.from({ length: Math.ceil(n / 50) }, (_, i) => ({
        accountId: String(200000000000 + i),
        region: 'eu-west-1',
        operation: 'AssumeRole',
        code: 'AccessDenied',
        message: 'x'.repeat(500),
      }));
      const scan = scanRecord(estate, { failures });
      const summary = scanSummaryMessage(scan);
      expect(limitBreaches(summary.blocks)).toEqual([]);
      expect(summary.text.length).toBeLessThanOrEqual(SlackLimits.messageText);

      const pages = scanDetailPages(scan);
      for (const p of pages) {
        expect(limitBreaches(p.blocks)).toEqual([]);
        expect(p.text.length).toBeLessThanOrEqual(SlackLimits.messageText);
      }
      // Every unencrypted and at-risk file system and every failure appears somewhere, in full.
      const everywhere = text([summary.blocks, ...pages.map((p) => p.blocks)]);
      for (const fs of estate.filter((f) => !f.encrypted || f.flags.includes('key-at-risk')))
        expect(everywhere).toContain(fs.fileSystemId);
      for (const f of failures) expect(everywhere).toContain(f.accountId);
      if (n >= 1000) expect(pages.length).toBeGreaterThan(0);
      if (n >= 5000) expect(pages.length).toBeGreaterThan(1);
    },
  );
});

describe('helpers', () => {
  it('packs lines into texts within the limit without splitting a line', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i} ${'z'.repeat(90)}`);
    const packed = packLines(lines, 1000);
    expect(packed.every((t) => t.length <= 1000)).toBe(true);
    expect(packed.join('\n')).toBe(lines.join('\n'));
  });

  it('formats sizes in binary units', () => {
    expect(humanBytes(0)).toBe('0 B');
    expect(humanBytes(1536)).toBe('1.5 KiB');
    expect(humanBytes(5 * 1024 ** 3)).toBe('5.0 GiB');
    expect(humanBytes(300 * 1024 ** 4)).toBe('300 TiB');
  });
});

describe('limitBreaches', () => {
  it('catches each kind of breach it checks', () => {
    const long = 'a'.repeat(3001);
    const breaches = limitBreaches([
      ...Array.from({ length: 49 }, () => ({ type: 'divider' as const })),
      { type: 'section', text: { type: 'mrkdwn', text: long } },
      { type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn' as const, text: 'f' })) },
      { type: 'header', text: { type: 'plain_text', text: long.slice(0, 151) } },
    ]);
    expect(breaches).toEqual([
      '52 blocks (max 50)',
      'block 49: section text 3001 chars',
      'block 50: 11 fields',
      'block 51: header 151 chars',
    ]);
  });
});
