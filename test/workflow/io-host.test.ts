import { describe, expect, it } from 'vitest';
import { RecordingIoHost, createProgressHub } from '../../src/workflow/io-host.ts';

describe('createProgressHub', () => {
  it('fans each message out to the hosts attached at the time, and stops after detach', async () => {
    const hub = createProgressHub();
    const a = new RecordingIoHost();
    const b = new RecordingIoHost();
    const detachA = hub.attach(a);
    hub.attach(b);
    const msg = { level: 'info' as const, code: 'x.one', message: 'one', time: new Date(0) };
    await hub.io.notify(msg);
    detachA();
    await hub.io.notify({ ...msg, code: 'x.two' });
    expect(a.messages.map((m) => m.code)).toEqual(['x.one']);
    expect(b.messages.map((m) => m.code)).toEqual(['x.one', 'x.two']);
  });
});
