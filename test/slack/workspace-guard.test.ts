import { afterEach, describe, expect, it } from 'vitest';
import { fakeServices } from '../harness/fake-services.ts';
import { fileSystem, scanRecord } from '../harness/scan-fixtures.ts';
import { startSlackHarness, TEST_TEAM_ID, type SlackHarness } from '../harness/slack.ts';

let harness: SlackHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const start = (slack: { teamId?: string; enterpriseId?: string }) =>
  startSlackHarness({
    services: fakeServices({ result: scanRecord([fileSystem()]) }),
    config: { slack: slack as never },
  });

const refusals = (h: SlackHarness) =>
  h.logs.filter((l) => l.msg === 'request from another workspace or organisation refused');

describe('requests from another workspace (SLACK_TEAM_ID, SLACK_ENTERPRISE_ID)', () => {
  it('are acknowledged and nothing else: no listener runs, the refusal is logged with the IDs', async () => {
    harness = await start({ teamId: 'T0CONFIGURED' });
    const res = await harness.slashCommand('help');
    expect(res.status).toBe(200);
    expect(harness.recorder.calls).toHaveLength(0);
    expect(refusals(harness)).toHaveLength(1);
    expect(refusals(harness)[0]).toMatchObject({ teamId: TEST_TEAM_ID, level: 40 });
  });

  it('refuses a workspace outside the configured Enterprise Grid organisation', async () => {
    harness = await start({ enterpriseId: 'E0CONFIGURED' });
    await harness.slashCommand('help');
    expect(harness.recorder.calls).toHaveLength(0);
    expect(refusals(harness)).toHaveLength(1);
  });

  it('serves the configured workspace as before', async () => {
    harness = await start({ teamId: TEST_TEAM_ID });
    await harness.slashCommand('help');
    expect((await harness.waitForCall('response_url')).body.response_type).toBe('ephemeral');
    expect(refusals(harness)).toHaveLength(0);
  });
});
