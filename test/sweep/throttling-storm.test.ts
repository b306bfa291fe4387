import { describe, expect, it } from 'vitest';
import { runStorm } from '../../bench/reliability/storm.ts';

/**
 * Issue 18's throttling storm, short form: every 4th call per account, region and operation throttled
 * (`npm run bench:reliability` throttles every other one, half of all calls, which the SDK's adaptive
 * retry makes take minutes). The bot scans, builds two twins and scans again: all ready, no failure,
 * no duplicate file system.
 */
describe('scans and builds in a throttling storm', () => {
  it('completes every scan and build with no failure and no duplicate resource', async () => {
    const f = await runStorm({ throttleEvery: 4, builds: 2, buildWithinMs: 40_000 });
    console.log('storm figures', JSON.stringify(f));
    expect(f.scanThrottles + f.buildThrottles).toBeGreaterThan(0);
    expect(f.unexpectedFailures).toEqual([]);
    expect(f.buildsRequested).toBe(2);
    expect(f.buildsReady).toBe(2);
    expect(f.fileSystemsAfter).toBe(f.fileSystemsBefore + 2);
    expect(f.duplicates).toBe(0);
  }, 60_000);
});
