import { describe, expect, it } from 'vitest';
import { DEMO_PHASES } from '../../src/cli/demo/demo-walk.ts';
import { runCli, useCliWorkspace } from './run-cli.ts';

/**
 * `npm run demo` in a terminal (issue #20): after the scan's summary it plays the migration of
 * gitlab-runner-cache through the real phases on the sped-up sample estate, each phase's own text
 * in turn, then says how to open the sandbox and connect Slack. The store is kept in the test's
 * directory, so a second run finds the migration there.
 */
const FS = 'fs-6c6ef29eee9d07da5';

describe('efs-encrypt demo: the migration of one sample file system', () => {
  useCliWorkspace('efs-encrypt-demo-walk-');

  it('plays decision, build, copy, cutover, decommission and the report in order, then the sandbox and Slack hints; a second run on the same store skips it', async () => {
    delete process.env.SLACK_BOT_TOKEN;
    const started = Date.now();
    const { code, out, err } = await runCli('demo');
    const seconds = (Date.now() - started) / 1000;
    expect(err).not.toContain('failed at');
    expect(code).toBe(0);

    const at = (text: string | RegExp) => {
      const i = typeof text === 'string' ? out.indexOf(text) : out.search(text);
      expect(i, `${String(text)} in the demo's output`).toBeGreaterThanOrEqual(0);
      return i;
    };
    const positions = [
      at(/Unencrypted \(migration candidates\): \d+/),
      ...DEMO_PHASES.map((phase, i) => at(`── ${i + 1}/${DEMO_PHASES.length} ${phase} `)),
      at('To try the bot in a browser, with no Slack account: npm run demo -- --sandbox'),
      at('To run this in Slack'),
    ];
    expect(positions).toEqual([...positions].sort((a, b) => a - b));

    // Each phase's own output, from the formatters the commands use.
    const section = (i: number) => out.slice(positions[i + 1], positions[i + 2]);
    expect(section(0)).toMatch(`${FS} (gitlab-runner-cache) 210987654321 us-east-1: decided`);
    expect(section(1)).toMatch(new RegExp(`${FS} → fs-[0-9a-f]{17} encrypted with arn:aws:kms:`));
    expect(section(2)).toMatch(`${FS}: synced (AWS DataSync)`);
    expect(section(2)).toMatch(`${FS}: verified (AWS DataSync)`);
    expect(section(3)).toMatch('Launch template gitlab-runner (lt-');
    expect(section(3)).toMatch('approved by cli:demo-owner');
    expect(section(3)).toMatch(/: cut_over; 0 consumer\(s\) remaining/);
    expect(section(4)).toMatch(`${FS} (210987654321 us-east-1) decommissioned`);
    expect(section(4)).toMatch('PASS Idle for 24 h after the cutover');
    expect(section(4)).toMatch(`DeleteFileSystem ${FS}`);
    expect(section(5)).toMatch(`${FS}: in_scope, complete`);
    expect(section(5)).toMatch(/Verdict \(report val-\S+\): Goal not met: .*1\/1 in scope complete/);
    expect(seconds).toBeLessThan(60);

    // The store keeps the decommissioned migration: the walk says so instead of failing on it.
    const again = await runCli('demo');
    expect(again.code).toBe(0);
    expect(again.out).toContain(
      `The demo's migration of gitlab-runner-cache already ran in this store (decommissioned)`,
    );
    expect(again.out).not.toContain('── 1/');
    expect(again.out).toContain('To run this in Slack');
  }, 90_000);

  it('a phase that fails says which and why, and exits 1 without the closing hints', async () => {
    delete process.env.SLACK_BOT_TOKEN;
    // A policy that wants a customer-managed key refuses the demo's AWS-managed one.
    process.env.EFS_ENCRYPT_POLICY_RULES = 'app=gitlab-runner:require-cmk';
    const { code, out, err } = await runCli('demo');
    expect(code).toBe(1);
    expect(out).toContain('── 1/6 Decision ');
    expect(out).not.toContain('── 2/6');
    expect(out).not.toContain('To run this in Slack');
    expect(err).toMatch(
      new RegExp(
        `the demo's migration of gitlab-runner-cache \\(${FS}\\) failed at Decision: .*customer`,
        's',
      ),
    );
  }, 60_000);

  it('--scan-only scans, prints the summary and the hints, and plays no migration', async () => {
    delete process.env.SLACK_BOT_TOKEN;
    const { code, out } = await runCli('demo', '--scan-only');
    expect(code).toBe(0);
    expect(out).toMatch(/Unencrypted \(migration candidates\): \d+/);
    expect(out).toContain('To run this in Slack');
    expect(out).not.toContain('── 1/');
  }, 60_000);
});
