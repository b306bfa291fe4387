import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The random crash points of issue 18's sweep: `count` moments drawn with `seed` across build,
 * DataSync copy, cutover and decommission, each a real child process killed with SIGKILL and the
 * same command run again on the same store and estate. They run as the test file
 * test/sweep/random-crash-points.test.ts (10 points in `npm test`) with the count and seed given
 * through its environment: its scenarios are built on the tests' fixtures, which benchmarks may
 * not import, so the bench starts the test runner as a separate process and reads the figures file
 * it writes.
 */
export interface RandomCrashFigures {
  seed: number;
  'crash points tried': number;
  'killed (the others ended before their moment)': number;
  resumed: number;
  'failed visibly': number;
  duplicates: number;
  'states lost': number;
  'restarts that found the work already done': number;
  'restarts that took a dead owner’s job at once': number;
  'longest restart-to-resumed-work (ms)': number;
  'by scenario': string;
  seconds: number;
}

export interface RandomCrashRun {
  figures: RandomCrashFigures;
  /** Points where a check did not hold, as `label: problems`. */
  failures: string[];
  /** The runner's exit code (non-zero when a check failed). */
  code: number | null;
}

export async function runRandomCrashPoints(count: number, seed: number, lanes = 3): Promise<RandomCrashRun> {
  const dir = await mkdtemp(join(tmpdir(), 'random-crashes-'));
  const file = join(dir, 'figures.json');
  try {
    const runner = spawn(
      process.execPath,
      ['node_modules/vitest/vitest.mjs', 'run', 'test/sweep/random-crash-points.test.ts'],
      {
        env: {
          ...process.env,
          RANDOM_CRASH_POINTS: String(count),
          RANDOM_CRASH_SEED: String(seed),
          RANDOM_CRASH_LANES: String(lanes),
          RANDOM_CRASH_FIGURES: file,
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    const code = await new Promise<number | null>((resolve) => runner.once('exit', resolve));
    const written = JSON.parse(await readFile(file, 'utf8')) as {
      figures: RandomCrashFigures;
      results: { label: string; problems: string[] }[];
    };
    return {
      figures: written.figures,
      failures: written.results
        .filter((r) => r.problems.length > 0)
        .map((r) => `${r.label}: ${r.problems.join('; ')}`),
      code,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `--seed N` on the bench's command line, else a fresh seed (printed, so a run can be repeated). */
export function seedFromArgs(argv: string[]): number {
  const i = argv.indexOf('--seed');
  if (i < 0) return Math.floor(Math.random() * 2 ** 31);
  const seed = Number(argv[i + 1]);
  if (!Number.isSafeInteger(seed))
    throw new Error(`--seed takes an integer (the random crash points' seed), got ${argv[i + 1]}`);
  return seed;
}
