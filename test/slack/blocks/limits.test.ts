import { describe, expect, it } from 'vitest';
import { clip, limitBreaches, viewLimitBreaches, SlackLimits, type Block } from '#blocks/limits.ts';
import { escapeMrkdwn } from '#blocks/format.ts';

/** True when the string holds a lone surrogate, which JSON.stringify would emit as an escape Slack rejects. */
const hasLoneSurrogate = (s: string) =>
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

describe('clip', () => {
  it('never splits an emoji or an astral-plane letter into a lone surrogate', () => {
    const text = '🔐'.repeat(10) + '𝔈𝔉𝔖';
    for (let max = 1; max <= text.length; max++) {
      const out = clip(text, max);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(hasLoneSurrogate(out)).toBe(false);
    }
  });

  it('keeps a family emoji (one grapheme of several code points) whole or drops it', () => {
    const family = '👨‍👩‍👧';
    const out = clip(`ab${family}cd`, 6);
    expect(out === 'ab…' || out.startsWith(`ab${family}`)).toBe(true);
  });

  it('never ends inside an escaped entity', () => {
    const escaped = escapeMrkdwn('R&D <prod> & staging');
    for (let max = 2; max < escaped.length; max++) expect(clip(escaped, max)).not.toMatch(/&[a-z]{0,3}…$/);
  });

  it('leaves text within the limit untouched', () => {
    expect(clip('payments-efs', 75)).toBe('payments-efs');
  });
});

describe('limitBreaches checks elements and options, not only blocks', () => {
  it('finds an external_select initial option whose value is over 150 characters', () => {
    const long = `alias/${'k'.repeat(200)}`;
    const blocks: Block[] = [
      {
        type: 'input',
        label: { type: 'plain_text', text: 'Target KMS key' },
        element: {
          type: 'external_select',
          action_id: 'key',
          initial_option: { text: { type: 'plain_text', text: clip(long, 75) }, value: long },
        },
      },
    ];
    expect(limitBreaches(blocks)).toEqual([`block 0 input: option value ${long.length} chars (max 150)`]);
  });

  it('finds too many static options, a long placeholder and a long button text', () => {
    const options = Array.from({ length: SlackLimits.selectOptions + 1 }, (_, i) => ({
      text: { type: 'plain_text' as const, text: `o${i}` },
      value: `v${i}`,
    }));
    const blocks: Block[] = [
      {
        type: 'actions',
        elements: [
          {
            type: 'static_select',
            action_id: 's',
            options,
            placeholder: { type: 'plain_text', text: 'p'.repeat(151) },
          },
          { type: 'button', action_id: 'b', text: { type: 'plain_text', text: 'b'.repeat(76) } },
        ],
      },
    ];
    expect(limitBreaches(blocks)).toEqual([
      'block 0 element 0: placeholder 151 chars',
      'block 0 element 0: 101 options (max 100)',
      'block 0 element 1: button text too long',
    ]);
  });

  it('checks a modal title, private_metadata and callback_id', () => {
    expect(
      viewLimitBreaches({
        type: 'modal',
        callback_id: 'c'.repeat(256),
        title: { type: 'plain_text', text: 'Plan EFS encryption migrations' },
        private_metadata: 'm'.repeat(3001),
        blocks: [],
      }),
    ).toEqual(['modal title 30 chars (max 24)', 'private_metadata 3001 chars', 'callback_id too long']);
  });
});

describe('a refusal never echoes a megabyte', () => {
  it('names at most five unknown scan tokens, each cut to 40 characters', async () => {
    const { parseScanScope } = await import('../../../src/domain/scan-scope.ts');
    const tokens = ['y'.repeat(1_000_000), ...Array.from({ length: 7 }, (_, i) => `bad${i}`)];
    expect(() => parseScanScope(tokens)).toThrow(
      /^`y{39}…`, `bad0`, `bad1`, `bad2`, `bad3` and 3 more are neither/,
    );
  });
});
