import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bindVerifyScript,
  parseVerificationSummary,
  rsyncScriptPath,
  rsyncScripts,
  type VerifyBinding,
  type RsyncScriptName,
} from '../../../../src/workflow/copy/rsync/index.ts';
import {
  NEWLINE_NAME,
  SPARSE_SIZE,
  buildSourceTree,
  canAcl,
  canXattr,
  has,
  isRoot,
  sh,
} from './tree-fixture.ts';

/**
 * The shipped copy.sh and verify.sh, byte for byte, against two local trees: initial copy, changes,
 * incremental, final with deletions, verification, and differences planted in the target.
 * Facts are checked directly on the target too, so the test does not rest on verify.sh alone.
 */

const hasTools = has('rsync') && has('fpart');
if (!hasTools)
  console.warn(
    'SKIP rsync scripts: rsync and fpart are not installed (.ci/run installs them: apt-get install rsync fpart acl attr)',
  );
if (hasTools && !canXattr) console.warn('SKIP xattr checks: setfattr/getfattr not installed (package attr)');
if (hasTools && !canAcl) console.warn('SKIP ACL checks: setfacl/getfacl not installed (package acl)');
if (hasTools && !isRoot) console.warn('SKIP owner checks: chown to other users needs root');

const BINDING: VerifyBinding = {
  migrationId: 'FS#111122223333#eu-west-1#fs-0123456789abcdef0',
  sourceFileSystemId: 'fs-0123456789abcdef0',
  targetFileSystemId: 'fs-0fedcba9876543210',
  nonce: '8d2f6c1b0a9e4d7c3b5a2f1e0d9c8b7a',
};

/** The shipped script, except verify.sh: the copy bound to BINDING, as a runbook ships it. */
function scriptPath(script: RsyncScriptName): string {
  if (script !== 'verify.sh') return rsyncScriptPath(script);
  const path = join(work, 'bound-verify.sh');
  if (!fs.existsSync(path)) {
    const template = rsyncScripts().find((x) => x.name === 'verify.sh')!.content;
    fs.writeFileSync(path, bindVerifyScript(template, BINDING), { mode: 0o755 });
  }
  return path;
}

