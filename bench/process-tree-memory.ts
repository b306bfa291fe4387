/**
 * Peak resident memory of another process and everything it started, sampled from Linux /proc:
 * what a container limit around the command must cover. Worker threads share their process's
 * VmRSS, so they are counted once; child processes are found through each thread's `children` list.
 */
import { readdirSync, readFileSync } from 'node:fs';

function rssKiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0);
  } catch {
    return 0; // gone between listing and reading
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

/** The resident set of `root` and its descendants now, in KiB (`skipRoot`: only its descendants). */
export function treeRssKiB(root: number, skipRoot = false): number {
  let total = skipRoot ? 0 : rssKiB(root);
  const pending = childrenOf(root);
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    total += rssKiB(pid);
    pending.push(...childrenOf(pid));
  }
  return total;
}

/** Whether this machine can be sampled at all (Linux /proc). */
export const canSampleProcessTree = (() => {
  try {
    readFileSync('/proc/self/status', 'utf8');
    return true;
  } catch {
    return false;
  }
})();

/** Samples the tree every `intervalMs` until `stop()`, which returns the peak seen, in MiB. */
export function trackTreePeak(root: number, options: { intervalMs?: number; skipRoot?: boolean } = {}) {
  let peakKiB = 0;
  const sample = () => {
    peakKiB = Math.max(peakKiB, treeRssKiB(root, options.skipRoot));
  };
  sample();
  const timer = setInterval(sample, options.intervalMs ?? 50);
  return {
    /** Call before the process is reaped, or the last samples are lost (the caller samples on exit too). */
    sample,
    stop(): number {
      clearInterval(timer);
      return +(peakKiB / 1024).toFixed(1);
    },
  };
}
