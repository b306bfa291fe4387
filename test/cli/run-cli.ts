import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { NO_AWS_FILES, restoreEnv } from '../harness/sdk-env.ts';

/**
 * Runs `efs-encrypt` in this process and keeps what it printed. The runtime writes the estate's
 * endpoints into process.env (the SDK reads them there), so test files that call this also call
 * restoreEnvAfterEach or useCliWorkspace.
 */
export async function runCli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'efs-encrypt', ...args], {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env: process.env,
  });
  return { code, out: out.join(''), err: err.join('') };
}

/** Puts process.env back as it was when the test file loaded, after every test. */
export function restoreEnvAfterEach(): void {
  const saved = { ...process.env };
  afterEach(() => restoreEnv(saved));
}

/** Variables through which the developer's own AWS setup or a previous test could leak in. */
const AMBIENT_VARIABLES = [
  'AWS_PROFILE',
  'AWS_SESSION_TOKEN',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_REGION',
  'EFS_ENCRYPT_TABLE',
  'AWS_ENDPOINT_URL_DATASYNC',
];

export interface CliWorkspace {
  /** A path inside the running test's temporary directory; the embedded store lives at path('store'). */
  path(...segments: string[]): string;
}

/**
 * Gives each test a fresh temporary directory holding the CLI's embedded store
 * (EFS_ENCRYPT_DATA_DIR), with AWS config files and ambient credentials switched off;
 * removes it and restores process.env afterwards.
 */
export function useCliWorkspace(prefix: string): CliWorkspace {
  restoreEnvAfterEach();
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
    Object.assign(process.env, {
      ...NO_AWS_FILES,
      EFS_ENCRYPT_DATA_DIR: join(dir, 'store'),
      LOG_LEVEL: 'silent',
    });
    for (const k of AMBIENT_VARIABLES) delete process.env[k];
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return { path: (...segments) => join(dir, ...segments) };
}