function run(script: RsyncScriptName, args: string[], path = scriptPath(script)) {
  const r = spawnSync('bash', [path, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, all: `${r.stdout}\n${r.stderr}` };
}

let work: string;
let src: string;
let dst: string;
let logs: string;

const copy = (mode: string, ...extra: string[]) =>
  run('copy.sh', ['--jobs', '4', '--log-dir', logs, ...extra, mode, src, dst]);
const verify = (...extra: string[]) =>
  run('verify.sh', ['--jobs', '4', '--log-dir', join(work, 'verify-logs'), ...extra, src, dst]);
const s = (rel: string) => join(src, rel);
const d = (rel: string) => join(dst, rel);
const getfattr = (path: string) =>
  spawnSync('getfattr', ['-h', '-d', '-m', '-', '--absolute-names', '--', path], { encoding: 'utf8' }).stdout;

describe.skipIf(!hasTools)('copy.sh and verify.sh on local trees', () => {
  beforeAll(() => {
    work = fs.mkdtempSync(join(tmpdir(), 'efs-rsync-'));
    src = join(work, 'source tree');
    dst = join(work, 'target');
    logs = join(work, 'logs');
    fs.mkdirSync(src);
    fs.mkdirSync(dst);
    buildSourceTree(src);
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it('initial copy: the target matches the source in every preserved property', () => {
    const r = copy('initial');
    expect(r.status, r.all).toBe(0);
    expect(r.stdout).toMatch(/bulk phase: \d+ partitions \(files lists\)/); // fpart partitions
    expect(r.stdout).toContain('copy.sh initial: OK');

    // Hard links split across partitions were re-linked by the reconcile pass.
    const ino = (p: string) => fs.statSync(p).ino;
    expect(ino(d('b/y'))).toBe(ino(d('a/x')));
    expect(ino(d('b/sub/z'))).toBe(ino(d('a/x')));
    expect(ino(d('b/pair-2'))).toBe(ino(d('b/pair-1')));
    expect(ino(d('b/pair-1'))).not.toBe(ino(d('a/x')));
    // Modes, special bits, symlinks (dangling too), FIFO, names.
    const mode = (p: string) => (fs.lstatSync(p).mode & 0o7777).toString(8);
    expect(mode(d('private/nobody-reads'))).toBe('0');
    expect(mode(d('private'))).toBe('700');
    expect(mode(d('shared'))).toBe('1777');
    expect(mode(d('setgid'))).toBe('2775');
    expect(mode(d('setuid-tool'))).toBe('4755');
    expect(fs.readlinkSync(d('dangling'))).toBe('nowhere/missing');
    expect(fs.readlinkSync(d('absolute-link'))).toBe('/nonexistent/absolute');
    expect(fs.lstatSync(d('link-to-dir')).isSymbolicLink()).toBe(true);
    expect(fs.lstatSync(d('pipe')).isFIFO()).toBe(true);
    expect(fs.readFileSync(d(NEWLINE_NAME), 'utf8')).toBe('newline in the name\n');
    expect(fs.readFileSync(d('données/été ☀.txt'), 'utf8')).toBe('unicode\n');
    expect(fs.existsSync(d('-n/--help'))).toBe(true);
    expect(fs.readdirSync(d('nested/empty/deeper'))).toEqual([]);
    // Timestamps, sparse and dense files.
    expect(fs.statSync(d('dir with space/file one.txt')).mtime.toISOString()).toBe(
      '2001-02-03T04:05:06.000Z',
    );
    expect(fs.statSync(d('nested/empty')).mtime.toISOString()).toBe('2001-02-03T04:05:06.000Z');
    const sparse = fs.statSync(d('sparse.img'));
    expect(sparse.size).toBe(SPARSE_SIZE);
    expect(sparse.blocks * 512).toBeLessThan(1024 * 1024);
    expect(fs.readFileSync(d('dense.bin')).equals(fs.readFileSync(s('dense.bin')))).toBe(true);
    if (isRoot) {
      expect(fs.statSync(d('a/x'))).toMatchObject({ uid: 1234, gid: 5678 });
      expect(fs.statSync(d('private'))).toMatchObject({ uid: 4321, gid: 4321 });
      expect(fs.lstatSync(d('dangling'))).toMatchObject({ uid: 999, gid: 999 });
    }
    if (canXattr) {
      expect(getfattr(d('dir with space/file one.txt'))).toContain('user.comment="keep me"');
      expect(fs.readdirSync(dst).some((n) => n.startsWith('.efs-encrypt-probe'))).toBe(false);
    }
    if (canAcl)
      expect(spawnSync('getfacl', ['-p', d('shared')], { encoding: 'utf8' }).stdout).toContain(
        'default:user:1234:rwx',
      );

    const v = verify();
    expect(v.status, v.all).toBe(0);
    const summary = parseVerificationSummary(v.stdout);
    expect(summary).toMatchObject({ clean: true, differences: 0, sample: [] });
    expect(summary.sourceEntries).toBe(summary.targetEntries);
    expect(summary.sourceEntries).toBeGreaterThan(30);
    if (canXattr) expect(summary.compared).toContain('xattrs');

    // The summary names what the script was bound to, and counts that can be checked.
    expect(summary).toMatchObject({
      migrationId: BINDING.migrationId,
      sourceFileSystemId: BINDING.sourceFileSystemId,
      targetFileSystemId: BINDING.targetFileSystemId,
      nonce: BINDING.nonce,
    });
    // find(1) lists each path once and does not follow symlinks (Node's recursive readdir does).
    const fileBytes = (root: string): number =>
      spawnSync('find', [root, '-type', 'f', '-printf', '%s\\n'], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter(Boolean)
        .reduce((n, size) => n + Number(size), 0);
    // Every regular file once per path (hard links count each time, as the manifest lists paths).
    expect(summary.sourceBytes).toBe(fileBytes(src));
    expect(summary.targetBytes).toBe(summary.sourceBytes);
    expect(summary.sourceBytes).toBeGreaterThan(SPARSE_SIZE); // logical size, holes included
    const runDir = v.stderr.match(/manifests, differences and summary: (.*)$/m)![1]!;
    const digest = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    expect(summary.sourceManifestSha256).toBe(digest(join(runDir, 'source/manifest')));
    expect(summary.targetManifestSha256).toBe(digest(join(runDir, 'target/manifest')));
    expect(fs.readFileSync(join(runDir, 'summary'), 'utf8')).toContain(`nonce: ${BINDING.nonce}\n`);
  });

  it('the unbound template refuses to run: only a verify.sh generated for a migration prints a summary', () => {
    const r = run(
      'verify.sh',
      ['--log-dir', join(work, 'verify-logs'), src, dst],
      rsyncScriptPath('verify.sh'),
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('this verify.sh is not bound to a migration');
    expect(r.stdout).not.toContain('== efs-encrypt verification summary ==');
    expect(run('verify.sh', ['--help'], rsyncScriptPath('verify.sh')).status).toBe(0);
  });

  it('incremental copies changes without deleting; final deletes; verify is clean again', () => {
    fs.appendFileSync(s('a/x'), 'changed through one of three links\n');
    fs.rmSync(s('dir with space/file one.txt'));
    fs.rmSync(s('gone'), { recursive: true }); // a whole top-level directory
    fs.mkdirSync(s('new dir'));
    fs.writeFileSync(s('new dir/fresh.txt'), 'new\n');
    fs.linkSync(s('new dir/fresh.txt'), s('a/fresh-link')); // a new cross-directory hard link
    fs.chmodSync(s('private/script'), 0o750);
    if (isRoot) fs.chownSync(s('b/pair-1'), 77, 88);

    const inc = copy('incremental');
    expect(inc.status, inc.all).toBe(0);
    expect(fs.readFileSync(d('b/sub/z'), 'utf8')).toContain('changed through one of three links');
    expect(fs.statSync(d('a/fresh-link')).ino).toBe(fs.statSync(d('new dir/fresh.txt')).ino);
    expect(fs.existsSync(d('gone/inner/old.txt'))).toBe(true); // incremental never deletes

    const between = verify();
    expect(between.status).toBe(1);
    expect(between.stdout).toContain('only in target: ./gone/inner/old.txt (f)');
    expect(between.stdout).toContain('only in target: ./dir with space/file one.txt (f)');

    // The final dry run lists the deletions and changes nothing.
    const dry = copy('final', '--dry-run');
    expect(dry.status, dry.all).toBe(0);
    expect(dry.stdout).toMatch(/\*deleting +gone\/inner\/old\.txt/);
    expect(fs.existsSync(d('gone/inner/old.txt'))).toBe(true);

    const fin = copy('final');
    expect(fin.status, fin.all).toBe(0);
    expect(fs.existsSync(d('gone'))).toBe(false);
    expect(fs.existsSync(d('dir with space/file one.txt'))).toBe(false);
    expect((fs.statSync(d('private/script')).mode & 0o777).toString(8)).toBe('750');
    if (isRoot) expect(fs.statSync(d('b/pair-2'))).toMatchObject({ uid: 77, gid: 88 });

    const v = verify();
    expect(v.status, v.all).toBe(0);
    expect(parseVerificationSummary(v.stdout)).toMatchObject({ clean: true, differences: 0 });
  });

  it('verify catches planted differences and prints each of them', () => {
    // Same size and mtime, different bytes: rsync's quick check would miss it, the checksum does not.
    const target = d('données/été ☀.txt');
    const { mtime } = fs.statSync(target);
    fs.writeFileSync(target, 'UNICODE\n');
    fs.utimesSync(target, mtime, mtime);
    fs.chmodSync(d('-rf'), 0o600);
    fs.rmSync(d(NEWLINE_NAME));
    fs.writeFileSync(d('tab\there'), 'not the same length\n');
    fs.writeFileSync(d('extra file'), 'planted\n');
    fs.rmSync(d('b/y')); // break a hard-link group: b/y becomes a separate copy
    fs.writeFileSync(d('b/y'), fs.readFileSync(d('a/x')));
    fs.rmSync(d('link-to-x'));
    fs.symlinkSync('a/elsewhere', d('link-to-x'));
    if (isRoot) fs.chownSync(d('setuid-tool'), 1, 1);
    if (canXattr) sh('setfattr', ['-x', 'user.binary', '--', d('dense.bin')]);
    // Planting touched two directories; pin their times so the expected list does not depend on
    // whether the test crossed a second boundary.
    const later = new Date('2030-01-01T00:00:00Z');
    fs.utimesSync(dst, later, later);
    fs.utimesSync(d('b'), later, later);

    const v = verify('--sample', '3');
    expect(v.status).toBe(1);
    const out = v.stdout;
    expect(out).toMatch(/differs: \.\/données\/été ☀\.txt: content [0-9a-f]{64} -> [0-9a-f]{64}/);
    expect(out).toContain('differs: ./-rf: mode 0644 -> 0600');
    expect(out).toContain('only in source: ./line\\nbreak.txt (f)');
    expect(out).toMatch(/differs: \.\/tab\\there: size 16 -> 20; mtime \d+ -> \d+; content/);
    expect(out).toContain('only in target: ./extra file (f)');
    expect(out).toMatch(/differs: \.\/b\/y: .*hardlink \.\/a\/x -> -/);
    // Planting changed the directories' times too: verify reports those as well.
    expect(out).toMatch(/differs: \.\/b: mtime \d+ -> 1893456000/);
    expect(out).toMatch(/differs: \.: mtime \d+ -> 1893456000/);
    expect(out).toMatch(/differs: \.\/link-to-x: symlink a\/x -> a\/elsewhere/);
    if (isRoot) expect(out).toContain('differs: ./setuid-tool: mode 04755 -> 0755; owner 0:0 -> 1:1'); // chown clears setuid
    if (canXattr) expect(out).toMatch(/differs: \.\/dense\.bin: xattrs user\.binary=0x00ff10 -> -/);

    const summary = parseVerificationSummary(out);
    expect(summary.sourceManifestSha256).not.toBe(summary.targetManifestSha256);
    expect(summary.targetBytes).not.toBe(summary.sourceBytes);
    const expected = 9 + (isRoot ? 1 : 0) + (canXattr ? 1 : 0);
    expect(summary.clean).toBe(false);
    expect(summary.differences).toBe(expected);
    expect(summary.sample).toHaveLength(3);
    expect(out.split('\n').filter((l) => /^(differs|only in)/.test(l))).toHaveLength(expected);
  });

  it('a fresh target copied with top-level partitions verifies clean too', () => {
    const other = join(work, 'target-toplevel');
    fs.mkdirSync(other);
    const r = run('copy.sh', [
      '--jobs',
      '3',
      '--partitioner',
      'toplevel',
      '--log-dir',
      logs,
      'initial',
      src,
      other,
    ]);
    expect(r.status, r.all).toBe(0);
    expect(r.stdout).toMatch(/partitions \(recursive lists\)/);
    const v = run('verify.sh', ['--log-dir', join(work, 'verify-logs'), src, other]);
    expect(v.status, v.all).toBe(0);
    expect(fs.statSync(join(other, 'b/y')).ino).toBe(fs.statSync(join(other, 'a/x')).ino);
  });

  it('refuses the classic accidents before writing anything', () => {
    const empty = join(work, 'empty-mount-point');
    fs.mkdirSync(empty);
    const r1 = run('copy.sh', ['--log-dir', logs, 'final', empty, dst]);
    expect(r1.status).toBe(2);
    expect(r1.stderr).toContain('is empty: is the source file system mounted?');
    expect(fs.existsSync(d('a/x'))).toBe(true);

    expect(run('copy.sh', ['--log-dir', logs, 'initial', src, src]).stderr).toContain(
      'are the same directory',
    );
    expect(run('copy.sh', ['--log-dir', logs, 'initial', src, s('a')]).stderr).toContain('is inside SOURCE');
    const r4 = run('copy.sh', ['--log-dir', logs, '--require-mounts', 'initial', src, dst]);
    expect(r4.status).toBe(2);
    expect(r4.stderr).toContain('is not a mount point');
    expect(run('copy.sh', ['sideways', src, dst]).stderr).toContain(
      "mode must be initial, incremental or final, not 'sideways'",
    );
    expect(run('copy.sh', ['--log-dir', s('logs'), 'initial', src, dst]).stderr).toContain(
      'must be outside SOURCE and TARGET',
    );
    expect(fs.existsSync(s('logs'))).toBe(false);
  });

  it('--max-delete stops a final pass that would delete more than allowed', () => {
    const small = join(work, 'max-delete');
    fs.mkdirSync(join(small, 'src'), { recursive: true });
    fs.mkdirSync(join(small, 'dst'));
    fs.writeFileSync(join(small, 'src/keep'), 'keep\n');
    for (const n of ['x1', 'x2', 'x3']) fs.writeFileSync(join(small, 'dst', n), 'only in target\n');
    const r = run('copy.sh', [
      '--log-dir',
      logs,
      '--max-delete',
      '1',
      'final',
      join(small, 'src'),
      join(small, 'dst'),
    ]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('more than 1 deletions; nothing more was deleted');
    expect(r.stdout).toContain('copy.sh final: FAILED');
    expect(fs.readdirSync(join(small, 'dst')).filter((n) => n.startsWith('x'))).toHaveLength(2);
  });

  it('mount-efs.sh dry run mounts the source read-only over TLS with IAM, and checks its input', () => {
    const r = run('mount-efs.sh', ['--dry-run', 'fs-0123456789abcdef0', 'fs-0fedcba9876543210']);
    expect(r.status, r.all).toBe(0);
    expect(r.stdout).toContain('+ dnf install -y amazon-efs-utils rsync attr acl');
    expect(r.stdout).toContain('+ mount -t efs -o tls,iam,ro fs-0123456789abcdef0:/ /mnt/efs-src');
    expect(r.stdout).toContain('+ mount -t efs -o tls,iam fs-0fedcba9876543210:/ /mnt/efs-dst');
    expect(
      run('mount-efs.sh', [
        '--dry-run',
        '--no-iam',
        '--no-install',
        'fs-0123456789abcdef0',
        'fs-0fedcba9876543210',
      ]).stdout,
    ).toContain('+ mount -t efs -o tls,ro fs-0123456789abcdef0:/ /mnt/efs-src');
    const bad = run('mount-efs.sh', ['--dry-run', 'fs-0123456789abcdef0', 'my-target']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("'my-target' is not a file system ID");
    expect(
      run('mount-efs.sh', ['--dry-run', 'fs-0123456789abcdef0', 'fs-0123456789abcdef0']).stderr,
    ).toContain('are the same file system');
  });
});
