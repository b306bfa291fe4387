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
