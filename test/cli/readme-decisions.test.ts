import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseDecisionFile } from '../../src/workflow/decide/index.ts';
import { runCli, useCliWorkspace } from './run-cli.ts';

/**
 * The README's example decision file is meant to be pasted: it must parse, and apply as it stands
 * against the sample estate (`plan --decisions … --demo`), whose scan the README describes too.
 */

const workspace = useCliWorkspace('readme-decisions-');

async function readmeExample(): Promise<string> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('### Decision files'));
  const block = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README.md: no ```yaml block under "### Decision files"');
  return block[1]!;
}

describe("the README's decision file", () => {
  it('parses, and applies to the sample estate as pasted', async () => {
    const yaml = await readmeExample();
    expect(parseDecisionFile(yaml, 'yaml', 'README.md').choices.length).toBeGreaterThan(1);
    await writeFile(workspace.path('decisions.yaml'), yaml);
    const applied = await runCli('plan', '--decisions', workspace.path('decisions.yaml'), '--demo');
    expect(applied.err).not.toContain('problem');
    expect(applied.code).toBe(0);
    expect(applied.out).toBe(
      [
        'fs-6348770f841676415 (sepa-batch-files) 345678901234 eu-west-1: decided',
        'fs-ee540fca6f618a444 (au-payouts-staging) 345678901234 ap-southeast-2: excluded',
        '',
      ].join('\n'),
    );
    // What the README says of the demo: 22 file systems read, the unassumable account reported.
    expect(applied.err).toContain('22 file system(s)');
    expect(applied.err).toContain('Could not scan 456789012345: AssumeRole failed with AccessDenied');
  }, 60_000);
});
