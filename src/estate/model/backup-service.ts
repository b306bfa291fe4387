/**
 * AWS Backup on the estate (REST-JSON, aws-models/backup): StartBackupJob and DescribeBackupJob for
 * EFS file systems. A job goes CREATED → RUNNING → COMPLETED on the estate's timeline (one
 * `backupJobPhaseMs` per phase), or ends FAILED when its vault is marked `failJobs`. AWS rules kept:
 * IamRoleArn, BackupVaultName and ResourceArn are required; an unknown vault or resource is
 * ResourceNotFoundException; an IdempotencyToken seen before (same job inputs) answers the same job.
 */
import { randomUUID } from 'node:crypto';
import type {
  BackupJobState,
  DescribeBackupJobCommandOutput,
  StartBackupJobCommandInput,
  StartBackupJobCommandOutput,
} from '@aws-sdk/client-backup';
import { AwsApiError } from './api-error.ts';
import type { CallContext, EstateModel } from './estate-model.ts';

type Wire<T> = Omit<T, '$metadata'>;

interface BackupJob {
  accountId: string;
  region: string;
  id: string;
  token?: string;
  vaultName: string;
  resourceArn: string;
  roleArn: string;
  state: BackupJobState;
  created: Date;
  completed?: Date;
  recoveryPointArn: string;
  statusMessage?: string;
  deleteAfterDays?: number;
}

export const backupErrors = {
  notFound: (m: string) => new AwsApiError('ResourceNotFoundException', m, 400, 'Sender', { Type: 'User' }),
  invalid: (m: string) =>
    new AwsApiError('InvalidParameterValueException', m, 400, 'Sender', { Type: 'User' }),
  missing: (m: string) =>
    new AwsApiError('MissingParameterValueException', m, 400, 'Sender', { Type: 'User' }),
  throttling: () => new AwsApiError('ThrottlingException', 'Rate exceeded', 400),
  internal: (m: string) =>
    new AwsApiError('ServiceUnavailableException', m, 500, 'Receiver', { Type: 'Server' }),
};

/** AWS Backup's error document: `{Code, Message, Type}` next to the x-amzn-errortype header. */
export function backupErrorBody(e: AwsApiError): Record<string, unknown> {
  return { Code: e.code, Message: e.message, ...e.members };
}

const EFS_ARN = /^arn:aws[a-z-]*:elasticfilesystem:([a-z0-9-]+):(\d{12}):file-system\/(fs-[0-9a-f]+)$/;

export class BackupService {
  private readonly jobs: BackupJob[] = [];
  constructor(private readonly model: EstateModel) {}

  startBackupJob(ctx: CallContext, input: StartBackupJobCommandInput): Wire<StartBackupJobCommandOutput> {
    if (!input.BackupVaultName) throw backupErrors.missing('BackupVaultName is required.');
    if (!input.ResourceArn) throw backupErrors.missing('ResourceArn is required.');
    if (!input.IamRoleArn) throw backupErrors.missing('IamRoleArn is required.');
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(input.IamRoleArn))
      throw backupErrors.invalid(`Invalid IamRoleArn ${input.IamRoleArn}.`);
    const vault = (this.model.region(ctx).backupVaults ?? []).find(
      (v) => v.BackupVaultName === input.BackupVaultName,
    );
    if (!vault) throw backupErrors.notFound(`Backup vault ${input.BackupVaultName} does not exist.`);
    const m = EFS_ARN.exec(input.ResourceArn);
    const fs =
      m && m[1] === ctx.region && m[2] === ctx.accountId
        ? this.model
            .region(ctx)
            .fileSystems.find((f) => f.FileSystemId === m[3] && f.LifeCycleState !== 'deleted')
        : undefined;
    if (!fs) throw backupErrors.notFound(`Resource ${input.ResourceArn} was not found.`);
    const same = input.IdempotencyToken
      ? this.jobs.find((j) => j.accountId === ctx.accountId && j.token === input.IdempotencyToken)
      : undefined;
    if (same) return this.started(same);
    const now = this.model.now();
    const id = randomUUID().toUpperCase();
    const job: BackupJob = {
      accountId: ctx.accountId,
      region: ctx.region,
      id,
      ...(input.IdempotencyToken ? { token: input.IdempotencyToken } : {}),
      vaultName: vault.BackupVaultName,
      resourceArn: input.ResourceArn,
      roleArn: input.IamRoleArn,
      state: 'CREATED',
      created: now,
      recoveryPointArn: `arn:aws:backup:${ctx.region}:${ctx.accountId}:recovery-point:${randomUUID()}`,
      ...(input.Lifecycle?.DeleteAfterDays ? { deleteAfterDays: input.Lifecycle.DeleteAfterDays } : {}),
    };
    this.jobs.push(job);
    const phase = this.model.timing.backupJobPhaseMs;
    this.model.timeline.at(now.getTime() + phase, () => {
      job.state = 'RUNNING';
    });
    this.model.timeline.at(now.getTime() + 2 * phase, () => {
      if (vault.failJobs) {
        job.state = 'FAILED';
        job.statusMessage = `The estate's vault ${vault.BackupVaultName} is marked to fail every backup job.`;
      } else {
        job.state = 'COMPLETED';
        job.completed = this.model.now();
      }
    });
    return this.started(job);
  }

  describeBackupJob(ctx: CallContext, input: { BackupJobId?: string }): Wire<DescribeBackupJobCommandOutput> {
    const job = this.jobs.find((j) => j.accountId === ctx.accountId && j.id === input.BackupJobId);
    if (!job) throw backupErrors.notFound(`Backup job ${input.BackupJobId} does not exist.`);
    return {
      AccountId: job.accountId,
      BackupJobId: job.id,
      BackupVaultName: job.vaultName,
      BackupVaultArn: `arn:aws:backup:${job.region}:${job.accountId}:backup-vault:${job.vaultName}`,
      ResourceArn: job.resourceArn,
      ResourceType: 'EFS',
      IamRoleArn: job.roleArn,
      CreationDate: job.created,
      State: job.state,
      ...(job.state === 'COMPLETED' ? { RecoveryPointArn: job.recoveryPointArn, PercentDone: '100.0' } : {}),
      ...(job.completed ? { CompletionDate: job.completed } : {}),
      ...(job.statusMessage ? { StatusMessage: job.statusMessage } : {}),
      ...(job.deleteAfterDays ? { RecoveryPointLifecycle: { DeleteAfterDays: job.deleteAfterDays } } : {}),
    } satisfies Wire<DescribeBackupJobCommandOutput>;
  }

  private started(job: BackupJob): Wire<StartBackupJobCommandOutput> {
    return {
      BackupJobId: job.id,
      RecoveryPointArn: job.recoveryPointArn,
      CreationDate: job.created,
    } satisfies Wire<StartBackupJobCommandOutput>;
  }
}
