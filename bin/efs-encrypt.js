#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx's loader, so a fresh clone works after `npm ci`
// with no build step and no stale output.
import { register } from 'tsx/esm/api';

// The lockfile pins AWS SDK releases that support Node 20 (see README); their notice about later
// releases is for upgraders, not for every run of this command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
