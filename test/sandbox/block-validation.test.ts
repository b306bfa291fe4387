import { describe, expect, it } from 'vitest';
import { webApi } from '@slack/bolt';
import { scanStartedMessage } from '#blocks/scan-summary.ts';
import { messageBlockProblems, viewProblems } from '../../src/sandbox/block-validation.ts';
import { SandboxServer } from '../../src/sandbox/server.ts';

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const button = (action_id: string, text = 'Go') => ({
  type: 'button',
  action_id,
  text: { type: 'plain_text', text },
});
const modal = (blocks: unknown[], extra: Record<string, unknown> = {}) => ({
  type: 'modal',
  title: { type: 'plain_text', text: 'Plan' },
  submit: { type: 'plain_text', text: 'Save' },
  blocks,
  ...extra,
});

describe('Block Kit validation (what Slack refuses with invalid_blocks)', () => {
  it('accepts the shapes the bot uses', () => {
    expect(messageBlockProblems(scanStartedMessage('U0ADMIN').blocks)).toEqual([]);
    expect(
      messageBlockProblems([
        { type: 'header', text: { type: 'plain_text', text: 'EFS scan' } },
        { type: 'section', fields: [{ type: 'mrkdwn', text: '*a*' }], accessory: button('more') },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'x' }] },
        { type: 'divider' },
        {
          type: 'actions',
          block_id: 'acts',
          elements: [
            button('a', 'Build'),
            {
              type: 'overflow',
              action_id: 'o',
              options: [{ text: { type: 'plain_text', text: 'x' }, value: 'x' }],
            },
          ],
        },
      ]),
    ).toEqual([]);
    expect(
      viewProblems(
        modal([
          {
            type: 'input',
            block_id: 'key',
            label: { type: 'plain_text', text: 'Key' },
            element: { type: 'external_select', action_id: 'k', min_query_length: 0 },
          },
        ]),
      ),
    ).toEqual([]);
  });

  it.each([
    [
      'an unknown block type',
      [{ type: 'sektion', text: { type: 'mrkdwn', text: 'x' } }],
      'unsupported block type sektion',
    ],
    ['a section with neither text nor fields', [{ type: 'section' }], 'a section needs text or fields'],
    ['a mrkdwn header', [{ type: 'header', text: { type: 'mrkdwn', text: 'x' } }], 'must be plain_text'],
    ['an empty text', [section('')], 'must be more than 0 characters'],
    [
      'a text type typo',
      [{ type: 'section', text: { type: 'markdown', text: 'x' } }],
      'plain_text or mrkdwn',
    ],
    [
      'a button without text',
      [{ type: 'actions', elements: [{ type: 'button', action_id: 'a' }] }],
      'missing required field: text',
    ],
    [
      'a button style Slack lacks',
      [{ type: 'actions', elements: [{ ...button('a'), style: 'warning' }] }],
      'primary or danger',
    ],
    [
      'an element not allowed in actions',
      [{ type: 'actions', elements: [{ type: 'plain_text_input', action_id: 'a' }] }],
      'unsupported element type plain_text_input',
    ],
    ['empty actions', [{ type: 'actions', elements: [] }], 'non-empty array'],
    [
      'two elements with one action_id',
      [{ type: 'actions', elements: [button('a'), button('a')] }],
      'action_id a is used twice',
    ],
    [
      'two blocks with one block_id',
      [
        { ...section('x'), block_id: 'b' },
        { ...section('y'), block_id: 'b' },
      ],
      'block_id b is used twice',
    ],
    ['a block_id over 255', [{ ...section('x'), block_id: 'b'.repeat(256) }], 'block_id too long'],
    [
      'an action_id over 255',
      [{ type: 'actions', elements: [button('a'.repeat(256))] }],
      'action_id too long',
    ],
    [
      'a static select with no options',
      [{ type: 'actions', elements: [{ type: 'static_select', action_id: 's' }] }],
      'missing required field: options',
    ],
    [
      'an option without value',
      [
        {
          type: 'actions',
          elements: [
            { type: 'static_select', action_id: 's', options: [{ text: { type: 'plain_text', text: 'x' } }] },
          ],
        },
      ],
      'missing required field: value',
    ],
    [
      'six overflow options',
      [
        {
          type: 'actions',
          elements: [
            {
              type: 'overflow',
              action_id: 'o',
              options: [1, 2, 3, 4, 5, 6].map((i) => ({
                text: { type: 'plain_text', text: `${i}` },
                value: `${i}`,
              })),
            },
          ],
        },
      ],
      '6 options (max 5)',
    ],
    ['51 blocks', Array.from({ length: 51 }, (_, i) => section(`${i}`)), '51 blocks (max 50)'],
    ['a section text over 3000', [section('x'.repeat(3001))], 'section text 3001 chars'],
    [
      'an input in a message without dispatch_action',
      [
        {
          type: 'input',
          label: { type: 'plain_text', text: 'x' },
          element: { type: 'plain_text_input', action_id: 'a' },
        },
      ],
      'must set dispatch_action',
    ],
  ])('refuses %s', (_name, blocks, problem) => {
    const problems = messageBlockProblems(blocks);
    expect(problems.join('\n')).toContain(problem);
    expect(problems[0]).toMatch(/\[json-pointer:\/blocks/);
  });

  it('refuses a modal without a title, a title over 24 characters, and inputs without submit', () => {
    expect(viewProblems({ type: 'modal', blocks: [section('x')] }).join()).toContain(
      'missing required field: text [json-pointer:/view/title]',
    );
    expect(
      viewProblems(modal([section('x')], { title: { type: 'plain_text', text: 'x'.repeat(25) } })).join(),
    ).toContain('modal title 25 chars (max 24)');
    const input = {
      type: 'input',
      label: { type: 'plain_text', text: 'x' },
      element: { type: 'plain_text_input', action_id: 'a' },
    };
    expect(
      viewProblems({ type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: [input] }).join(),
    ).toContain('needs submit');
    expect(viewProblems(modal(Array.from({ length: 101 }, (_, i) => section(`${i}`)))).join()).toContain(
      '101 blocks (max 100)',
    );
  });
});

