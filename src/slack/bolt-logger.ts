import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger as PinoLogger } from 'pino';

/** Bolt logs through its own Logger interface; this sends those lines to our pino logger. */
export function boltLogger(logger: PinoLogger): BoltLogger {
  let log = logger.child({ component: 'bolt' });
  const text = (msg: unknown[]) =>
    msg
      .map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m)))
      .join(' ');
  return {
    debug: (...msg) => log.debug(text(msg)),
    info: (...msg) => log.info(text(msg)),
    warn: (...msg) => log.warn(text(msg)),
    error: (...msg) => log.error(text(msg)),
    // The level is pino's to decide (LOG_LEVEL); Bolt asking to change it is ignored.
    setLevel: () => {},
    getLevel: () => {
      const level = logger.level;
      if (level === 'debug' || level === 'trace') return LogLevel.DEBUG;
      if (level === 'info') return LogLevel.INFO;
      if (level === 'warn') return LogLevel.WARN;
      return LogLevel.ERROR;
    },
    setName: (name) => {
      log = logger.child({ component: name });
    },
  };
}
