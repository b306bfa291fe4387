import { afterAll, describe, expect, it } from 'vitest';
import {
  buildScenario,
  cleanUpScenarios,
  copyScenario,
  cutoverScenario,
  decommissionScenario,
  startCli,
  type Outcome,
  type Scenario,
} from './crash-scenarios.ts';

/**
 * Issue 18's crash-point sweep: `efs-encrypt build` and `efs-encrypt copy start` (DataSync), each a
 * real child process, are killed with SIGKILL right after their Nth persisted step (the test-only
 * EFS_ENCRYPT_TEST_CRASH_AFTER_STEP hook, src/cli/crash-point.ts), for N = 1, 2, … until a run
 * finishes without reaching N. Each killed run is followed by the same command on the same store
 * and estate, which must take the dead process's job at once (no lease wait) and end as a run
 * without a crash ends: one twin with the same mount targets and access points, one DataSync task,
 * its two locations and one execution, the same final state, and the same event log (no step
 * recorded twice). The estate runs in this process at 1000× speed; the CLIs poll every 20 ms.
 */

afterAll(cleanUpScenarios);

interface CrashPoint {
  n: number;
  step: string;
  resumedAtOnce: boolean;
  outcome: Outcome;
  ms: number;
}

/** One crash point: the run killed after its Nth step and the run that resumed it, or the run no kill reached. */
async function crashAt(s: Scenario, n: number): Promise<CrashPoint | { clean: Outcome }> {
  const t0 = performance.now();
  const g = await s.prepare();
  try {
    const run = (args: string[], env: NodeJS.ProcessEnv) => startCli(args, env, g.dir);
    const first = run(s.first, {
      ...g.env,
      EFS_ENCRYPT_TEST_HOOKS: '1',
      EFS_ENCRYPT_TEST_CRASH_AFTER_STEP: String(n),
    });
    const ended = await first.exited;
    if (ended.signal !== 'SIGKILL') {
      // N is past the last step: this run finished on its own, and is a run without a crash.
      expect(ended.code, first.stderr.join('\n')).toBe(0);
      return { clean: await s.outcome(g) };
    }
    const step = /SIGKILL after step (\S+)/.exec(first.stderr.join('\n'))?.[1] ?? '?';
    const second = run(s.again, g.env);
    const { code } = await second.exited;
    const err = second.stderr.join('\n');
    expect(code, `${s.name} after crash point ${n} (${step}):\n${err}`).toBe(0);
    return {
      n,
      step,
      resumedAtOnce:
        err.includes(`was held by process ${first.pid}`) && err.includes('which is gone; resuming it now'),
      outcome: await s.outcome(g),
      ms: Math.round(performance.now() - t0),
    };
  } finally {
    await g.estate.close();
  }
}

/**
 * Crash points N = 1, 2, … in batches of `lanes` at once, until a run ends before its Nth step;
 * returns the points and a run without a crash.
 */
async function sweep(s: Scenario, lanes: number): Promise<{ points: CrashPoint[]; clean: Outcome }> {
  const points: CrashPoint[] = [];
  for (let n = 1; ; n += lanes) {
    const batch = await Promise.all(Array.from({ length: lanes }, (_, i) => crashAt(s, n + i)));
    const firstClean = batch.findIndex((r) => 'clean' in r);
    // Past the first run that no kill reached, every run ends the same way (fewer steps do not exist).
    if (firstClean >= 0) expect(batch.slice(firstClean).every((r) => 'clean' in r)).toBe(true);
    points.push(...(batch.slice(0, firstClean < 0 ? lanes : firstClean) as CrashPoint[]));
    const clean = batch[firstClean];
    if (clean && 'clean' in clean) return { points, clean: clean.clean };
  }
}