describe("the sandbox's Web API refuses invalid blocks as Slack does", () => {
  it('answers invalid_blocks to the real Web API client, which throws it, and records it for the page', async () => {
    const server = new SandboxServer({
      signingSecret: 'x'.repeat(16),
      users: [],
      bot: { botId: 'B1', botUserId: 'U1', teamId: 'T1' },
    });
    await server.start();
    try {
      const client = new webApi.WebClient('xoxb-x', {
        slackApiUrl: server.apiUrl,
        retryConfig: { retries: 0 },
      });
      const posted = await client.chat.postMessage({
        channel: server.channel.channelId,
        text: 'ok',
        blocks: [section('fine')],
      });
      expect(posted.ok).toBe(true);
      await expect(
        client.chat.postMessage({
          channel: server.channel.channelId,
          text: 'bad',
          blocks: [{ type: 'header', text: { type: 'mrkdwn', text: 'x' } }] as never,
        }),
      ).rejects.toMatchObject({ data: { ok: false, error: 'invalid_blocks' } });
      const state = server.channel.snapshot('U0ANY');
      expect(state.messages.map((m) => m.text)).toEqual(['ok']);
      expect(state.rejected).toMatchObject([{ method: 'chat.postMessage', error: 'invalid_blocks' }]);
      expect(state.rejected[0]!.messages.join()).toContain('must be plain_text');
    } finally {
      await server.close();
    }
  });
});

