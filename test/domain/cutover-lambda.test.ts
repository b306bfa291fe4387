import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import type { LambdaFunctionConsumer } from '../../src/domain/consumers.ts';
import { planLambdaFunctionChange } from '../../src/domain/cutover-lambda.ts';
import { AP_SOURCE, AP_TWIN, AP_UNCOPIED, apArn, mapping } from '../fixtures/cutover.ts';

const FN = 'arn:aws:lambda:eu-west-1:111111111111:function:thumbs';
const sourceAps = new Set([AP_SOURCE, AP_UNCOPIED]);

const latest = {
  FunctionName: 'thumbs',
  FunctionArn: FN,
  Version: '$LATEST',
  RevisionId: 'rev-latest',
  CodeSha256: 'code-1',
  MemorySize: 256,
  Environment: { Variables: { MODE: 'prod' } },
  FileSystemConfigs: [{ Arn: apArn(AP_SOURCE), LocalMountPath: '/mnt/data' }],
} satisfies FunctionConfiguration;

const consumer = (
  versions: string[],
  aliases: { name: string; functionVersion: string }[] = [],
): LambdaFunctionConsumer => ({
  kind: 'lambda-function',
  id: FN,
  name: 'thumbs',
  tags: {},
  references: [],
  functionArn: FN,
  versions,
  aliases,
  revisionId: 'rev-latest',
});

describe('planLambdaFunctionChange', () => {
  it('updates $LATEST conditionally on its RevisionId, same mount path, twin access point ARN', () => {
    const plan = planLambdaFunctionChange(consumer(['$LATEST']), { mapping, latest }, sourceAps);
    expect(plan.calls.map((c) => c.operation)).toEqual([
      'UpdateFunctionConfiguration',
      'GetFunctionConfiguration',
    ]);
    expect(plan.calls[0]?.input).toEqual({
      FunctionName: FN,
      RevisionId: 'rev-latest',
      FileSystemConfigs: [{ Arn: apArn(AP_TWIN), LocalMountPath: '/mnt/data' }],
    });
    expect(plan.inverse).toEqual([
      expect.objectContaining({
        operation: 'UpdateFunctionConfiguration',
        input: {
          FunctionName: FN,
          RevisionId: '<revision of thumbs after the update>',
          FileSystemConfigs: latest.FileSystemConfigs,
        },
      }),
    ]);
  });

  it('behind an alias: publishes (code pinned) and moves the alias; the inverse moves it back first', () => {
    const plan = planLambdaFunctionChange(
      consumer(['$LATEST', '4'], [{ name: 'live', functionVersion: '4' }]),
      {
        mapping,
        latest,
        aliases: [{ Name: 'live', FunctionVersion: '4', RevisionId: 'rev-alias' }],
        versions: { '4': { ...latest, Version: '4', RevisionId: 'rev-4', FunctionArn: `${FN}:4` } },
      },
      sourceAps,
    );
    expect(plan.calls.map((c) => c.operation)).toEqual([
      'UpdateFunctionConfiguration',
      'GetFunctionConfiguration',
      'PublishVersion',
      'UpdateAlias',
    ]);
    expect(plan.calls[2]?.input).toMatchObject({
      CodeSha256: 'code-1',
      RevisionId: '<revision of thumbs after the update>',
    });
    expect(plan.calls[3]?.input).toEqual({
      FunctionName: FN,
      Name: 'live',
      FunctionVersion: '<version of thumbs published for the cutover>',
      RevisionId: 'rev-alias',
    });
    expect(plan.inverse.map((c) => [c.operation, c.input.FunctionVersion])).toEqual([
      ['UpdateAlias', '4'],
      ['UpdateFunctionConfiguration', undefined],
    ]);
  });

  it('refuses to move an alias whose version differs from $LATEST beyond the mount, naming what differs', () => {
    const version3: FunctionConfiguration = {
      ...latest,
      Version: '3',
      CodeSha256: 'code-0',
      MemorySize: 128,
    };
    expect(() =>
      planLambdaFunctionChange(
        consumer(['$LATEST', '3'], [{ name: 'live', functionVersion: '3' }]),
        {
          mapping,
          latest,
          aliases: [{ Name: 'live', FunctionVersion: '3' }],
          versions: { '3': version3 },
        },
        sourceAps,
      ),
    ).toThrow(/alias live runs version 3, which differs from \$LATEST in CodeSha256, MemorySize/);
  });

  it('refuses an access point the build did not copy, and a function without a RevisionId', () => {
    const uncopied = {
      ...latest,
      FileSystemConfigs: [{ Arn: apArn(AP_UNCOPIED), LocalMountPath: '/mnt/x' }],
    };
    expect(() =>
      planLambdaFunctionChange(consumer(['$LATEST']), { mapping, latest: uncopied }, sourceAps),
    ).toThrow(new RegExp(`FileSystemConfigs\\[0\\] uses access point ${AP_UNCOPIED}`));
    const { RevisionId: _r, ...unversioned } = latest;
    expect(() =>
      planLambdaFunctionChange(consumer(['$LATEST']), { mapping, latest: unversioned }, sourceAps),
    ).toThrow(/without a RevisionId/);
  });

  it('notes published versions no alias points at: they cannot change', () => {
    const plan = planLambdaFunctionChange(consumer(['$LATEST', '2']), { mapping, latest }, sourceAps);
    expect(plan.notes).toEqual([
      expect.stringMatching(/version 2 of thumbs mounts the source and cannot be changed/),
    ]);
  });
});
