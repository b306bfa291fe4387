import { writeSync } from 'node:fs';

/**
 * The crash-point sweep's hook (test/sweep/crash-points.test.ts): with EFS_ENCRYPT_TEST_HOOKS=1
 * and EFS_ENCRYPT_TEST_CRASH_AFTER_STEP=N, the process kills itself with SIGKILL right after its
 * Nth job checkpoint is written, so a restart must resume from exactly what was persisted. The
 * line is written synchronously first: the test learns which step it was, and nothing after it
 * (no flush, no exit handler) runs, as in a real crash.
 */
export function crashAfterStep(
  n: number | undefined,
): ((step: string, job: { jobId: string }) => void) | undefined {
  if (!n) return undefined;
  let seen = 0;
  return (step, job) => {
    if (++seen !== n) return;
    writeSync(2, `crash point ${n}: SIGKILL after step ${step} of ${job.jobId} was persisted\n`);
    process.kill(process.pid, 'SIGKILL');
  };
}
