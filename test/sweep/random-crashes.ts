import fc from 'fast-check';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { join } from 'node:path';
import { systemClock } from '../../src/domain/clock.ts';
import { openStore } from '../../src/store/index.ts';
import type { Child } from '../harness/child-process.ts';
import { shape, startCli, type Ground, type Outcome, type Scenario } from './crash-scenarios.ts';
import type { RandomCrashFigures } from '../../bench/reliability/random-crashes.ts';

/**
 * Issue 18's random crash points: a moment chosen by a seeded generator, not a persisted step, at
 * which the command's child process is killed with SIGKILL, then the same command on the same store
 * and estate. The moments:
 * - `call-sent`: the Kth AWS call reaches AWS and is carried out, but the process dies before the
 *   answer arrives (AWS did it; the store cannot know);
 * - `call-lost`: the process dies while its Kth AWS call is on the wire, before AWS sees it;
 * - `moment`: T ms after start (T s of the estate's time: it runs at 1000x), wherever the process
 *   is then (starting up, between store writes, waiting on AWS).
 * K and T are drawn from what a run without a crash needs (its AWS calls and its duration).
 */

export type CrashKind = 'call-sent' | 'call-lost' | 'moment';

export interface RandomPoint {
  scenario: Scenario;
  kind: CrashKind;
  /** Where in the run, from 0 to 1: the Kth call of the run's calls, or T of its duration. */
  at: number;
}

/** What a run without a crash ended with, and what it took. */
export interface CleanRun {
  outcome: Outcome;
  calls: number;
  ms: number;
}

export interface PointResult {
  label: string;
  /** The first run died (false: it finished before the moment came, and is a run without a crash). */
  killed: boolean;
  resumed: boolean;
  failedVisibly: boolean;
  /** Resources beyond a run without a crash (twins, mount targets, tasks, template versions…). */
  duplicates: number;
  /** A state or event persisted before the kill and missing (or moved back) after the restart. */
  statesLost: number;
  /** The restart took the dead process's job (its lease named a process gone from this host). */
  tookOverLease: boolean;
  /** From the restart's start to its line saying it resumes the dead process's job. */
  resumeWaitMs?: number;
  /** The restart refused to start work a run killed after it had finished (the state it ends in). */
  alreadyDone: boolean;
  /** Both runs, from the first's start to the restart's end. */
  ms: number;
  /** The restart's first lines on stderr (for the figures file). */
  restartSaid?: string;
  /** What did not hold, for the failure message. */
  problems: string[];
}

/** Seeded crash points spread over the scenarios and the kinds of moment. */
export function randomPoints(scenarios: Scenario[], count: number, seed: number): RandomPoint[] {
  // Without fast-check's bias toward the ends of each range: moments spread evenly over the run.
  return fc.sample(
    fc.noBias(
      fc.record({
        scenario: fc.constantFrom(...scenarios),
        kind: fc.constantFrom<CrashKind>('call-sent', 'call-lost', 'moment'),
        at: fc.integer({ min: 0, max: 999_999 }).map((n) => n / 1_000_000),
      }),
    ),
    { seed, numRuns: count },
  );
}

/**
 * A loopback proxy in front of the estate that counts the AWS calls passing through it and, at the
 * armed call, kills the victim before forwarding it (`call-lost`) or after AWS answered and before
 * the answer is passed on (`call-sent`). The SDK's endpoints point at it instead of the estate.
 */
interface CallProxy {
  endpoint: string;
  calls(): number;
  arm(k: number, kind: 'call-sent' | 'call-lost', victim: Child): void;
  close(): Promise<void>;
}

