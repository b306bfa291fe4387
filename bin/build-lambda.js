#!/usr/bin/env node
// `npm run build:lambda`: the one bundle the CDK stack's three functions share (dist-lambda/index.mjs,
// exports slackHandler, workerHandler, tickHandler). On Lambda the store is DynamoDB, so the embedded
// store's native modules stay out; the SDK clients Lambda's Node runtime provides are bundled anyway,
// so the versions are the lockfile's, not whatever the runtime carries.
import { rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { treeShakenSdkClients } from './build-dist.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export async function buildLambda({ outdir = resolve(ROOT, 'dist-lambda') } = {}) {
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { index: resolve(ROOT, 'src/lambda/index.ts') },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    splitting: true,
    minify: false,
    sourcemap: 'linked',
    external: ['dynalite', 'classic-level', 'tsx', 'tsx/*'],
    // Every SDK client from its ES module build, with only the operations the bot sends: a cold
    // start parses all the bundle holds, and the whole clients made it 10.5 MB of JavaScript (7.3
    // MB tree-shaken; EC2's alone was 2 MB).
    plugins: [treeShakenSdkClients('all')],
    // CommonJS dependencies (Bolt, commander) call require(): give the ES module one.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    metafile: true,
    logLevel: 'warning',
  });
  const code = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.mjs'));
  return { outdir, bytes: code.reduce((n, [, o]) => n + o.bytes, 0) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { outdir } = await buildLambda();
  process.stdout.write(`efs-encrypt: Lambda bundle written to ${outdir}\n`);
}
