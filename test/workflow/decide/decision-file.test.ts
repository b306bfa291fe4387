import { describe, expect, it } from 'vitest';
import { DecisionFileError, formatOf, parseDecisionFile } from '../../../src/workflow/decide/index.ts';

describe('parseDecisionFile', () => {
  it('reads YAML with constraints and an exclusion', () => {
    const file = parseDecisionFile(
      [
        'scanId: scan-1',
        'decisions:',
        '  - fileSystemId: fs-0a0000000000000a1',
        '    scope: in_scope',
        '    targetKey: alias/app-efs',
        '    method: datasync',
        '    constraints: { maintenanceWindow: "Sat 02:00-06:00 UTC" }',
        '  - fileSystemId: fs-0a0000000000000a3',
        '    accountId: "111111111111"',
        '    scope: excluded',
        '    reason: scratch',
      ].join('\n'),
      'yaml',
    );
    expect(file).toEqual({
      scanId: 'scan-1',
      choices: [
        {
          fileSystemId: 'fs-0a0000000000000a1',
          scope: 'in_scope',
          targetKey: 'alias/app-efs',
          method: 'datasync',
          constraints: { maintenanceWindow: 'Sat 02:00-06:00 UTC' },
        },
        {
          fileSystemId: 'fs-0a0000000000000a3',
          accountId: '111111111111',
          scope: 'excluded',
          exclusionReason: 'scratch',
        },
      ],
    });
  });

  it('reads a JSON list', () => {
    expect(
      parseDecisionFile('[{"fileSystemId":"fs-0a0000000000000a3","scope":"excluded","reason":"x"}]', 'json')
        .choices,
    ).toHaveLength(1);
  });

  it('names the path of every problem', () => {
    try {
      parseDecisionFile(
        JSON.stringify({
          decisions: [
            { fileSystemId: 'fs-0a0000000000000a1', scope: 'in_scope', method: 'scp' },
            { fileSystemId: 'nope', scope: 'excluded' },
          ],
        }),
        'json',
        'plan.json',
      );
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DecisionFileError);
      expect((e as DecisionFileError).problems).toEqual([
        'decisions[0].method: expected one of datasync, rsync, replication',
        'decisions[1].fileSystemId: expected a file system ID such as fs-0123456789abcdef0',
        'decisions[1].reason: an exclusion needs a reason',
      ]);
    }
  });

  it('reports unparseable text and picks the format from the name', () => {
    expect(() => parseDecisionFile('decisions: [', 'yaml')).toThrow(/not valid YAML/);
    expect(formatOf('plan.YML')).toBe('yaml');
    expect(formatOf('plan.json')).toBe('json');
  });
});
