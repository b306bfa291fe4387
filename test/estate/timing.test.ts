import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMING, scaleTiming } from '../../src/estate/timing.ts';

describe('scaleTiming', () => {
  it('divides durations and multiplies rates by the speed', () => {
    const fast = scaleTiming(100);
    expect(fast.fileSystemCreateMs).toBe(DEFAULT_TIMING.fileSystemCreateMs / 100);
    expect(fast.replicationSyncMs).toBe(DEFAULT_TIMING.replicationSyncMs / 100);
    expect(fast.dataSyncBytesPerSecond).toBe(DEFAULT_TIMING.dataSyncBytesPerSecond * 100);
    expect(fast.dataSyncVerifyBytesPerSecond).toBe(DEFAULT_TIMING.dataSyncVerifyBytesPerSecond * 100);
  });

  it('never scales a duration to zero, so states still pass through in order', () => {
    expect(Object.entries(scaleTiming(1e9)).filter(([k, v]) => !k.endsWith('PerSecond') && v < 1)).toEqual(
      [],
    );
  });

  it('refuses a speed that is not positive', () => {
    expect(() => scaleTiming(0)).toThrow(/positive/);
  });
});
