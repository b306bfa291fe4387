import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvalidParameterValueException,
  LambdaClient,
  ListAliasesCommand,
  ListTagsCommand,
  ListVersionsByFunctionCommand,
  paginateListFunctions,
  PreconditionFailedException,
  PublishVersionCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
  type FunctionConfiguration,
} from '@aws-sdk/client-lambda';
import { ManualClock } from '../../src/domain/clock.ts';
import { EstateFileError } from '../../src/estate/errors.ts';
import { parseEstate } from '../../src/estate/load.ts';
import { SAMPLE_ESTATE_PATH } from '../../src/estate/samples/index.ts';
import { startEstateServer, type EstateServer } from '../../src/estate/server.ts';
import { DEFAULT_TIMING } from '../../src/estate/timing.ts';
import { BASE_CREDENTIALS } from './helpers.ts';

const ACCOUNT = '345678901234';
const REGION = 'us-east-1';
const THUMBNAILER = 'merchant-thumbnailer';
const AP = `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:access-point/fsap-f6478ec4fb73d5f11`;
const SUBNETS = ['subnet-0a1b2c3d4e5f60711', 'subnet-0a1b2c3d4e5f60712'];
const SG = 'sg-0a1b2c3d4e5f6071b';
/** An access point the estate does not have. */
const TWIN_AP = 'fsap-0123456789abcdef0';

type Json = Record<string, unknown>;
let sample: Json;
let clock: ManualClock;
let server: EstateServer | undefined;
let lambda: LambdaClient;

/** The sample estate with the account's functions replaced or extended. */
function withFunctions(edit: (functions: Json[]) => void): Json {
  const copy = structuredClone(sample);
  const account = (copy.accounts as Json[]).find((a) => a.accountId === ACCOUNT)!;
  const region = (account.regions as Record<string, Json>)[REGION]!;
  edit((region.lambda as { functions: Json[] }).functions);
  return copy;
}

async function start(estate: Json = sample, defaultPageSize = 5): Promise<void> {
  clock = new ManualClock(new Date('2026-02-01T10:00:00Z'));
  // The sample's caller is another account; any access key the estate did not issue acts as it,
  // so this estate names the Lambda account as the caller.
  server = await startEstateServer({
    estate: parseEstate({ ...estate, callerAccountId: ACCOUNT }, 'test'),
    clock,
    defaultPageSize,
  });
  lambda = new LambdaClient({
    region: REGION,
    endpoint: server!.endpoint,
    credentials: BASE_CREDENTIALS,
    maxAttempts: 1,
  });
}

