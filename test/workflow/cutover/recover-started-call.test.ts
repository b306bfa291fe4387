import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CutoverCall } from '../../../src/domain/cutover-calls.ts';
import {
  executeCall,
  recoverStartedCall,
  type CallEnv,
} from '../../../src/workflow/cutover/call-executor.ts';
import { PLATFORM, REGION, startCutoverWorld, type CutoverWorld } from './cutover-fixture.ts';

/**
 * A cutover call AWS carried out whose answer never reached the record (the process died, or the
 * connection did): the resumed job finds what it made instead of making it again. StartInstanceRefresh
 * has no client token, so sent again it would replace every instance of the group a second time.
 */
const GROUP = 'gitlab-runners';
const TEMPLATE = 'lt-0a1b2c3d4e5f60711';

const refreshTo = (version: string): CutoverCall => ({
  service: 'autoscaling',
  operation: 'StartInstanceRefresh',
  input: {
    AutoScalingGroupName: GROUP,
    DesiredConfiguration: { LaunchTemplate: { LaunchTemplateId: TEMPLATE, Version: version } },
    Preferences: { SkipMatching: true },
  },
  purpose: 'test',
});

describe('recoverStartedCall: StartInstanceRefresh whose answer was lost', () => {
  let world: CutoverWorld;
  let env: CallEnv;

  beforeEach(async () => {
    world = await startCutoverWorld();
    env = {
      clients: world.clients,
      accountId: PLATFORM,
      region: REGION,
      wait: async (ms) => world.clock.advance(ms),
      pollMs: 5_000,
      maxWaitMs: 600_000,
      now: () => world.clock.now().getTime(),
      progress: async () => {},
    };
  });
  afterEach(() => world.close());

  /** Records the start time (as the job does), then Auto Scaling carries out the call; its answer is dropped. */
  async function startAndLoseTheAnswer(call: CutoverCall): Promise<string> {
    const startedAt = world.clock.now().toISOString();
    await executeCall(env, call, TEMPLATE);
    return startedAt;
  }

  const refreshes = async () =>
    (await world.clients.launchTemplatesFor(PLATFORM, REGION)).recentInstanceRefreshes(GROUP);

  it('finished before the restart: adopted, not started again', async () => {
    const call = refreshTo('2');
    const startedAt = await startAndLoseTheAnswer(call);
    world.clock.advance(2 * 3_600_000);
    const [only] = await refreshes();
    expect(only?.Status).toBe('Successful');

    const recovered = await recoverStartedCall(env, call, startedAt);
    expect(recovered).toMatchObject({ produced: only!.InstanceRefreshId });
    expect(recovered?.detail).toContain('started before the restart');
    expect(await refreshes()).toHaveLength(1);
  });

  it('still running at the restart: adopted (sending it again would be refused as InstanceRefreshInProgress)', async () => {
    const call = refreshTo('2');
    const startedAt = await startAndLoseTheAnswer(call);
    const recovered = await recoverStartedCall(env, call, startedAt);
    const [only] = await refreshes();
    expect(['Pending', 'InProgress']).toContain(only?.Status);
    expect(recovered?.produced).toBe(only!.InstanceRefreshId);
  });

  it('an earlier refresh, or one to another version, is not taken for the lost one', async () => {
    await startAndLoseTheAnswer(refreshTo('2'));
    world.clock.advance(2 * 3_600_000);
    // Long after that one ended: the job records its start, then the call is lost on the wire.
    const startedAt = world.clock.now().toISOString();
    expect(await recoverStartedCall(env, refreshTo('2'), startedAt)).toBeUndefined();
    expect(await recoverStartedCall(env, refreshTo('1'), startedAt)).toBeUndefined();
  });
});
