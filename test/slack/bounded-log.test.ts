import { afterEach, describe, expect, it } from 'vitest';
import { boundedError, boundedText, LOG_FIELD_MAX } from '../../src/slack/bounded-log.ts';
import { fakeServices } from '../harness/fake-services.ts';
import { fileSystem, scanRecord } from '../harness/scan-fixtures.ts';
import { startSlackHarness, type SlackHarness } from '../harness/slack.ts';

let harness: SlackHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('log lines stay small whatever a person sends', () => {
  it('a 1 MB command text gives lines of a few kilobytes, the text cut with its length', async () => {
    harness = await startSlackHarness({ services: fakeServices({ result: scanRecord([fileSystem()]) }) });
    const text = 'x'.repeat(1_000_000);
    await harness.slashCommand(text);
    await harness.slashCommand(`scan ${text}`);
    const lines = harness.logs.map((l) => JSON.stringify(l));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.length).toBeLessThan(20_000);
    const withText = harness.logs.filter((l) => typeof l.text === 'string');
    expect(withText.length).toBeGreaterThan(0);
    for (const l of withText) expect(l.text).toMatch(/… \(\d+ chars\)$|^[^…]*$/);
  });

  it('names the component once on every line, Bolt’s own included', async () => {
    harness = await startSlackHarness({ services: fakeServices({ result: scanRecord([fileSystem()]) }) });
    await harness.post('payload=%7Bnot-json');
    await harness.slashCommand('help');
    await harness.waitForCall('response_url');
    const raw = harness.logs.map((l) => JSON.stringify(l));
    expect(raw.some((l) => l.includes('"component":"bolt"'))).toBe(true);
    for (const line of raw) expect(line.match(/"component":/g)?.length ?? 0).toBeLessThanOrEqual(1);
  });
});

describe('the serializers', () => {
  it('cut a long string and say how long it was', () => {
    expect(boundedText('a'.repeat(600))).toBe(`${'a'.repeat(500)}… (600 chars)`);
    expect(boundedText('short')).toBe('short');
  });

  it('keep an error’s type and message, bounded, and replace a large attached request by its size', () => {
    const err = Object.assign(new Error('m'.repeat(5_000)), {
      config: { data: 'd'.repeat(10_000) },
      code: 'E1',
    });
    const out = boundedError(err) as Record<string, unknown>;
    expect(out.type).toBe('Error');
    expect(String(out.message).length).toBeLessThan(LOG_FIELD_MAX + 30);
    expect(out.config).toMatch(/^\[omitted: \d+ chars\]$/);
    expect(out.code).toBe('E1');
  });
});
