import { pino } from 'pino';
import type { Runtime } from '../../src/cli/runtime.ts';
import { loadConfig } from '../../src/config.ts';
import { slackServices } from '../../src/cli/slack-services.ts';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/start-sandbox.ts';
import { scaleTiming } from '../../src/estate/timing.ts';
import { JumpableClock } from '../../src/cli/demo/jumpable-clock.ts';
import { demoRuntime } from '../e2e/demo-runtime.ts';

export interface SandboxWorld {
  sandbox: RunningSandbox;
  /** The runtime's clock, which the page may skip past the decommission's idle window. */
  clock: JumpableClock;
  /** The sample estate, the store and the workflows the bot runs on. */
  runtime: Runtime;
  close(): Promise<void>;
}

/** The sandbox as `efs-encrypt demo --sandbox` starts it: the sample estate, the embedded store, the real bot. */
export async function openSandboxWorld(options: { speed?: number } = {}): Promise<SandboxWorld> {
  const demo = demoRuntime();
  // `speed`: the sample estate's timeline that many times faster (builds and copies in real time).
  const clock = new JumpableClock();
  const runtime = await demo.open(options.speed ? scaleTiming(options.speed) : undefined, clock);
  const sandbox = await startSandbox({
    config: loadConfig({}),
    clock,
    services: slackServices(runtime, options.speed ? { pollMs: 20 } : {}),
    logger: pino({ level: 'silent' }),
  });
  return {
    sandbox,
    clock,
    runtime,
    async close() {
      await sandbox.close();
      await demo.close();
    },
  };
}

/** Polls `probe` until it returns a value (the bot answers in the background, after its ack). */
export async function eventually<T>(
  probe: () => T | undefined,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