describe('images, rich text and date and time pickers (element-limits.ts)', () => {
  const image = (extra: Record<string, unknown> = {}) => ({
    type: 'image',
    image_url: 'https://example.com/a.png',
    alt_text: 'a chart',
    ...extra,
  });
  const picker = (element: Record<string, unknown>) => ({
    type: 'actions',
    elements: [{ action_id: 'p', ...element }],
  });
  const richText = (elements: unknown[]) => ({ type: 'rich_text', elements });
  const text = (t: string, style?: Record<string, unknown>) => ({
    type: 'text',
    text: t,
    ...(style ? { style } : {}),
  });

  it('accepts their documented shapes at their limits', () => {
    expect(
      messageBlockProblems([
        image({ image_url: `https://example.com/${'a'.repeat(2980)}`, alt_text: 'x'.repeat(2000) }),
        image({ title: { type: 'plain_text', text: 't'.repeat(2000) } }),
        {
          type: 'context',
          elements: [{ type: 'image', image_url: 'https://example.com/i.png', alt_text: 'i' }],
        },
        picker({ type: 'datepicker', initial_date: '2024-02-29' }),
        picker({ type: 'timepicker', initial_time: '23:59', timezone: 'Europe/Paris' }),
        richText([
          {
            type: 'rich_text_section',
            elements: [text('bold', { bold: true }), { type: 'link', url: 'https://x.test' }],
          },
          {
            type: 'rich_text_list',
            style: 'ordered',
            indent: 8,
            offset: 4,
            border: 1,
            elements: [{ type: 'rich_text_section', elements: [{ type: 'user', user_id: 'U1' }] }],
          },
          { type: 'rich_text_preformatted', elements: [text('code')] },
          {
            type: 'rich_text_quote',
            elements: [
              { type: 'emoji', name: 'lock' },
              { type: 'broadcast', range: 'here' },
            ],
          },
        ]),
      ]),
    ).toEqual([]);
  });

  it.each([
    [
      'an image_url over 3000 characters',
      image({ image_url: `https://e.com/${'a'.repeat(2990)}` }),
      'image_url 3004 chars (max 3000)',
    ],
    [
      'alt_text over 2000 characters',
      image({ alt_text: 'x'.repeat(2001) }),
      'alt_text 2001 chars (max 2000)',
    ],
    ['an image without alt_text', image({ alt_text: undefined }), 'missing required field: alt_text'],
    [
      'both image_url and slack_file',
      image({ slack_file: { url: 'https://files.slack.com/x' } }),
      'cannot both be set',
    ],
    [
      'an image title in mrkdwn',
      image({ title: { type: 'mrkdwn', text: 't' } }),
      'title must be a plain_text object',
    ],
    [
      'an image title over 2000 characters',
      image({ title: { type: 'plain_text', text: 't'.repeat(2001) } }),
      'title 2001 chars',
    ],
    [
      'an accessory image with alt_text over 2000 characters',
      {
        type: 'section',
        text: { type: 'mrkdwn', text: 'x' },
        accessory: image({ alt_text: 'y'.repeat(2001) }),
      },
      '/blocks/0/accessory/alt_text',
    ],
    [
      'a datepicker day that does not exist',
      picker({ type: 'datepicker', initial_date: '2023-02-29' }),
      'initial_date must be a date as YYYY-MM-DD',
    ],
    [
      'a datepicker date in another format',
      picker({ type: 'datepicker', initial_date: '29/02/2024' }),
      'initial_date',
    ],
    ['a 12-hour time', picker({ type: 'timepicker', initial_time: '7:30 PM' }), 'initial_time must be HH:mm'],
    [
      'a time past 23:59',
      picker({ type: 'timepicker', initial_time: '24:00' }),
      'initial_time must be HH:mm',
    ],
    [
      'an unknown time zone',
      picker({ type: 'timepicker', timezone: 'Mars/Olympus' }),
      'timezone must be an IANA time zone',
    ],
    ['an empty rich_text', richText([]), 'elements must be a non-empty array'],
    [
      'an unknown rich text object',
      richText([{ type: 'rich_text_table', elements: [] }]),
      'unsupported rich text object type',
    ],
    [
      'a list without a style',
      richText([{ type: 'rich_text_list', elements: [{ type: 'rich_text_section', elements: [] }] }]),
      'list style must be bullet or ordered',
    ],
    [
      'a list indent of 9',
      richText([
        {
          type: 'rich_text_list',
          style: 'bullet',
          indent: 9,
          elements: [{ type: 'rich_text_section', elements: [] }],
        },
      ]),
      'indent must be 0 to 8',
    ],
    [
      'a list item that is not a section',
      richText([{ type: 'rich_text_list', style: 'bullet', elements: [text('x')] }]),
      'a list item must be a rich_text_section',
    ],
    [
      'a user mention in preformatted text',
      richText([{ type: 'rich_text_preformatted', elements: [{ type: 'user', user_id: 'U1' }] }]),
      'unsupported rich text element type user',
    ],
    [
      'a link without url',
      richText([{ type: 'rich_text_section', elements: [{ type: 'link', text: 'x' }] }]),
      'missing required field: url',
    ],
    [
      'an unknown text style',
      richText([{ type: 'rich_text_section', elements: [text('x', { blink: true })] }]),
      'style blink is not a boolean text style',
    ],
    [
      'a broadcast to someone',
      richText([{ type: 'rich_text_section', elements: [{ type: 'broadcast', range: 'all' }] }]),
      'broadcast range must be here, channel or everyone',
    ],
    [
      'a border of 2',
      richText([{ type: 'rich_text_quote', border: 2, elements: [text('x')] }]),
      'border must be 0 or 1',
    ],
  ])('refuses %s', (_what, block, expected) => {
    const problems = messageBlockProblems([block]);
    expect(problems.join('\n')).toContain(expected);
    expect(problems.every((p) => /\[json-pointer:\/blocks\/0/.test(p))).toBe(true);
  });

  it('checks pickers inside a modal input too', () => {
    expect(
      viewProblems(
        modal([
          {
            type: 'input',
            block_id: 'when',
            label: { type: 'plain_text', text: 'When' },
            element: { type: 'datepicker', action_id: 'd', initial_date: '2024-13-01' },
          },
        ]),
      ).join('\n'),
    ).toContain('/view/blocks/0/element/initial_date');
  });
});
