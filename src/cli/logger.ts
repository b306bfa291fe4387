import { pino, type Logger } from 'pino';

/** Structured logs on stderr, so stdout stays clean for --json and --csv output. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { app: 'efs-encrypt' } }, pino.destination(2));
}
