/**
 * `npm run bench`: runs every bench/*.bench.ts in turn (or those named on the command line) and prints
 * the figures each returns. Benchmarks prove speed and memory; unit tests never time anything.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface BenchResult {
  name: string;
  figures: Record<string, string | number>;
  /** A stated target and whether it was met; a missed target makes the run exit 1. */
  targets?: { description: string; met: boolean }[];
}

// The lockfile pins SDK releases that support Node 20; their upgrade notice is noise among the figures.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const here = dirname(fileURLToPath(import.meta.url));
// `--seed N` is for the benchmarks (the reliability sweep's random crash points), not a file name.
const wanted = process.argv.slice(2).filter((a, i, all) => a !== '--seed' && all[i - 1] !== '--seed');
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();

let missed = 0;
for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { run: () => Promise<BenchResult> };
  const result = await mod.run();
  console.log(`\n== ${result.name} (${file})`);
  const width = Math.max(...Object.keys(result.figures).map((k) => k.length));
  for (const [k, v] of Object.entries(result.figures)) console.log(`  ${k.padEnd(width)}  ${v}`);
  for (const t of result.targets ?? []) {
    console.log(`  target: ${t.description}: ${t.met ? 'met' : 'MISSED'}`);
    if (!t.met) missed++;
  }
}
if (files.length === 0) console.log('no benchmarks matched');
process.exitCode = missed ? 1 : 0;
