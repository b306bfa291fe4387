import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { installProcessGuards } from '../../src/cli/process-guards.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, sink) };
}

let remove: (() => void) | undefined;
afterEach(() => {
  remove?.();
  remove = undefined;
});

describe('process guards of the bot process', () => {
  it('logs an unhandled rejection at error level and does not exit', () => {
    const { lines, logger } = capture();
    const exits: number[] = [];
    remove = installProcessGuards(logger, (code) => exits.push(code));
    process.emit('unhandledRejection', new Error('fire-and-forget failed'), Promise.resolve());
    expect(exits).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, component: 'process' });
    expect(JSON.stringify(lines[0])).toContain('fire-and-forget failed');
  });

  it('logs an uncaught exception as fatal and exits with 70 for the supervisor', () => {
    const { lines, logger } = capture();
    const exits: number[] = [];
    remove = installProcessGuards(logger, (code) => exits.push(code));
    process.emit('uncaughtException', new Error('state may be half-changed'));
    expect(exits).toEqual([70]);
    expect(lines[0]).toMatchObject({ level: 60, component: 'process' });
  });

  it('removes its handlers when asked', () => {
    const before = process.listenerCount('unhandledRejection');
    const { logger } = capture();
    const off = installProcessGuards(logger, () => undefined);
    expect(process.listenerCount('unhandledRejection')).toBe(before + 1);
    off();
    expect(process.listenerCount('unhandledRejection')).toBe(before);
  });
});
