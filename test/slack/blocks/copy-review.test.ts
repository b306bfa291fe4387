import { describe, expect, it } from 'vitest';
import { copyReviewMessages, type CopyReview } from '#blocks/copy-review.ts';
import { limitBreaches } from '#blocks/limits.ts';
import { planCopyCalls, type PlannedCopyCall } from '../../../src/domain/copy.ts';

const migration = { accountId: '111111111111', region: 'eu-west-1', fileSystemId: 'fs-0000000000000aaa1' };
const review = (plans: CopyReview['plans']): CopyReview => ({
  migrationId: `FS#111111111111#eu-west-1#${migration.fileSystemId}`,
  ...migration,
  method: 'datasync',
  plans,
});

describe('copy review builder', () => {
  it('shows every planned call of each kind on offer, with its input and why, within Slack limits', () => {
    const plans = (['incremental', 'final'] as const).map((kind) => ({
      kind,
      calls: planCopyCalls({
        migration,
        method: 'datasync',
        kind,
        twinFileSystemId: 'fs-0000000000000bbb2',
        recorded: { sourceLocationArn: 'arn:src', destinationLocationArn: 'arn:dst', taskArn: 'arn:task' },
      }),
    }));
    const [message, ...rest] = copyReviewMessages(review(plans));
    expect(rest).toEqual([]);
    expect(message!.text).toBe('Copy review (dry run, nothing is changed): fs-0000000000000aaa1');
    expect(limitBreaches(message!.blocks)).toEqual([]);
    const text = message!.blocks.map((b) => (b.type === 'section' && b.text ? b.text.text : '')).join('\n');
    expect(text).toContain('*Incremental sync* of `fs-0000000000000aaa1`: 3 calls in order');
    expect(text).toContain('*Final sync*');
    expect(text).toContain('only when the task has no execution running');
    expect(text).toContain('"PreserveDeletedFiles":"REMOVE"');
  });

  it('splits an input longer than a section instead of cutting it, and pages at 50 blocks', () => {
    const huge: PlannedCopyCall = {
      operation: 'datasync:CreateTask',
      input: { Name: 'x<'.repeat(4000) },
      note: 'a long one',
    };
    const calls = Array.from({ length: 30 }, () => huge);
    const messages = copyReviewMessages(review([{ kind: 'initial', calls }]));
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) expect(limitBreaches(m.blocks)).toEqual([]);
    expect(messages[0]!.text).toMatch(/\(1\/\d+\)$/);
    // Every character of every input is there, escaped, across the continued pieces.
    const shown = messages
      .flatMap((m) => m.blocks)
      .flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []))
      .join('')
      .match(/```([^`]*)```/g)!
      .map((f) => f.slice(3, -3))
      .join('');
    expect(shown).toBe(JSON.stringify(huge.input).replaceAll('<', '&lt;').repeat(30));
    expect(JSON.stringify(messages)).toContain('(continued 2/');
  });
});
