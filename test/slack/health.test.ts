import { afterEach, describe, expect, it } from 'vitest';
import { fakeServices } from '../harness/fake-services.ts';
import { fileSystem, scanRecord } from '../harness/scan-fixtures.ts';
import { startSlackHarness, type SlackHarness } from '../harness/slack.ts';

let harness: SlackHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('GET /healthz on the HTTP receiver (the container health check)', () => {
  it('answers 200 without a signature and without calling Slack', async () => {
    harness = await startSlackHarness({ services: fakeServices({ result: scanRecord([fileSystem()]) }) });
    const res = await fetch(new URL('/healthz', harness.url));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(harness.recorder.calls).toHaveLength(0);
  });
});
