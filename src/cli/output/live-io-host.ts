import type { Writable } from 'node:stream';
// yocto-spinner: one small file and one dependency, maintained (2026 releases), Node 18.19+, and it
// keeps lines written to the stream above its status line. cli-progress has had no release since
// 2023; ora 10 and listr2 11 need Node 22 (this project supports 20), and listr2 wants to run the
// tasks itself, where our workflows report through an IoHost.
import yoctoSpinner, { type Spinner } from 'yocto-spinner';
import type { IoHost, IoMessage } from '../../workflow/io-host.ts';
import type { Colors } from './colors.ts';
import { createProgressTracker, formatDuration, type ProgressStatus } from './progress-tracker.ts';
import { messageLine } from './terminal-io-host.ts';

/** A terminal to draw on: what yocto-spinner moves the cursor with, and its width. */
export type TerminalStream = Writable & {
  isTTY?: boolean;
  columns?: number;
  cursorTo(x: number): boolean;
  moveCursor(dx: number, dy: number): boolean;
  clearLine(dir: -1 | 0 | 1): boolean;
};

/** An IoHost the command stops when it ends, so no spinner outlives it. */
export interface ProgressOutput extends IoHost {
  stop(): void;
}

const BAR_CELLS = 20;

function bar(done: number, total: number): string {
  const filled = total > 0 ? Math.min(BAR_CELLS, Math.round((done / total) * BAR_CELLS)) : 0;
  return `${'█'.repeat(filled)}${'░'.repeat(BAR_CELLS - filled)}`;
}

/**
 * `Scanning ████░░░░ 12/40 account/region pairs · ETA 8s · 1 failed · 87 file systems, 5 unencrypted`,
 * cut to the terminal's width (what matters first, so the cut takes the detail).
 */
export function statusLine(s: ProgressStatus, colors: Colors, width: number): string {
  const parts: { text: string; style?: (t: string) => string }[] = [
    {
      text:
        s.total !== undefined && s.done !== undefined
          ? `${s.activity} ${bar(s.done, s.total)} ${s.unit === '%' ? `${s.done}%` : `${s.done}/${s.total} ${s.unit ?? ''}`.trimEnd()}`
          : s.activity,
    },
  ];
  if (s.etaMs !== undefined) parts.push({ text: `ETA ${formatDuration(s.etaMs)}` });
  if (s.failed > 0) parts.push({ text: `${s.failed} failed`, style: colors.red });
  for (const d of s.detail) parts.push({ text: d, style: colors.dim });
  let line = '';
  let used = 0;
  for (const [i, p] of parts.entries()) {
    const sep = i === 0 ? '' : ' · ';
    const room = width - used - sep.length;
    if (room <= 1) break;
    const text = p.text.length > room ? `${p.text.slice(0, room - 1)}…` : p.text;
    line += sep + (p.style ? p.style(text) : text);
    used += sep.length + text.length;
  }
  return line;
}

/**
 * The CLI's IoHost on a terminal: a spinner with a status line (bar, counts, ETA) that follows
 * the work, and the messages worth keeping (started, finished, warnings, errors, in colour)
 * printed above it. Progress ticks only move the status line.
 */
export function liveIoHost(
  stream: TerminalStream,
  opts: { colors: Colors; verbose?: boolean; now?: () => number },
): ProgressOutput {
  const tracker = createProgressTracker(opts.now);
  let spinner: Spinner | undefined;
  const width = () => Math.max(20, (stream.columns || 80) - 3);

  return {
    async notify(msg: IoMessage) {
      if (msg.level === 'debug' && !opts.verbose) return;
      tracker.apply(msg);
      // Through the spinner's hook on the stream: it clears its line, the message stays above.
      if (msg.level !== 'progress' || opts.verbose) stream.write(messageLine(msg, opts.colors));
      const status = tracker.status();
      if (!status) {
        spinner?.stop();
        spinner = undefined;
        return;
      }
      const text = statusLine(status, opts.colors, width());
      if (spinner) spinner.text = text;
      else spinner = yoctoSpinner({ stream, text }).start();
    },
    stop() {
      spinner?.stop();
      spinner = undefined;
    },
  };
}
