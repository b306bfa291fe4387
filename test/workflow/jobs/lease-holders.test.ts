import { spawn, spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  createLeaseHolderProbe,
  localLeaseHolders,
  localProcessFacts,
} from '../../../src/workflow/jobs/index.ts';

describe('lease holder probe (the real OS)', () => {
  const probe = localLeaseHolders();

  it('records this process with its host, PID and (on Linux) its start', () => {
    expect(probe.self).toMatchObject({ host: hostname(), pid: process.pid });
    if (process.platform === 'linux') expect(probe.self.started).toMatch(/^.+:\d+$/);
    expect(probe.liveness(probe.self)).toBe('alive');
  });

  it('finds an exited process gone, and a holder on another host unknown', () => {
    const exited = spawnSync(process.execPath, ['-e', '']).pid;
    expect(probe.liveness({ host: hostname(), pid: exited, instance: 'x' })).toBe('gone');
    expect(probe.liveness({ host: 'elsewhere', pid: exited, instance: 'x' })).toBe('unknown');
    expect(probe.liveness(undefined)).toBe('unknown');
  });

  it.runIf(process.platform === 'linux')(
    'tells a running process from one that had its PID before (start time)',
    async () => {
      const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      try {
        await new Promise((resolve) => child.once('spawn', resolve));
        const pid = child.pid!;
        // The child as it would record itself on a lease: its start as /proc gives it.
        const asRecorded = createLeaseHolderProbe({ ...localProcessFacts, pid, instance: 'child' }).self;
        expect(probe.liveness(asRecorded)).toBe('alive');
        expect(probe.liveness({ ...asRecorded, started: `${asRecorded.started}0` })).toBe('gone');
      } finally {
        child.kill('SIGKILL');
      }
    },
  );
});
