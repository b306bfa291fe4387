import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BOT_ACCOUNT_ACTIONS,
  MEMBER_ACTIONS,
  memberActionsFor,
  type Phase,
} from '../../src/aws/permissions.ts';

/** The README's permission table is the code's list, row for row. */
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const row = (name: string) => {
  const line = readme.split('\n').find((l) => l.startsWith(`| ${name} | \``));
  return [...(line ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]);
};

describe('the README permission table', () => {
  it.each(Object.keys(MEMBER_ACTIONS) as Phase[])(
    'lists exactly the %s phase actions of src/aws/permissions.ts',
    (phase) => {
      expect(row(phase)).toEqual(memberActionsFor([phase]));
    },
  );

  it('lists the bot account actions', () => {
    expect(row('bot account')).toEqual(['sts:AssumeRole', ...BOT_ACCOUNT_ACTIONS]);
  });
});
