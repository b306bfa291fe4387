import type { IoHost, IoMessage } from '../../workflow/io-host.ts';

/** The CLI's IoHost: one line per message on stderr (stdout is kept for the command's output). */
export function terminalIoHost(write: (text: string) => void, opts: { verbose?: boolean } = {}): IoHost {
  return {
    async notify(msg: IoMessage) {
      if (msg.level === 'debug' && !opts.verbose) return;
      const mark = msg.level === 'error' ? 'error: ' : msg.level === 'warn' ? 'warning: ' : '';
      write(`  ${mark}${msg.message}\n`);
    },
  };
}
