#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx's loader, so a fresh clone works after `npm ci`
// with no build step and no stale output.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
