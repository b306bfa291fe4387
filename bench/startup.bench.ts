/**
 * Issue 13 item 8: how long a command takes to start. Each command runs in fresh processes (median
 * of 5, and the fastest), compiled (bin/efs-encrypt.js running dist/) on a populated data
 * directory and on an empty one, and from the TypeScript sources through tsx (as before dist/
 * existed) on the populated one; the figures of a command are printed side by side. Wall time is
 * of the whole process, the command's own work included: status, plan --show and export --list
 * open the embedded store (on disk) and read it. Populated: one scan of the sample estate, as the
 * first process to open the directory (it serves the store itself: nothing else runs). Empty: a
 * new directory for every run, so the command creates the store and its table first (plan --show
 * is left out there: with no stored scan it scans AWS first, which is the scan's time, not a start).
 * CPU is the child's user + system time, which a busy machine inflates far less than wall time.
 * Target: --help and every command listed within 500 ms, compiled, on both directories.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDist } from '../bin/build-dist.js';
import { distFreshness } from '../bin/dist-stamp.js';
import type { BenchResult } from './run.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 5;
const TARGET_MS = 500;
const COMMANDS = [['--help'], ['status'], ['plan', '--show'], ['export', '--list'], ['scan', '--help']];
/** Commands that on an empty store do more than start (plan --show scans first). */
const NOT_ON_EMPTY = new Set(['plan --show']);

/** CPU time of this process's waited-for children so far (Linux /proc; undefined elsewhere). */
function childrenCpuMs(): number | undefined {
  try {
    // Fields after the command name: cutime and cstime are the 14th and 15th, in clock ticks.
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

interface Timing {
  wallMs: number;
  cpuMs?: number;
}

function runOnce(script: string, args: string[], env: NodeJS.ProcessEnv): Timing {
  const cpuBefore = childrenCpuMs();
  const started = performance.now();
  const child = spawnSync(process.execPath, [script, ...args], { cwd: ROOT, env, encoding: 'utf8' });
  const wallMs = performance.now() - started;
  const cpuAfter = childrenCpuMs();
  if (child.status !== 0)
    throw new Error(`${script} ${args.join(' ')} exited ${child.status}: ${child.stderr.slice(0, 500)}`);
  return {
    wallMs,
    ...(cpuBefore !== undefined && cpuAfter !== undefined ? { cpuMs: cpuAfter - cpuBefore } : {}),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Measured {
  median: number;
  fastest: number;
  cpu?: number;
}

/** RUNS fresh processes; `envFor(i)` gives run i its environment (a new data directory, say). */
function measure(script: string, args: string[], envFor: (run: number) => NodeJS.ProcessEnv): Measured {
  const runs = Array.from({ length: RUNS }, (_, i) => runOnce(script, args, envFor(i)));
  const cpu = runs.flatMap((r) => (r.cpuMs === undefined ? [] : [r.cpuMs]));
  return {
    median: median(runs.map((r) => r.wallMs)),
    fastest: Math.min(...runs.map((r) => r.wallMs)),
    cpu: cpu.length ? median(cpu) : undefined,
  };
}

const shown = (m: Measured) =>
  `${Math.round(m.median)} ms${m.cpu === undefined ? '' : ` (CPU ${Math.round(m.cpu)} ms)`}, fastest ${Math.round(m.fastest)} ms`;

export async function run(): Promise<BenchResult> {
  const built = distFreshness(ROOT, join(ROOT, 'dist')).fresh ? undefined : await timed(() => buildDist());
  const dataDir = await mkdtemp(join(tmpdir(), 'efs-encrypt-startup-'));
  // The store the commands read: one scan of the sample estate, so plan --show and export --list
  // have something to show. Nothing reaches AWS: no command below scans.
  const base = {
    ...process.env,
    LOG_LEVEL: 'silent',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const populated = { ...base, EFS_ENCRYPT_DATA_DIR: join(dataDir, 'store') };
  let emptyDirs = 0;
  const empty = () => ({ ...base, EFS_ENCRYPT_DATA_DIR: join(dataDir, `empty-${++emptyDirs}`) });
  const figures: BenchResult['figures'] = {};
  const targets: NonNullable<BenchResult['targets']> = [];
  try {
    runOnce('bin/efs-encrypt.js', ['scan', '--demo', '--quiet'], populated);
    if (built) figures['npm run build'] = `${Math.round(built.ms)} ms`;
    for (const args of COMMANDS) {
      const name = `efs-encrypt ${args.join(' ')}`;
      const onEmpty = !NOT_ON_EMPTY.has(args.join(' '));
      const compiled = measure('bin/efs-encrypt.js', args, () => populated);
      const compiledEmpty = onEmpty ? measure('bin/efs-encrypt.js', args, empty) : undefined;
      const sources = measure('bench/cli-from-sources.js', args, () => populated);
      figures[name] =
        `compiled: populated ${shown(compiled)} · empty ${compiledEmpty ? shown(compiledEmpty) : 'n/a (scans first)'} · ` +
        `sources (tsx) ${Math.round(sources.median)} ms${sources.cpu === undefined ? '' : ` (CPU ${Math.round(sources.cpu)} ms)`}, ` +
        `${(sources.median / compiled.median).toFixed(1)}x slower`;
      for (const [dir, m] of [
        ['populated', compiled],
        ['empty', compiledEmpty],
      ] as const)
        if (m)
          targets.push({
            description: `${name} within ${TARGET_MS} ms compiled, ${dir} data directory (median ${Math.round(m.median)} ms)`,
            met: m.median <= TARGET_MS,
          });
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
  return { name: `CLI start-up, median of ${RUNS} fresh processes`, figures, targets };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}