beforeEach(async () => {
  sample = JSON.parse(await readFile(SAMPLE_ESTATE_PATH, 'utf8')) as Json;
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const config = (Qualifier?: string) =>
  lambda.send(
    new GetFunctionConfigurationCommand({ FunctionName: THUMBNAILER, ...(Qualifier ? { Qualifier } : {}) }),
  );

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to fail');
}

describe('Lambda reads', () => {
  beforeEach(() => start());

  test('ListFunctions pages with Marker/NextMarker; FunctionVersion ALL adds the published versions', async () => {
    const names: string[] = [];
    for await (const page of paginateListFunctions({ client: lambda, pageSize: 1 }, {}))
      names.push(...(page.Functions ?? []).map((f) => f.FunctionName!));
    expect(names).toEqual(['merchant-thumbnailer', 'merchant-webhooks']);

    const all: FunctionConfiguration[] = [];
    for await (const page of paginateListFunctions(
      { client: lambda, pageSize: 2 },
      { FunctionVersion: 'ALL' },
    ))
      all.push(...(page.Functions ?? []));
    expect(all.map((f) => `${f.FunctionName}:${f.Version}`)).toEqual([
      'merchant-thumbnailer:$LATEST',
      'merchant-thumbnailer:1',
      'merchant-thumbnailer:2',
      'merchant-webhooks:$LATEST',
    ]);
    // ListFunctions answers a subset: no State or LastUpdateStatus (the API reference says so).
    expect(all[0]!.LastUpdateStatus).toBeUndefined();
    await expect(
      lambda.send(new GetFunctionCommand({ FunctionName: 'merchant-webhooks' })),
    ).resolves.toMatchObject({
      Configuration: { LastUpdateStatus: 'Successful', State: 'Active' },
    });
  });

  test('GetFunctionConfiguration by qualifier: $LATEST, a version, an alias', async () => {
    const latest = await config();
    expect(latest).toMatchObject({
      FunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${THUMBNAILER}`,
      Version: '$LATEST',
      Runtime: 'nodejs20.x',
      MemorySize: 512,
      VpcConfig: { SubnetIds: SUBNETS, SecurityGroupIds: [SG], VpcId: 'vpc-0a1b2c3d4e5f60718' },
      FileSystemConfigs: [{ Arn: AP, LocalMountPath: '/mnt/uploads' }],
    });
    expect((await config('1')).MemorySize).toBe(256);
    expect(await config('live')).toMatchObject({ Version: '2', FunctionArn: `${latest.FunctionArn}:live` });
    const viaArn = await lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: `${latest.FunctionArn}:1` }),
    );
    expect(viaArn.Version).toBe('1');

    const got = await lambda.send(new GetFunctionCommand({ FunctionName: THUMBNAILER }));
    expect(got.Tags).toEqual({ app: 'merchant-portal', owner: 'U07MERCHANT' });
    expect(got.Code?.RepositoryType).toBe('S3');
    await expect(lambda.send(new ListTagsCommand({ Resource: latest.FunctionArn }))).resolves.toMatchObject({
      Tags: { app: 'merchant-portal', owner: 'U07MERCHANT' },
    });
    const versions = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: THUMBNAILER }));
    expect(versions.Versions?.map((v) => v.Version)).toEqual(['$LATEST', '1', '2']);
    const aliases = await lambda.send(
      new ListAliasesCommand({ FunctionName: THUMBNAILER, FunctionVersion: '2' }),
    );
    expect(aliases.Aliases?.map((a) => a.Name)).toEqual(['live']);
  });

  test('unknown functions, versions and aliases raise ResourceNotFoundException', async () => {
    const missing = await rejection(
      lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'nope' })),
    );
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect(missing.message).toBe(`Function not found: arn:aws:lambda:${REGION}:${ACCOUNT}:function:nope`);
    expect(await rejection(config('9'))).toBeInstanceOf(ResourceNotFoundException);
    expect(
      await rejection(lambda.send(new GetAliasCommand({ FunctionName: THUMBNAILER, Name: 'beta' }))),
    ).toBeInstanceOf(ResourceNotFoundException);
    expect(await rejection(lambda.send(new ListAliasesCommand({ FunctionName: 'nope' })))).toBeInstanceOf(
      ResourceNotFoundException,
    );
  });
});

describe('UpdateFunctionConfiguration', () => {
  test('InProgress, then Successful once the update time has passed; each change a new RevisionId', async () => {
    await start();
    const before = await config();
    const answer = await lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: THUMBNAILER,
        RevisionId: before.RevisionId,
        MemorySize: 1024,
      }),
    );
    expect(answer).toMatchObject({ LastUpdateStatus: 'InProgress', MemorySize: 1024 });
    expect(answer.RevisionId).not.toBe(before.RevisionId);
    clock.advance(DEFAULT_TIMING.lambdaUpdateMs - 1);
    expect((await config()).LastUpdateStatus).toBe('InProgress');
    clock.advance(1);
    const after = await config();
    expect(after).toMatchObject({ LastUpdateStatus: 'Successful', MemorySize: 1024 });
    expect(after.RevisionId).not.toBe(answer.RevisionId);
    // Versions keep their own configuration.
    expect((await config('2')).MemorySize).toBe(512);
  });

  test('a stale RevisionId is PreconditionFailedException; an update during an update is ResourceConflictException', async () => {
    await start();
    const stale = await rejection(
      lambda.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: THUMBNAILER,
          RevisionId: 'stale',
          Timeout: 60,
        }),
      ),
    );
    expect(stale).toBeInstanceOf(PreconditionFailedException);
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: THUMBNAILER, Timeout: 60 }));
    const busy = await rejection(
      lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: THUMBNAILER, Timeout: 90 })),
    );
    expect(busy).toBeInstanceOf(ResourceConflictException);
    expect(busy.message).toContain('An update is in progress for resource');
    const publish = await rejection(lambda.send(new PublishVersionCommand({ FunctionName: THUMBNAILER })));
    expect(publish).toBeInstanceOf(ResourceConflictException);
  });

  test('a function tagged estate:fail-update ends Failed with a reason and keeps its previous configuration', async () => {
    await start(
      withFunctions((fns) => {
        (fns[0]!.Tags as Record<string, string>)['estate:fail-update'] = 'true';
      }),
    );
    await lambda.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: THUMBNAILER, MemorySize: 2048 }),
    );
    clock.advance(DEFAULT_TIMING.lambdaUpdateMs);
    expect(await config()).toMatchObject({
      LastUpdateStatus: 'Failed',
      LastUpdateStatusReasonCode: 'EFSMountFailure',
      LastUpdateStatusReason: expect.stringContaining(AP),
      MemorySize: 512,
    });
  });

  test('file systems need a VPC (AWS message) and an access point that exists in the estate', async () => {
    await start();
    const noVpc = await rejection(
      lambda.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: 'merchant-webhooks',
          FileSystemConfigs: [{ Arn: AP, LocalMountPath: '/mnt/uploads' }],
        }),
      ),
    );
    expect(noVpc).toBeInstanceOf(InvalidParameterValueException);
    expect(noVpc.message).toBe(
      `Function must be configured to execute in a VPC to reference access point ${AP}`,
    );
    const missing = await rejection(
      lambda.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: THUMBNAILER,
          FileSystemConfigs: [{ Arn: AP.replace(/fsap-.*/, TWIN_AP), LocalMountPath: '/mnt/uploads' }],
        }),
      ),
    );
    expect(missing).toBeInstanceOf(InvalidParameterValueException);
    expect(missing.message).toContain('does not exist');
    // The VPC and file system can be removed together.
    const cleared = await lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: THUMBNAILER,
        FileSystemConfigs: [],
        VpcConfig: { SubnetIds: [], SecurityGroupIds: [] },
      }),
    );
    expect(cleared.FileSystemConfigs).toBeUndefined();
    expect(cleared.VpcConfig).toBeUndefined();
  });
});

describe('PublishVersion and UpdateAlias', () => {
  beforeEach(() => start());

  test('publishing after a change makes version 3; the alias moves with its RevisionId checked', async () => {
    // Nothing changed since version 2: AWS publishes nothing new.
    expect((await lambda.send(new PublishVersionCommand({ FunctionName: THUMBNAILER }))).Version).toBe('2');
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: THUMBNAILER, Timeout: 45 }));
    clock.advance(DEFAULT_TIMING.lambdaUpdateMs);
    const published = await lambda.send(
      new PublishVersionCommand({ FunctionName: THUMBNAILER, Description: 'cutover' }),
    );
    expect(published).toMatchObject({ Version: '3', Timeout: 45, Description: 'cutover' });
    expect(published.FunctionArn).toMatch(/:merchant-thumbnailer:3$/);

    const alias = await lambda.send(new GetAliasCommand({ FunctionName: THUMBNAILER, Name: 'live' }));
    expect(
      await rejection(
        lambda.send(
          new UpdateAliasCommand({
            FunctionName: THUMBNAILER,
            Name: 'live',
            FunctionVersion: '3',
            RevisionId: 'old',
          }),
        ),
      ),
    ).toBeInstanceOf(PreconditionFailedException);
    expect(
      await rejection(
        lambda.send(
          new UpdateAliasCommand({ FunctionName: THUMBNAILER, Name: 'live', FunctionVersion: '7' }),
        ),
      ),
    ).toBeInstanceOf(ResourceNotFoundException);
    const moved = await lambda.send(
      new UpdateAliasCommand({
        FunctionName: THUMBNAILER,
        Name: 'live',
        FunctionVersion: '3',
        RevisionId: alias.RevisionId,
      }),
    );
    expect(moved.FunctionVersion).toBe('3');
    expect(moved.RevisionId).not.toBe(alias.RevisionId);
    expect((await config('live')).Timeout).toBe(45);
    expect((await config('2')).Timeout).toBe(30);
  });
});

describe('loading lambda from an estate file', () => {
  function problemsOf(json: unknown): string[] {
    try {
      parseEstate(json, 'test.json');
    } catch (e) {
      expect(e).toBeInstanceOf(EstateFileError);
      return (e as EstateFileError).problems;
    }
    throw new Error('expected the estate to be refused');
  }

  test('bad functions are refused with the path of each problem', () => {
    const at = 'accounts[1].regions.us-east-1.lambda.functions';
    const problems = problemsOf(
      withFunctions((fns) => {
        fns.push(
          { FunctionName: 'no-vpc', FileSystemConfigs: [{ Arn: AP, LocalMountPath: '/mnt/x' }] },
          {
            FunctionName: 'bad-refs',
            VpcConfig: { SubnetIds: ['subnet-0fffffffffffffff1'], SecurityGroupIds: [SG] },
            FileSystemConfigs: [{ Arn: AP.replace(/fsap-.*/, TWIN_AP), LocalMountPath: '/mnt/x' }],
            Aliases: [{ Name: 'live', FunctionVersion: '4' }],
            Tags: { 'estate:fail-update': 'sometimes' },
          },
          { FunctionName: 'merchant-webhooks' },
        );
      }),
    );
    expect(problems).toEqual([
      `${at}[2].FileSystemConfigs[0].Arn: Function must be configured to execute in a VPC to reference access point ${AP}; add VpcConfig`,
      `${at}[3].VpcConfig.SubnetIds[0]: subnet-0fffffffffffffff1 is not in this region's subnets; add it there`,
      `${at}[3].FileSystemConfigs[0].Arn: no access point ${TWIN_AP} in this region's fileSystems`,
      `${at}[3].Aliases[0].FunctionVersion: bad-refs has no published version 4; list it under Versions`,
      `${at}[3].Tags.estate:fail-update: "sometimes" is neither "true" nor a LastUpdateStatusReasonCode (e.g. EFSMountFailure)`,
      `${at}[4].FunctionName: merchant-webhooks is already the name of lambda.functions[1]`,
    ]);
  });

  test('schema problems name the member', () => {
    const problems = problemsOf(
      withFunctions((fns) => {
        fns.push({
          FunctionName: 'x',
          Runtime: 'node99',
          MemroySize: 128,
          FileSystemConfigs: [{ Arn: 'fs-1', LocalMountPath: '/data' }],
        });
      }),
    );
    const at = 'accounts[1].regions.us-east-1.lambda.functions[2]';
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${at.replace(/[[\].]/g, '\\$&')}\\.Runtime: `)),
        `${at}.MemroySize: not a member of this AWS shape; check the spelling against the AWS API reference`,
        expect.stringContaining(`${at}.FileSystemConfigs[0].Arn: Lambda mounts EFS through an access point`),
        expect.stringContaining(
          `${at}.FileSystemConfigs[0].LocalMountPath: LocalMountPath looks like /mnt/data`,
        ),
      ]),
    );
  });
});
