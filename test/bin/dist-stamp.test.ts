/**
 * The stamp that decides whether bin/efs-encrypt.js may run dist/: any file the build read that
 * changed, grew, shrank or went since makes dist/ stale, with a reason naming it.
 */
import { mkdtemp, rm, utimes, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { distFreshness, STAMP_FILE, stampOf } from '../../bin/dist-stamp.js';

let root = '';
const dist = () => join(root, 'dist');

async function stamp(files: string[]): Promise<void> {
  await mkdir(dist(), { recursive: true });
  await writeFile(join(dist(), STAMP_FILE), JSON.stringify(stampOf(root, files)));
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'dist-stamp-'));
  await mkdir(join(root, 'src'));
  await writeFile(join(root, 'src/a.ts'), 'export const a = 1;\n');
  await writeFile(join(root, 'src/b.ts'), 'export const b = 2;\n');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('distFreshness', () => {
  it('is fresh while every stamped file is as the build read it', async () => {
    await stamp(['src/a.ts', 'src/b.ts']);
    expect(distFreshness(root, dist())).toEqual({ fresh: true });
  });

  it('is stale without a stamp (no build, or one that stopped half-way)', () => {
    expect(distFreshness(root, dist())).toEqual({ fresh: false, reason: 'no compiled build in dist/' });
  });

  it('is stale when a source was edited, even to the same size', async () => {
    await stamp(['src/a.ts', 'src/b.ts']);
    await writeFile(join(root, 'src/b.ts'), 'export const b = 3;\n');
    // Set the time explicitly: a rewrite within the file system's timestamp granularity is not enough.
    await utimes(join(root, 'src/b.ts'), new Date(), new Date(Date.now() + 5_000));
    expect(distFreshness(root, dist())).toEqual({
      fresh: false,
      reason: 'src/b.ts changed since dist/ was built',
    });
  });

  it('is stale when a source is older than it was (a checkout of an earlier version)', async () => {
    await stamp(['src/a.ts']);
    await utimes(join(root, 'src/a.ts'), new Date(0), new Date(0));
    expect(distFreshness(root, dist())).toMatchObject({
      fresh: false,
      reason: 'src/a.ts changed since dist/ was built',
    });
  });

  it('is stale when a source is gone', async () => {
    await stamp(['src/a.ts', 'src/b.ts']);
    await rm(join(root, 'src/a.ts'));
    expect(distFreshness(root, dist())).toEqual({
      fresh: false,
      reason: 'src/a.ts is gone since dist/ was built',
    });
  });

  it('is stale when the stamp is of another format', async () => {
    await mkdir(dist(), { recursive: true });
    await writeFile(join(dist(), STAMP_FILE), JSON.stringify({ version: 0, files: {} }));
    expect(distFreshness(root, dist())).toMatchObject({ fresh: false });
  });
});
