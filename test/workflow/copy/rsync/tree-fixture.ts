import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';

/**
 * Builds a source tree with what a file system migration must carry: hard links across top-level
 * directories (so parallel partitions split them), symlinks (relative, absolute, dangling, to a
 * directory), a 50 MiB sparse file and an 8 MiB dense one, odd modes (0000, 0700, 1777, setuid,
 * setgid), numeric owners without passwd entries, names with spaces, unicode, a leading dash, a
 * newline, a tab and a backslash, empty directories, a FIFO, xattrs and ACLs where the machine
 * can set them, and fixed old timestamps.
 */

export function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

export const isRoot = process.getuid?.() === 0;
export const canXattr = has('setfattr') && has('getfattr');
export const canAcl = has('setfacl') && has('getfacl');

export function sh(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
}

export const NEWLINE_NAME = 'line\nbreak.txt';
export const SPARSE_SIZE = 50 * 1024 * 1024;
const OLD = new Date('2001-02-03T04:05:06Z');

export function buildSourceTree(root: string): void {
  const p = (...parts: string[]) => join(root, ...parts);
  const file = (rel: string, content: string | Buffer, mode = 0o644) => {
    fs.writeFileSync(p(rel), content);
    fs.chmodSync(p(rel), mode);
  };
  for (const d of [
    'a',
    'b/sub',
    'dir with space',
    'données',
    'empty',
    'nested/empty/deeper',
    'private',
    'shared',
    'setgid',
    'gone/inner',
    '-n',
  ])
    fs.mkdirSync(p(d), { recursive: true });

  file('a/x', 'linked content\n');
  fs.linkSync(p('a/x'), p('b/y')); // hard-link group across top-level directories
  fs.linkSync(p('a/x'), p('b/sub/z'));
  file('b/pair-1', 'same dir pair\n');
  fs.linkSync(p('b/pair-1'), p('b/pair-2'));
  file('dir with space/file one.txt', 'spaces\n');
  file('données/été ☀.txt', 'unicode\n');
  file('-rf', 'leading dash\n');
  file('-n/--help', 'more dashes\n');
  file(NEWLINE_NAME, 'newline in the name\n');
  file('tab\there', 'tab in the name\n');
  file('back\\slash', 'backslash in the name\n');
  file('private/nobody-reads', 'mode 0000\n', 0o000);
  file('private/script', '#!/bin/sh\necho hi\n', 0o755);
  file('setuid-tool', 'not really a tool\n', 0o4755);
  file('gone/inner/old.txt', 'will be deleted\n');
  file('dense.bin', randomBytes(8 * 1024 * 1024));

  // 50 MiB sparse: a hole, then 4 bytes at the end.
  const fd = fs.openSync(p('sparse.img'), 'w');
  fs.ftruncateSync(fd, SPARSE_SIZE);
  fs.writeSync(fd, 'tail', SPARSE_SIZE - 4);
  fs.closeSync(fd);

  fs.symlinkSync('a/x', p('link-to-x'));
  fs.symlinkSync('nowhere/missing', p('dangling'));
  fs.symlinkSync('/nonexistent/absolute', p('absolute-link'));
  fs.symlinkSync('b', p('link-to-dir'));
  sh('mkfifo', [p('pipe')]);

  fs.chmodSync(p('private'), 0o700);
  fs.chmodSync(p('shared'), 0o1777);
  fs.chmodSync(p('setgid'), 0o2775);

  if (isRoot) {
    fs.chownSync(p('a/x'), 1234, 5678);
    fs.chownSync(p('private'), 4321, 4321);
    fs.chownSync(p('private/nobody-reads'), 4321, 100);
    fs.lchownSync(p('dangling'), 999, 999);
    fs.chownSync(p('données'), 2000, 2000);
  }
  if (canXattr) {
    sh('setfattr', ['-n', 'user.comment', '-v', 'keep me', '--', p('dir with space/file one.txt')]);
    sh('setfattr', ['-n', 'user.binary', '-v', '0x00ff10', '--', p('dense.bin')]);
  }
  if (canAcl) {
    sh('setfacl', ['-m', 'u:1234:rwx,g:5678:rx', '--', p('shared')]);
    sh('setfacl', ['-d', '-m', 'u:1234:rwx', '--', p('shared')]);
  }

  // Fixed old times, deepest first so creating entries does not touch them again.
  const entries = listTree(root).sort((x, y) => y.split('/').length - x.split('/').length);
  for (const rel of entries) {
    const st = fs.lstatSync(p(rel));
    if (!st.isSymbolicLink() && !st.isFIFO()) fs.utimesSync(p(rel), OLD, OLD);
  }
  fs.utimesSync(root, OLD, OLD);
}

/** Every entry under root, relative, without following symlinks. */
export function listTree(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const d of fs.readdirSync(join(root, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${d.name}` : d.name;
    out.push(child);
    if (d.isDirectory()) out.push(...listTree(root, child));
  }
  return out;
}
