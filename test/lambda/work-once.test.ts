import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.ts';
import { runWorkOnce } from '../../src/lambda/work-once.ts';
import type { WorkMessage } from '../../src/slack/work-dispatch.ts';
import { openStore, type Store } from '../../src/store/index.ts';

/** runWorkOnce against the embedded store's claims: what each delivery of one message does. */
describe('runWorkOnce: one run per work message, across deliveries', () => {
  let store: Store;
  const clock = new ManualClock(new Date('2026-03-01T09:00:00Z'));
  const logger = pino({ level: 'silent' });
  let n = 0;
  const message = (): WorkMessage => ({
    kind: 'command',
    correlationId: `once${++n}`,
    userId: 'U0ADMIN1',
    channelId: 'C0CHAN01',
    responseUrl: 'https://hooks.slack.com/commands/T1/1/x',
    text: 'build all',
  });
  const deliver = (
    m: WorkMessage,
    run: (visible: () => Promise<void>) => Promise<void>,
    remainingMs?: number,
  ) =>
    runWorkOnce({
      claims: store.workClaims,
      message: m,
      clock,
      logger,
      run,
      ...(remainingMs !== undefined ? { remainingMs } : {}),
    });

  beforeAll(async () => {
    store = await openStore({ clock });
  });
  afterAll(async () => {
    await store.close();
  });

  it('runs a message delivered twice once: the second delivery is a duplicate', async () => {
    const m = message();
    let runs = 0;
    const run = async (visible: () => Promise<void>) => {
      runs++;
      await visible();
    };
    expect(await deliver(m, run)).toBe('ran');
    expect(await deliver(m, run)).toBe('duplicate');
    expect(runs).toBe(1);
  });

  it('a run that fails before showing anything gives its claim up: Lambda’s retry runs it again', async () => {
    const m = message();
    let runs = 0;
    await expect(
      deliver(m, async () => {
        runs++;
        throw new Error('the store was unreachable');
      }),
    ).rejects.toThrow('the store was unreachable');
    expect(await deliver(m, async () => void runs++)).toBe('ran');
    expect(runs).toBe(2);
    expect(await deliver(m, async () => void runs++)).toBe('duplicate');
  });

  it('a run that fails after its first Slack write is kept failed and returns: no retry shows it twice', async () => {
    const m = message();
    let runs = 0;
    const outcome = await deliver(m, async (visible) => {
      runs++;
      await visible();
      throw new Error('Slack refused the thread update');
    });
    expect(outcome).toBe('failed');
    expect(await deliver(m, async () => void runs++)).toBe('duplicate');
    expect(runs).toBe(1);
  });

  it('a claim left running by a killed sandbox is taken over after its lease only when it showed nothing', async () => {
    const silent = message();
    const shown = message();
    // Two sandboxes killed mid-run (their run never settles): one before any Slack write, one after.
    // Each signals once it is where it dies (the claim written, the Slack write recorded).
    const hang = () => new Promise<void>(() => {});
    await new Promise<void>((dead) => void deliver(silent, () => (dead(), hang()), 60_000));
    await new Promise<void>(
      (dead) => void deliver(shown, (visible) => visible().then(() => (dead(), hang())), 60_000),
    );
    let runs = 0;
    const again = async () => void runs++;
    // Within the lease: the first attempt may still be running.
    expect(await deliver(silent, again)).toBe('duplicate');
    clock.advance(60_000 + 31_000);
    expect(await deliver(silent, again)).toBe('ran');
    expect(await deliver(shown, again)).toBe('duplicate');
    expect(runs).toBe(1);
  });
});