async function startCallProxy(target: string): Promise<CallProxy> {
  let calls = 0;
  let armed: { k: number; kind: 'call-sent' | 'call-lost'; victim: Child } | undefined;
  const kill = async (victim: Child) => {
    victim.process.kill('SIGKILL');
    await victim.exited;
  };
  const forward = (req: IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>((resolve, reject) => {
      const out = request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      });
      out.on('error', reject);
      out.end(body);
    });
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const n = ++calls;
    const trigger = armed && armed.k === n ? armed : undefined;
    if (trigger) armed = undefined;
    if (trigger?.kind === 'call-lost') {
      await kill(trigger.victim);
      res.destroy();
      return;
    }
    const answer = await forward(req, Buffer.concat(chunks));
    if (trigger) {
      await kill(trigger.victim);
      res.destroy();
      return;
    }
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls: () => calls,
    arm: (k, kind, victim) => {
      armed = { k, kind, victim };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The ground's environment with every service's endpoint at the proxy. */
function throughProxy(g: Ground, proxy: CallProxy): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(g.env).map(([k, v]) => [k, k.startsWith('AWS_ENDPOINT_URL_') ? proxy.endpoint : v]),
  );
}

/** The migration's state and event log as persisted now (the store opened after its writer died). */
async function persisted(g: Ground, s: Scenario): Promise<{ state: string; events: string[] } | undefined> {
  const store = await openStore({ dataDir: join(g.dir, 'store'), clock: systemClock });
  try {
    const m = await store.migrations.getMigration(s.migrationId);
    if (!m) return undefined;
    return { state: m.state, events: shape(await store.events.listEvents(s.migrationId)) };
  } finally {
    await store.close();
  }
}

/** One run of the scenario without a crash, through the proxy: its end, its AWS calls, its duration. */
export async function cleanRun(s: Scenario): Promise<CleanRun> {
  const g = await s.prepare();
  const proxy = await startCallProxy(g.estate.endpoint);
  try {
    const t0 = performance.now();
    const child = startCli(s.first, throughProxy(g, proxy), g.dir);
    const { code } = await child.exited;
    if (code !== 0) throw new Error(`${s.name} without a crash failed:\n${child.stderr.join('\n')}`);
    const ms = performance.now() - t0;
    return { outcome: await s.outcome(g), calls: proxy.calls(), ms };
  } finally {
    await proxy.close();
    await g.estate.close();
  }
}

const TAKEN_OVER = /which is gone; resuming it now/;

/** One random crash point: the run killed at the moment, the restart, and what they left. */
export async function crashAtRandom(p: RandomPoint, clean: CleanRun): Promise<PointResult> {
  const s = p.scenario;
  const k = 1 + Math.floor(p.at * clean.calls);
  const ms = Math.floor(p.at * clean.ms);
  const label = `${s.name} ${p.kind === 'moment' ? `at ${ms} ms` : `${p.kind} at AWS call ${k} of ${clean.calls}`}`;
  const g = await s.prepare();
  const proxy = await startCallProxy(g.estate.endpoint);
  const env = throughProxy(g, proxy);
  const problems: string[] = [];
  const started = performance.now();
  try {
    const first = startCli(s.first, env, g.dir);
    let timer: NodeJS.Timeout | undefined;
    if (p.kind === 'moment') timer = setTimeout(() => first.process.kill('SIGKILL'), ms);
    else proxy.arm(k, p.kind, first);
    const ended = await first.exited;
    clearTimeout(timer);
    const killed = ended.signal === 'SIGKILL';
    if (!killed && ended.code !== 0) problems.push(`the first run failed:\n${first.stderr.join('\n')}`);
    const atKill = killed ? await persisted(g, s) : undefined;

    let resumeWaitMs: number | undefined;
    let code: number | null = 0;
    let err = '';
    if (killed) {
      // Before anything was recorded (the build's decisions included), the restart is the first command.
      const t0 = performance.now();
      const second = startCli(atKill ? s.again : s.first, env, g.dir);
      // Timed as the bytes arrive (not as lines are parsed): when the restart says it took the job.
      const stderr = second.process.stderr!;
      let seen = '';
      stderr.on('data', (chunk: Buffer) => {
        if (resumeWaitMs !== undefined) return;
        seen += chunk.toString('utf8');
        if (TAKEN_OVER.test(seen)) resumeWaitMs = performance.now() - t0;
      });
      ({ code } = await second.exited);
      if (!stderr.closed) await once(stderr, 'close');
      err = second.stderr.join('\n');
    }
    const outcome = await s.outcome(g);
    const after = await persisted(g, s);

    const duplicates = Object.entries(outcome.resources).reduce(
      (sum, [key, n]) => sum + Math.max(0, n - (clean.outcome.resources[key] ?? 0)),
      0,
    );
    if (duplicates)
      problems.push(
        `resources beyond a run without a crash: ${JSON.stringify(outcome.resources)} vs ${JSON.stringify(clean.outcome.resources)}`,
      );
    let statesLost = 0;
    if (atKill) {
      const kept = after && atKill.events.every((line, i) => after.events[i] === line);
      if (!kept) {
        statesLost++;
        problems.push(
          `events persisted before the kill are not all there after the restart:\n  before: ${atKill.events.join('\n    ')}\n  after: ${after?.events.join('\n    ')}`,
        );
      }
    }
    // A kill after the work was done (the state persisted, the process not yet ended) leaves the
    // restart nothing to do: it says so and exits 1, which is as good as resuming.
    const alreadyDone =
      code !== 0 && atKill?.state === clean.outcome.state && outcome.state === clean.outcome.state;
    const resumed = (code === 0 || alreadyDone) && outcome.state === clean.outcome.state && duplicates === 0;
    const failedVisibly = code !== 0 && err.trim().length > 0 && after?.state === 'failed';
    if (code === 0 && outcome.state !== clean.outcome.state) {
      statesLost++;
      problems.push(
        `the restart ended 0 in ${outcome.state}, a run without a crash ends in ${clean.outcome.state}`,
      );
    }
    if (!resumed && !failedVisibly)
      problems.push(`neither resumed nor failed visibly (exit ${code}, state ${after?.state}):\n${err}`);
    return {
      label,
      killed,
      resumed,
      failedVisibly,
      duplicates,
      statesLost,
      alreadyDone,
      ...(killed ? { restartSaid: err.slice(0, 400) } : {}),
      ms: Math.round(performance.now() - started),
      tookOverLease: resumeWaitMs !== undefined,
      ...(resumeWaitMs !== undefined ? { resumeWaitMs: Math.round(resumeWaitMs) } : {}),
      problems,
    };
  } finally {
    await proxy.close();
    await g.estate.close();
  }
}

