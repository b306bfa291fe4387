/**
 * How long commands show progress: a live status line (bar, counts, ETA) with coloured messages
 * above it on a terminal, plain lines on a pipe or in CI, problems only with --quiet, and no
 * colour with NO_COLOR. The terminal is a fake TTY stream: isTTY, columns and the cursor calls
 * yocto-spinner makes.
 */
import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { colorsFor } from '../../../src/cli/output/colors.ts';
import { liveIoHost, type ProgressOutput } from '../../../src/cli/output/live-io-host.ts';
import { progressOutput } from '../../../src/cli/output/progress-output.ts';
import type { CliIo } from '../../../src/cli/cli-io.ts';
import type { IoLevel, IoMessage } from '../../../src/workflow/io-host.ts';

class FakeStream extends Writable {
  readonly chunks: string[] = [];
  constructor(
    readonly isTTY: boolean,
    readonly columns = 120,
  ) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void) {
    this.chunks.push(chunk.toString());
    done();
  }
  cursorTo() {
    return true;
  }
  moveCursor() {
    return true;
  }
  clearLine() {
    return true;
  }
  get text() {
    return this.chunks.join('');
  }
  get plain() {
    return stripVTControlCharacters(this.text);
  }
}

const msg = (level: IoLevel, code: string, message: string, data?: unknown): IoMessage => ({
  level,
  code,
  message,
  data,
  time: new Date(0),
});

const scanMessages = [
  msg('info', 'scan.started', 'Scanning 2 account(s) in 2 region(s)', {
    accounts: ['111111111111', '222222222222'],
    regions: ['eu-west-1', 'us-east-1'],
  }),
  msg('progress', 'scan.region.done', '111111111111 eu-west-1: 3 file system(s), 1 unencrypted', {
    accountId: '111111111111',
    region: 'eu-west-1',
    fileSystems: 3,
    unencrypted: 1,
  }),
  msg('warn', 'scan.failure', 'Could not scan 222222222222: AssumeRole failed with AccessDenied', {
    failure: { accountId: '222222222222', operation: 'AssumeRole', code: 'AccessDenied' },
  }),
];
const scanFinished = msg('info', 'scan.finished', 'Scan s1: 3 file system(s), 1 unencrypted, 1 failure(s)');

// yocto-spinner draws only where CI is unset (as progressOutput decides); CI runs these tests with CI=true.
let savedCi: string | undefined;
let output: ProgressOutput | undefined;
beforeEach(() => {
  savedCi = process.env.CI;
  delete process.env.CI;
});
afterEach(() => {
  output?.stop();
  output = undefined;
  if (savedCi !== undefined) process.env.CI = savedCi;
});

function cliIo(errStream: FakeStream, env: Record<string, string | undefined> = {}) {
  const err: string[] = [];
  const io: CliIo = { out: () => {}, err: (t) => err.push(t), env, errStream: errStream as never };
  return { io, err };
}

