/**
 * AWS Backup on the estate through the real SDK client: REST-JSON routes, jobs that advance
 * CREATED → RUNNING → COMPLETED on the estate's timeline (FAILED in a vault marked to fail),
 * IdempotencyToken answering the same job, and errors the SDK raises as its own classes.
 */
import {
  BackupClient,
  DescribeBackupJobCommand,
  MissingParameterValueException,
  ResourceNotFoundException,
  StartBackupJobCommand,
} from '@aws-sdk/client-backup';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.ts';
import { parseEstate } from '../../src/estate/load.ts';
import { startEstateServer, type EstateServer } from '../../src/estate/server.ts';
import { DEFAULT_TIMING } from '../../src/estate/timing.ts';
import { BASE_CREDENTIALS } from './helpers.ts';

const ACCOUNT = '888888888888';
const REGION = 'eu-west-1';
const FS = 'fs-08080808080808081';
const FS_ARN = `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/${FS}`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/backup`;

const ESTATE = {
  callerAccountId: ACCOUNT,
  accounts: [
    {
      accountId: ACCOUNT,
      regions: {
        [REGION]: {
          fileSystems: [{ FileSystemId: FS }],
          backupVaults: [{ BackupVaultName: 'keep' }, { BackupVaultName: 'broken', failJobs: true }],
        },
      },
    },
  ],
};

let server: EstateServer | undefined;
let client: BackupClient | undefined;
afterEach(async () => {
  client?.destroy();
  await server?.close();
  server = client = undefined;
});

async function start() {
  const clock = new ManualClock(new Date('2026-06-01T09:00:00Z'));
  server = await startEstateServer({ estate: parseEstate(ESTATE, 'backup'), clock });
  client = new BackupClient({
    endpoint: server.endpoint,
    region: REGION,
    credentials: BASE_CREDENTIALS,
    maxAttempts: 1,
  });
  return { clock, client };
}

describe('estate AWS Backup', () => {
  it('completes a backup job after a while, once per IdempotencyToken', async () => {
    const { clock, client } = await start();
    const input = {
      BackupVaultName: 'keep',
      ResourceArn: FS_ARN,
      IamRoleArn: ROLE,
      IdempotencyToken: 'tok-1',
    };
    const started = await client.send(new StartBackupJobCommand(input));
    expect(started.BackupJobId).toBeTruthy();
    expect((await client.send(new StartBackupJobCommand(input))).BackupJobId).toBe(started.BackupJobId);
    const read = () => client.send(new DescribeBackupJobCommand({ BackupJobId: started.BackupJobId }));
    expect((await read()).State).toBe('CREATED');
    clock.advance(DEFAULT_TIMING.backupJobPhaseMs);
    expect((await read()).State).toBe('RUNNING');
    clock.advance(DEFAULT_TIMING.backupJobPhaseMs);
    const done = await read();
    expect(done.State).toBe('COMPLETED');
    expect(done.RecoveryPointArn).toBe(started.RecoveryPointArn);
    expect(done.ResourceType).toBe('EFS');
    expect(done.CompletionDate).toBeInstanceOf(Date);
  });

  it('fails every job of a vault marked to fail', async () => {
    const { clock, client } = await start();
    const started = await client.send(
      new StartBackupJobCommand({ BackupVaultName: 'broken', ResourceArn: FS_ARN, IamRoleArn: ROLE }),
    );
    clock.advance(2 * DEFAULT_TIMING.backupJobPhaseMs);
    const job = await client.send(new DescribeBackupJobCommand({ BackupJobId: started.BackupJobId }));
    expect(job.State).toBe('FAILED');
    expect(job.StatusMessage).toMatch(/broken/);
    expect(job.RecoveryPointArn).toBeUndefined();
  });

  it('answers an unknown vault, resource or job with ResourceNotFoundException, a missing role with MissingParameterValueException', async () => {
    const { client } = await start();
    await expect(
      client.send(
        new StartBackupJobCommand({ BackupVaultName: 'nope', ResourceArn: FS_ARN, IamRoleArn: ROLE }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      client.send(
        new StartBackupJobCommand({
          BackupVaultName: 'keep',
          ResourceArn: FS_ARN.replace('081', '089'),
          IamRoleArn: ROLE,
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      client.send(new DescribeBackupJobCommand({ BackupJobId: 'missing' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      client.send(
        new StartBackupJobCommand({ BackupVaultName: 'keep', ResourceArn: FS_ARN, IamRoleArn: '' }),
      ),
    ).rejects.toBeInstanceOf(MissingParameterValueException);
  });

  it('rejects a vault name AWS would not accept in the estate file', () => {
    expect(() =>
      parseEstate(
        {
          ...ESTATE,
          accounts: [
            { accountId: ACCOUNT, regions: { [REGION]: { backupVaults: [{ BackupVaultName: 'a b' }] } } },
          ],
        },
        'bad-vault',
      ),
    ).toThrow(/BackupVaultName/);
  });
});