describe('SIGKILL right after each persisted step, then the same command again', () => {
  it('resumes build and DataSync copy at once and ends as a run without a crash', async () => {
    const t0 = performance.now();
    const [build, copy] = await Promise.all([sweep(buildScenario, 2), sweep(copyScenario, 1)]);
    const figures = {
      seconds: Math.round((performance.now() - t0) / 100) / 10,
      build: build.points.map((p) => `${p.n}:${p.step}`).join(' '),
      copy: copy.points.map((p) => `${p.n}:${p.step}`).join(' '),
    };
    console.log('crash points', JSON.stringify(figures));

    expect(build.clean.state).toBe('target_ready');
    expect(build.clean.resources).toMatchObject({ twins: 1 });
    expect(copy.clean.state).toBe('synced');
    expect(copy.clean.resources).toMatchObject({ tasks: 1, locations: 2, executions: 1 });
    // Every build step but check-key (which records nothing) persists: each is a crash point.
    expect(build.points.map((p) => p.step)).toEqual([
      'create-file-system',
      'wait-file-system',
      'lifecycle-configuration',
      'backup-policy',
      'mount-targets',
      'mount-targets',
      'wait-mount-targets',
      'access-points',
      'access-points',
      'file-system-policy',
      'validate',
    ]);
    expect(copy.points.map((p) => p.step)).toEqual([
      'source-location',
      'destination-location',
      'task',
      'start-execution',
    ]);
    for (const [name, result] of [
      ['build', build],
      ['copy', copy],
    ] as const)
      for (const p of result.points) {
        const at = `${name} killed after step ${p.n} (${p.step})`;
        expect(p.resumedAtOnce, at).toBe(true);
        expect(p.outcome.state, at).toBe(result.clean.state);
        expect(p.outcome.resources, at).toEqual(result.clean.resources);
        expect(p.outcome.events, at).toEqual(result.clean.events);
      }
  }, 180_000);
});

describe('SIGKILL right after each recorded cutover call and each decommission step, then the same command again', () => {
  it('resumes cutover apply and decommission at once; no call made twice; the same end as a run without a crash', async () => {
    const t0 = performance.now();
    const [cutover, decommission] = await Promise.all([
      sweep(cutoverScenario, 3),
      sweep(decommissionScenario, 2),
    ]);
    console.log(
      'crash points',
      JSON.stringify({
        seconds: Math.round((performance.now() - t0) / 100) / 10,
        cutover: cutover.points.map((p) => `${p.n}:${p.step}`).join(' '),
        decommission: decommission.points.map((p) => `${p.n}:${p.step}`).join(' '),
      }),
    );

    // Without a crash: one new version of each template, made the default; no instance replaced.
    expect(cutover.clean.state).toBe('cut_over');
    expect(cutover.clean.resources).toEqual({
      'gitlab-runner latest': 3,
      'gitlab-runner default': 3,
      'gitlab-runner-spot latest': 2,
      'gitlab-runner-spot default': 2,
    });
    expect(cutover.clean.sent).toEqual({
      'ec2:CreateLaunchTemplateVersion': 2,
      'ec2:ModifyLaunchTemplate': 2,
      'autoscaling:StartInstanceRefresh': 0,
    });
    // Each call is recorded started, then done: every one a crash point.
    expect(cutover.points.map((p) => p.step)).toEqual(
      ['gitlab-runner', 'gitlab-runner-spot'].flatMap((t) =>
        ['1:CreateLaunchTemplateVersion', '2:ModifyLaunchTemplate'].flatMap((c) => [
          `${t}:${c}:started`,
          `${t}:${c}:done`,
        ]),
      ),
    );
    expect(decommission.clean.state).toBe('decommissioned');
    expect(decommission.clean.resources).toEqual({
      fileSystems: 1,
      twin: 1,
      twinMountTargets: 1,
      twinAccessPoints: 1,
    });
    expect(decommission.clean.sent).toEqual({
      'efs:DeleteAccessPoint': 1,
      'efs:DeleteMountTarget': 2,
      'efs:DeleteFileSystem': 1,
    });
    expect(decommission.points.map((p) => p.step)).toEqual([
      'guards',
      'access-points',
      'mount-targets',
      'wait-mount-targets',
      'file-system',
      'wait-file-system',
      'datasync',
    ]);

    for (const [name, result] of [
      ['cutover', cutover],
      ['decommission', decommission],
    ] as const)
      for (const p of result.points) {
        const at = `${name} killed after step ${p.n} (${p.step})`;
        expect(p.resumedAtOnce, at).toBe(true);
        expect(p.outcome.state, at).toBe(result.clean.state);
        expect(p.outcome.resources, at).toEqual(result.clean.resources);
        expect(p.outcome.events, at).toEqual(result.clean.events);
        // The kill comes right after a call is recorded started (before it is sent) or done: the
        // resumed run sends each call exactly once between them, as the run without a crash did.
        expect(p.outcome.sent, at).toEqual(result.clean.sent);
      }
  }, 120_000);
});
