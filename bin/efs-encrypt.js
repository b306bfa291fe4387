#!/usr/bin/env -S node --max-semi-space-size=8
// A young generation of 2 × 8 MB instead of V8's 2 × 16 MB: a scan allocates fast and mostly
// short-lived (SDK requests and answers), and the larger one only raised the resident set (18 MB
// at 1,000 file systems, 24 MB at 10,000; issue 19) at no measurable gain in CPU. V8 fixes it when
// the process starts, so it is set here (`npx efs-encrypt`; the Dockerfile's entry point repeats it).
// Runs the compiled CLI in dist/ (built by `npm ci` through `prepare`, or `npm run build`) when it
// was built from the sources as they are now; otherwise the TypeScript sources through tsx's
// loader, which compiles every file at each start (seconds instead of a fraction of one).
import module from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distFreshness } from './dist-stamp.js';

// The lockfile pins AWS SDK releases that support Node 20 (see README); their notice about later
// releases is for upgraders, not for every run of this command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Node 22.1+ keeps the compiled code of every module it loads (ours and the SDK's) between runs;
// on Node 20 this is a no-op.
module.enableCompileCache?.();

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = distFreshness(root, join(root, 'dist'));
let main;
if (dist.fresh) {
  ({ main } = await import('../dist/cli.js'));
} else {
  process.stderr.write(
    `efs-encrypt: ${dist.reason}; running the TypeScript sources (slow start). \`npm run build\` compiles them.\n`,
  );
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv);
