// Whether dist/ may be run: it must hold a build of exactly the sources on disk now. The build
// (bin/build-dist.js) records the size and mtime of every file it compiled or copied; any file
// changed, added to an import or deleted since makes the stamp differ, and the CLI then runs the
// sources instead, so nothing stale is ever run. Plain JavaScript: it runs before any loader.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const STAMP_FILE = 'build-stamp.json';
const STAMP_VERSION = 1;

/** The stamp's record of one input file; the launcher compares it with a fresh stat. */
export function fileMark(path) {
  const s = statSync(path);
  return `${s.size}:${s.mtimeMs}`;
}

/** The stamp the build writes: `files` maps a path relative to `root` to its fileMark. */
export function stampOf(root, relativePaths) {
  const files = {};
  for (const rel of [...relativePaths].sort()) files[rel] = fileMark(join(root, rel));
  return { version: STAMP_VERSION, files };
}

/**
 * `{ fresh: true }` when `distDir` holds a build of the files under `root` as they are now, else
 * `{ fresh: false, reason }` saying what differs (the first difference found).
 */
export function distFreshness(root, distDir) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(distDir, STAMP_FILE), 'utf8'));
  } catch {
    return { fresh: false, reason: 'no compiled build in dist/' };
  }
  if (stamp?.version !== STAMP_VERSION || typeof stamp.files !== 'object' || stamp.files === null)
    return { fresh: false, reason: 'dist/ was built by another version of the build' };
  for (const [rel, mark] of Object.entries(stamp.files)) {
    let now;
    try {
      now = fileMark(join(root, rel));
    } catch {
      return { fresh: false, reason: `${rel} is gone since dist/ was built` };
    }
    if (now !== mark) return { fresh: false, reason: `${rel} changed since dist/ was built` };
  }
  return { fresh: true };
}
