#!/usr/bin/env node
// `npm run build:lambda`: the one bundle the CDK stack's three functions share (dist-lambda/index.mjs,
// exports slackHandler, workerHandler, tickHandler). On Lambda the store is DynamoDB, so the embedded
// store's native modules stay out; the SDK clients Lambda's Node runtime provides are bundled anyway,
// so the versions are the lockfile's, not whatever the runtime carries.
import { rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = resolve(ROOT, 'dist-lambda');
rmSync(OUT, { recursive: true, force: true });
await build({
  entryPoints: { index: resolve(ROOT, 'src/lambda/index.ts') },
  outdir: OUT,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  splitting: true,
  minify: false,
  sourcemap: 'linked',
  external: ['dynalite', 'classic-level', 'tsx', 'tsx/*'],
  // CommonJS dependencies (Bolt, commander) call require(): give the ES module one.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: 'warning',
});
process.stdout.write(`efs-encrypt: Lambda bundle written to ${OUT}\n`);