/** The figures the bench reads back from this file's run (one shape, declared beside the bench). */
export type RandomSweepFigures = RandomCrashFigures;

/** Runs the points `lanes` at a time (clean runs first, one per scenario) and sums them up. */
export async function randomSweep(
  scenarios: Scenario[],
  count: number,
  seed: number,
  lanes: number,
  /** Called as each point ends (a long sweep's progress). */
  onResult?: (r: PointResult) => void,
): Promise<{ figures: RandomSweepFigures; results: PointResult[] }> {
  const t0 = performance.now();
  const cleans = new Map<Scenario, CleanRun>(
    await Promise.all(scenarios.map(async (s) => [s, await cleanRun(s)] as const)),
  );
  const points = randomPoints(scenarios, count, seed);
  const results: PointResult[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < points.length) {
        const p = points[next++]!;
        const result = await crashAtRandom(p, cleans.get(p.scenario)!);
        results.push(result);
        onResult?.(result);
      }
    }),
  );
  const sum = (f: (r: PointResult) => number) => results.reduce((n, r) => n + f(r), 0);
  const byScenario = scenarios
    .map((s) => `${s.name} ${results.filter((r) => r.label.startsWith(`${s.name} `)).length}`)
    .join(', ');
  return {
    figures: {
      seed,
      'crash points tried': results.length,
      'killed (the others ended before their moment)': sum((r) => (r.killed ? 1 : 0)),
      resumed: sum((r) => (r.killed && r.resumed ? 1 : 0)),
      'failed visibly': sum((r) => (r.failedVisibly ? 1 : 0)),
      duplicates: sum((r) => r.duplicates),
      'states lost': sum((r) => r.statesLost),
      'restarts that found the work already done': sum((r) => (r.alreadyDone ? 1 : 0)),
      'restarts that took a dead owner’s job at once': sum((r) => (r.tookOverLease ? 1 : 0)),
      'longest restart-to-resumed-work (ms)': Math.max(0, ...results.map((r) => r.resumeWaitMs ?? 0)),
      'by scenario': byScenario,
      seconds: Math.round((performance.now() - t0) / 100) / 10,
    },
    results,
  };
}
