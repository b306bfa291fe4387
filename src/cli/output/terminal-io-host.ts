import type { IoHost, IoMessage } from '../../workflow/io-host.ts';
import type { Colors } from './colors.ts';

/** Codes that say something finished well: shown in green. */
const DONE = /\.(succeeded|done|finished)$/;

/** One message as a line: errors red, warnings yellow, finished work green, the rest plain. */
export function messageLine(msg: IoMessage, colors?: Colors): string {
  if (msg.level === 'error')
    return `  ${colors ? colors.red(`error: ${msg.message}`) : `error: ${msg.message}`}\n`;
  if (msg.level === 'warn')
    return `  ${colors ? colors.yellow(`warning: ${msg.message}`) : `warning: ${msg.message}`}\n`;
  if (colors && DONE.test(msg.code)) return `  ${colors.green(msg.message)}\n`;
  return `  ${msg.message}\n`;
}

/**
 * The CLI's plain IoHost: one line per message on stderr (stdout is kept for the command's output),
 * for a pipe, a file, CI or --quiet (`problemsOnly`: warnings and errors alone).
 */
export function terminalIoHost(
  write: (text: string) => void,
  opts: { verbose?: boolean; colors?: Colors; problemsOnly?: boolean } = {},
): IoHost {
  return {
    async notify(msg: IoMessage) {
      if (msg.level === 'debug' && !opts.verbose) return;
      if (opts.problemsOnly && msg.level !== 'warn' && msg.level !== 'error') return;
      write(messageLine(msg, opts.colors));
    },
  };
}