describe('on a terminal', () => {
  it('draws a status line with a bar, counts and the ETA, and keeps warnings above it in yellow', async () => {
    const tty = new FakeStream(true);
    let now = 0;
    output = liveIoHost(tty as never, { colors: colorsFor(tty, {}), now: () => now });
    await output.notify(scanMessages[0]!);
    now = 10_000;
    await output.notify(scanMessages[1]!);
    // One of four pairs in 10 s: 30 s to go.
    expect(tty.plain).toContain('Scanning ');
    expect(tty.plain).toContain('1/4 account/region pairs · ETA 30s · 3 file systems · 1 unencrypted');
    expect(tty.plain).not.toContain('111111111111 eu-west-1: 3 file system(s)');
    await output.notify(scanMessages[2]!);
    // The blocked account's two regions count as done: none of them will report.
    expect(tty.plain).toContain('3/4 account/region pairs');
    expect(tty.text).toContain('\u001b[33mwarning: Could not scan 222222222222');
    expect(tty.text).toContain('\u001b[31m1 failed');
    await output.notify(scanFinished);
    expect(tty.text).toContain('\u001b[32mScan s1: 3 file system(s)');
    // The spinner stopped by itself when the scan ended: the cursor is back.
    expect(tty.text.lastIndexOf('\u001b[?25h')).toBeGreaterThan(tty.text.lastIndexOf('Scanning '));
  });

  it('counts a build in steps over every file system and shows errors in red', async () => {
    const tty = new FakeStream(true);
    let now = 0;
    output = liveIoHost(tty as never, { colors: colorsFor(tty, {}), now: () => now });
    const steps = ['check-key', 'create-file-system', 'wait-file-system', 'validate'];
    const a = { migrationId: 'FS#1#eu-west-1#fs-a', steps };
    const b = { migrationId: 'FS#1#eu-west-1#fs-b', steps };
    await output.notify(msg('info', 'build.started', 'Building the encrypted twin of fs-a', a));
    await output.notify(msg('info', 'build.started', 'Building the encrypted twin of fs-b', b));
    now = 4_000;
    await output.notify(msg('progress', 'build.step.done', 'key checked', { ...a, step: 'check-key' }));
    await output.notify(msg('progress', 'build.step.done', 'created', { ...a, step: 'create-file-system' }));
    expect(tty.plain).toContain('Building ');
    expect(tty.plain).toContain('2/8 steps · ETA 12s · 0/2 twins ready · fs-a: create-file-system done');
    await output.notify(msg('error', 'build.failed', "Build of fs-b's twin failed at check-key: denied", b));
    expect(tty.text).toContain("\u001b[31merror: Build of fs-b's twin failed at check-key: denied");
    expect(tty.plain).toContain('6/8 steps');
    await output.notify(msg('info', 'build.succeeded', 'Encrypted twin fs-t of fs-a is ready', a));
    expect(tty.text).toContain('\u001b[32mEncrypted twin fs-t of fs-a is ready');
  });

  it("follows a DataSync copy by its percentage and the copy's own ETA", async () => {
    const tty = new FakeStream(true);
    output = liveIoHost(tty as never, { colors: colorsFor(tty, {}) });
    const data = {
      migrationId: 'FS#1#eu-west-1#fs-a',
      fileSystemId: 'fs-a',
      method: 'datasync',
      kind: 'initial',
    };
    await output.notify(msg('info', 'copy.started', 'Initial copy of fs-a by datasync started', data));
    await output.notify(
      msg('progress', 'copy.progress', 'fs-a initial: 42%', {
        ...data,
        progress: { phase: 'TRANSFERRING', percent: 42, etaMs: 125_000 },
      }),
    );
    expect(tty.plain).toContain('Copying ');
    expect(tty.plain).toContain('42% · ETA 2m 05s · fs-a datasync TRANSFERRING');
  });

  it('cuts the status line to the terminal width', async () => {
    const tty = new FakeStream(true, 50);
    output = liveIoHost(tty as never, { colors: colorsFor(tty, {}) });
    await output.notify(scanMessages[0]!);
    // Each frame is one write: the spinner, a space, the status line.
    const frames = tty.chunks.map((c) => stripVTControlCharacters(c)).filter((c) => c.includes('░'));
    expect(frames.length).toBeGreaterThan(0);
    for (const frame of frames) expect(frame.length).toBeLessThanOrEqual(50);
    expect(frames[0]).toMatch(/Scanning ░+ 0\/4 acc[a-z/]*…$/);
  });

  it('progressOutput draws live on a TTY, with no colour under NO_COLOR', async () => {
    const tty = new FakeStream(true);
    const { io, err } = cliIo(tty, { NO_COLOR: '1' });
    output = progressOutput(io);
    for (const m of scanMessages) await output.notify(m);
    expect(err).toEqual([]);
    expect(tty.plain).toContain('1 failed');
    expect(tty.text).not.toContain('\u001b[31m1 failed');
    expect(tty.text).not.toContain('\u001b[33mwarning');
  });
});

describe('plain lines', () => {
  it('on a pipe: one line per message, progress included, no colour, nothing drawn', async () => {
    const pipe = new FakeStream(false);
    const { io, err } = cliIo(pipe);
    output = progressOutput(io);
    for (const m of [...scanMessages, scanFinished]) await output.notify(m);
    expect(err).toEqual([
      '  Scanning 2 account(s) in 2 region(s)\n',
      '  111111111111 eu-west-1: 3 file system(s), 1 unencrypted\n',
      '  warning: Could not scan 222222222222: AssumeRole failed with AccessDenied\n',
      '  Scan s1: 3 file system(s), 1 unencrypted, 1 failure(s)\n',
    ]);
    expect(pipe.chunks).toEqual([]);
  });

  it('in CI, even on a TTY', async () => {
    const tty = new FakeStream(true);
    const { io, err } = cliIo(tty, { CI: 'true' });
    output = progressOutput(io);
    await output.notify(scanMessages[0]!);
    expect(err).toEqual(['  Scanning 2 account(s) in 2 region(s)\n']);
    expect(tty.chunks).toEqual([]);
  });

  it('with --quiet: warnings and errors only, even on a terminal', async () => {
    const tty = new FakeStream(true);
    const { io, err } = cliIo(tty);
    output = progressOutput(io, { quiet: true });
    for (const m of [...scanMessages, scanFinished]) await output.notify(m);
    expect(err.map((l) => stripVTControlCharacters(l))).toEqual([
      '  warning: Could not scan 222222222222: AssumeRole failed with AccessDenied\n',
    ]);
    // On a terminal the warning is still yellow.
    expect(err[0]).toContain('\u001b[33m');
    expect(tty.chunks).toEqual([]);
  });
});
