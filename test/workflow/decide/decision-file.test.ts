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

  it('says to quote an account ID that YAML read as a number, with the leading zero it dropped', () => {
    const yaml = [
      'decisions:',
      '  - { fileSystemId: fs-0a0000000000000a1, accountId: 012345678901, scope: excluded, reason: x }',
      '  - { fileSystemId: fs-0a0000000000000a2, accountId: 345678901234, scope: excluded, reason: x }',
    ].join('\n');
    const problems = problemsOf(() => parseDecisionFile(yaml, 'yaml'));
    expect(problems).toEqual([
      'decisions[0].accountId: the account ID was read as the number 12345678901 (its leading zero dropped): quote it, accountId: "012345678901"',
      'decisions[1].accountId: the account ID was read as the number 345678901234: quote it, accountId: "345678901234"',
    ]);
  });

  it('names the line and column of a JSON syntax error', () => {
    const json = ['{', '  "decisions": [', '    { fileSystemId: "fs-0a0000000000000a1" }', '  ]', '}'].join(
      '\n',
    );
    expect(problemsOf(() => parseDecisionFile(json, 'json'))).toEqual([
      expect.stringMatching(/^not valid JSON: .* at line 3, column 7$/),
    ]);
    expect(problemsOf(() => parseDecisionFile('{"decisions": [\n', 'json'))).toEqual([
      expect.stringMatching(/^not valid JSON: .*end of JSON input at line 2, the end of the file/),
    ]);
  });
});

function problemsOf(parse: () => unknown): string[] {
  try {
    parse();
  } catch (e) {
    if (e instanceof DecisionFileError) return e.problems;
    throw e;
  }
  throw new Error('expected a DecisionFileError');
}
