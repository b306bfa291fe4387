import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { AssumeRoleCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { ManualClock } from '../../src/domain/clock.ts';
import { assumeRoleCredentials, partitionOf, roleArn } from '../../src/aws/credentials.ts';
import { AccountAccessError } from '../../src/aws/aws-errors.ts';
import { SdkStsClient } from '../../src/aws/sts.ts';
import { ErrorCode, ResponseIncompleteError } from '../../src/domain/errors.ts';

const ACCOUNT = '111122223333';
const stsMock = mockClient(STSClient);
let sdk: STSClient;

function answer(clock: ManualClock, keyId: string, lifetimeMs = 60 * 60_000) {
  return {
    Credentials: {
      AccessKeyId: keyId,
      SecretAccessKey: 'secret',
      SessionToken: 'token',
      Expiration: new Date(clock.now().getTime() + lifetimeMs),
    },
  };
}

function accessDenied(): STSServiceException {
  return new STSServiceException({
    name: 'AccessDenied',
    $fault: 'client',
    $metadata: { httpStatusCode: 403 },
    message: `User is not authorized to perform: sts:AssumeRole on resource: ${roleArn(ACCOUNT, 'EfsEncryptRole')}`,
  });
}

beforeEach(() => {
  stsMock.reset();
  sdk = new STSClient({ region: 'eu-west-1' });
});
afterEach(() => sdk.destroy());

describe('assumeRoleCredentials', () => {
  it('assumes the role with the session name and external ID, and returns its credentials', async () => {
    const clock = new ManualClock();
    stsMock.on(AssumeRoleCommand).resolves(answer(clock, 'ASIA1'));
    const provider = assumeRoleCredentials({
      sts: new SdkStsClient(sdk),
      accountId: ACCOUNT,
      roleName: 'EfsEncryptRole',
      externalId: 'ext-123',
      clock,
    });
    const creds = await provider();
    expect(creds).toMatchObject({
      accessKeyId: 'ASIA1',
      secretAccessKey: 'secret',
      sessionToken: 'token',
      accountId: ACCOUNT,
    });
    const calls = stsMock.commandCalls(AssumeRoleCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      RoleArn: 'arn:aws:iam::111122223333:role/EfsEncryptRole',
      RoleSessionName: 'efs-encrypt',
      ExternalId: 'ext-123',
      DurationSeconds: 3600,
    });
  });

  it('shares one AssumeRole among concurrent callers and caches until shortly before expiry', async () => {
    const clock = new ManualClock();
    stsMock.on(AssumeRoleCommand).resolvesOnce(answer(clock, 'ASIA1')).resolves(answer(clock, 'ASIA2'));
    const provider = assumeRoleCredentials({
      sts: new SdkStsClient(sdk),
      accountId: ACCOUNT,
      roleName: 'R',
      clock,
    });
    const first = await Promise.all([provider(), provider(), provider()]);
    expect(first.map((c) => c.accessKeyId)).toEqual(['ASIA1', 'ASIA1', 'ASIA1']);
    clock.advance(54 * 60_000);
    expect((await provider()).accessKeyId).toBe('ASIA1');
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    // Inside the five-minute margin: refreshed.
    clock.advance(2 * 60_000);
    expect((await provider()).accessKeyId).toBe('ASIA2');
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('keeps using still-valid credentials when a refresh fails, and fails once they lapse', async () => {
    const clock = new ManualClock();
    stsMock.on(AssumeRoleCommand).resolvesOnce(answer(clock, 'ASIA1')).rejects(accessDenied());
    const provider = assumeRoleCredentials({
      sts: new SdkStsClient(sdk),
      accountId: ACCOUNT,
      roleName: 'R',
      clock,
    });
    await provider();
    clock.advance(57 * 60_000);
    expect((await provider()).accessKeyId).toBe('ASIA1');
    clock.advance(4 * 60_000);
    await expect(provider()).rejects.toBeInstanceOf(AccountAccessError);
  });

  it('reports a refused AssumeRole as AccountAccessError naming the account and the AWS code', async () => {
    stsMock.on(AssumeRoleCommand).rejects(accessDenied());
    const provider = assumeRoleCredentials({ sts: new SdkStsClient(sdk), accountId: ACCOUNT, roleName: 'R' });
    const error = await provider().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccountAccessError);
    expect(error).toMatchObject({ accountId: ACCOUNT, operation: 'AssumeRole', awsCode: 'AccessDenied' });
    expect((error as AccountAccessError).userMessage).toMatch(
      /Cannot access account 111122223333: AssumeRole failed with AccessDenied/,
    );
  });

  it('reports an AssumeRole answered without credentials with its own code, and says to try again', async () => {
    stsMock.on(AssumeRoleCommand).resolves({});
    const provider = assumeRoleCredentials({ sts: new SdkStsClient(sdk), accountId: ACCOUNT, roleName: 'R' });
    const error = await provider().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccountAccessError);
    expect(error).toMatchObject({ awsCode: ErrorCode.ResponseIncomplete });
    expect((error as AccountAccessError).cause).toBeInstanceOf(ResponseIncompleteError);
    expect((error as AccountAccessError).userMessage).toContain(
      `sts:AssumeRole (${roleArn(ACCOUNT, 'R')}) answered without credentials, which efs-encrypt needs. Try again`,
    );
  });

  it('names the partition of the region in the role ARN', () => {
    expect(partitionOf('eu-west-1')).toBe('aws');
    expect(partitionOf('cn-north-1')).toBe('aws-cn');
    expect(partitionOf('us-gov-west-1')).toBe('aws-us-gov');
    expect(roleArn(ACCOUNT, 'R', 'aws-cn')).toBe('arn:aws-cn:iam::111122223333:role/R');
  });
});
