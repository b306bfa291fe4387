import { describe, expect, it } from 'vitest';
import { TWIN_TAGS } from '../../src/domain/build-plan.ts';
import {
  allGuardsPass,
  decommissionLogCsv,
  evaluateGuards,
  type DecommissionFacts,
} from '../../src/domain/decommission.ts';

const KEY = 'arn:aws:kms:eu-west-1:111111111111:key/k-1';
const facts = (over: Partial<DecommissionFacts> = {}): DecommissionFacts => ({
  migrationId: 'FS#111111111111#eu-west-1#fs-1',
  accountId: '111111111111',
  region: 'eu-west-1',
  fileSystemId: 'fs-1',
  state: 'cut_over',
  cutOverAt: '2026-06-01T00:00:00.000Z',
  intendedKeyArn: KEY,
  twinFileSystemId: 'fs-2',
  twin: {
    fileSystemId: 'fs-2',
    encrypted: true,
    kmsKeyId: KEY,
    lifeCycleState: 'available',
    tags: { [TWIN_TAGS.sourceFileSystemId]: 'fs-1' },
    key: { arn: KEY, keyState: 'Enabled' },
  },
  copy: { verificationClean: true },
  consumers: { consumers: [], unreadable: [] },
  idle: {
    windowStart: '2026-06-01T01:00:00Z',
    windowEnd: '2026-06-02T01:00:00Z',
    peakConnections: 0,
    totalIOBytes: 0,
  },
  idleHours: 24,
  now: '2026-06-02T01:00:00.000Z',
  typedFileSystemId: 'fs-1',
  ...over,
});
const failing = (f: DecommissionFacts) =>
  evaluateGuards(f)
    .filter((g) => !g.pass)
    .map((g) => g.id);

describe('decommission guards', () => {
  it('all pass on a cut over, idle, confirmed source with a valid twin', () => {
    expect(allGuardsPass(evaluateGuards(facts()))).toBe(true);
  });

  it('each refuses on its own, with its figures and what to do', () => {
    expect(failing(facts({ state: 'cutover_pending' }))).toEqual(['cut-over']);
    expect(failing(facts({ twin: { ...(facts().twin as object), encrypted: false } as never }))).toEqual([
      'twin',
    ]);
    expect(failing(facts({ intendedKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/other' }))).toEqual([
      'twin',
    ]);
    expect(failing(facts({ twin: { error: { code: 'AccessDenied', message: 'no' } } }))).toEqual(['twin']);
    expect(failing(facts({ copy: { verificationClean: false } }))).toEqual(['copy']);
    expect(failing(facts({ consumers: { error: { code: 'Throttling', message: 'x' } } }))).toEqual([
      'consumers',
    ]);
    expect(failing(facts({ idle: { error: { code: 'AccessDenied', message: 'cloudwatch' } } }))).toEqual([
      'idle',
    ]);
    expect(failing(facts({ typedFileSystemId: 'fs-2' }))).toEqual(['confirmation']);
    expect(failing(facts({ typedFileSystemId: undefined }))).toEqual(['confirmation']);
  });

  it('idle refuses before the window after the cutover has passed, and says when it ends', () => {
    const g = evaluateGuards(facts({ now: '2026-06-01T12:00:00.000Z' })).find((x) => x.id === 'idle')!;
    expect(g.pass).toBe(false);
    expect(g.figures.join(' ')).toContain('end at 2026-06-02T00:00:00.000Z');
    expect(failing(facts({ cutOverAt: undefined }))).toEqual(['idle']);
  });

  it('idle refuses on I/O alone, naming the bytes', () => {
    const g = evaluateGuards(
      facts({ idle: { ...(facts().idle as object), totalIOBytes: 512 } as never }),
    ).find((x) => x.id === 'idle')!;
    expect(g.pass).toBe(false);
    expect(g.figures.join(' ')).toContain('512 bytes of I/O');
  });
});

describe('decommission log CSV', () => {
  it('one row per deletion, quoting what needs it', () => {
    const csv = decommissionLogCsv([
      {
        migrationId: 'm',
        accountId: '111111111111',
        region: 'eu-west-1',
        fileSystemId: 'fs-1',
        state: 'decommissioned',
        confirmedBy: 'U1, admin',
        guards: [],
        steps: [
          { operation: 'DeleteAccessPoint', resourceId: 'fsap-1', at: 't1', awsRequestId: 'r1' },
          { operation: 'DeleteFileSystem', resourceId: 'fs-1', at: 't2', awsRequestId: 'r2' },
        ],
      },
    ]);
    const lines = csv.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('"U1, admin"');
    expect(lines[2]).toContain('DeleteFileSystem,fs-1,t2,r2');
  });
});
