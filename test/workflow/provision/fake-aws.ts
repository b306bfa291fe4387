import {
  AccessPointAlreadyExists,
  CreateAccessPointCommand,
  CreateFileSystemCommand,
  CreateMountTargetCommand,
  DescribeAccessPointsCommand,
  DescribeFileSystemsCommand,
  DescribeMountTargetsCommand,
  EFSClient,
  FileSystemAlreadyExists,
  FileSystemNotFound,
  MountTargetConflict,
  PutBackupPolicyCommand,
  PutFileSystemPolicyCommand,
  PutLifecycleConfigurationCommand,
  type AccessPointDescription,
  type EFSClientResolvedConfig,
  type ServiceInputTypes as EfsIn,
  type ServiceOutputTypes as EfsOut,
  type FileSystemDescription,
  type MountTargetDescription,
} from '@aws-sdk/client-efs';
import {
  DescribeKeyCommand,
  KMSClient,
  NotFoundException,
  type KeyState,
  type KMSClientResolvedConfig,
  type ServiceInputTypes as KmsIn,
  type ServiceOutputTypes as KmsOut,
} from '@aws-sdk/client-kms';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import type { ManualClock } from '../../../src/domain/clock.ts';
import { SdkEfsWriter } from '../../../src/aws/efs-writer.ts';

/**
 * A small stateful EFS + KMS behind aws-sdk-client-mock, for the build's unit tests: call shapes
 * are recorded by the mock, and the state follows AWS's documented rules the build relies on
 * (CreationToken reuse → FileSystemAlreadyExists with the ID, `creating` before `available`, one
 * mount target per AZ → MountTargetConflict, ClientToken idempotency of access points).
 * The integration tests use the local estate instead.
 */

export const ACCOUNT = '111111111111';
export const REGION = 'eu-west-1';
const meta = (n: number) => ({ httpStatusCode: 200, requestId: `req-${n}`, attempts: 1, totalRetryDelay: 0 });

export class FakeAws {
  readonly efs: AwsStub<EfsIn, EfsOut, EFSClientResolvedConfig>;
  readonly kms: AwsStub<KmsIn, KmsOut, KMSClientResolvedConfig>;
  readonly fileSystems = new Map<string, FileSystemDescription & { createdAt: number }>();
  readonly mountTargets: (MountTargetDescription & { createdAt: number })[] = [];
  readonly accessPoints: AccessPointDescription[] = [];
  readonly keys = new Map<string, { arn: string; state: KeyState }>();
  readonly policies = new Map<string, string>();
  readonly backup = new Map<string, string>();
  readonly lifecycle = new Map<string, unknown>();
  /** Errors thrown by the next call of an operation (then removed). */
  readonly failNext = new Map<string, Error>();
  /** How long new resources stay `creating`. */
  creatingMs = 3_000;
  /** Leave FileSystemId out of FileSystemAlreadyExists, as moto 5.2 does. */
  omitExistingId = false;
  private n = 0;

  constructor(
    private readonly clock: ManualClock,
    readonly subnets: Record<string, string>,
  ) {
    this.efs = mockClient(EFSClient);
    this.kms = mockClient(KMSClient);
    this.install();
  }

  writer(): SdkEfsWriter {
    const config = { region: REGION, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' } };
    return new SdkEfsWriter(new EFSClient(config), new KMSClient(config));
  }

  addKey(id: string, state: KeyState = 'Enabled'): string {
    const arn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}`;
    this.keys.set(arn, { arn, state });
    this.keys.set(id, { arn, state });
    return arn;
  }

  setKeyState(arn: string, state: KeyState): void {
    for (const [k, v] of this.keys) if (v.arn === arn) this.keys.set(k, { ...v, state });
  }

  restore(): void {
    this.efs.restore();
    this.kms.restore();
  }

  private hex(): string {
    return (++this.n).toString(16).padStart(17, '0');
  }

  private state(createdAt: number): 'creating' | 'available' {
    return this.clock.now().getTime() - createdAt >= this.creatingMs ? 'available' : 'creating';
  }

  private fail(op: string): void {
    const e = this.failNext.get(op);
    if (e) {
      this.failNext.delete(op);
      throw e;
    }
  }

  private install(): void {
    // Loosely typed: each fake builds its answer from the SDK's own shapes, checked by the tests' assertions.
    const efs = this.efs as unknown as {
      on: (c: unknown) => { callsFake: (f: (input: never) => unknown) => void };
    };
    const kms = this.kms as unknown as typeof efs;

    efs
      .on(CreateFileSystemCommand)
      .callsFake(
        (input: {
          CreationToken: string;
          KmsKeyId?: string;
          Encrypted?: boolean;
          Tags?: { Key: string; Value: string }[];
          PerformanceMode?: string;
          ThroughputMode?: string;
          ProvisionedThroughputInMibps?: number;
        }) => {
          this.fail('CreateFileSystem');
          const existing = [...this.fileSystems.values()].find(
            (f) => f.CreationToken === input.CreationToken,
          );
          if (existing)
            throw new FileSystemAlreadyExists({
              message: 'File system already exists',
              $metadata: meta(++this.n),
              ErrorCode: 'FileSystemAlreadyExists',
              FileSystemId: this.omitExistingId ? undefined : existing.FileSystemId,
            });
          const key = input.KmsKeyId ? this.keys.get(input.KmsKeyId) : undefined;
          const id = `fs-${this.hex()}`;
          const fs = {
            FileSystemId: id,
            FileSystemArn: `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/${id}`,
            CreationToken: input.CreationToken,
            OwnerId: ACCOUNT,
            CreationTime: this.clock.now(),
            LifeCycleState: 'creating' as const,
            NumberOfMountTargets: 0,
            SizeInBytes: { Value: 0 },
            PerformanceMode: (input.PerformanceMode ?? 'generalPurpose') as 'generalPurpose',
            ThroughputMode: (input.ThroughputMode ?? 'bursting') as 'bursting',
            ProvisionedThroughputInMibps: input.ProvisionedThroughputInMibps,
            Encrypted: input.Encrypted ?? false,
            KmsKeyId: key?.arn,
            Tags: input.Tags ?? [],
            createdAt: this.clock.now().getTime(),
          };
          this.fileSystems.set(id, fs);
          return { ...fs, $metadata: meta(++this.n) };
        },
      );
    efs
      .on(DescribeFileSystemsCommand)
      .callsFake((input: { FileSystemId?: string; CreationToken?: string }) => {
        this.fail('DescribeFileSystems');
        const list = [...this.fileSystems.values()].filter(
          (f) =>
            (!input.FileSystemId || f.FileSystemId === input.FileSystemId) &&
            (!input.CreationToken || f.CreationToken === input.CreationToken),
        );
        if (input.FileSystemId && list.length === 0)
          throw new FileSystemNotFound({
            message: 'not found',
            $metadata: meta(++this.n),
            ErrorCode: 'FileSystemNotFound',
          });
        return {
          FileSystems: list.map(({ createdAt, ...f }) => ({ ...f, LifeCycleState: this.state(createdAt) })),
          $metadata: meta(++this.n),
        };
      });
    efs
      .on(CreateMountTargetCommand)
      .callsFake((input: { FileSystemId: string; SubnetId: string; SecurityGroups?: string[] }) => {
        this.fail('CreateMountTarget');
        const az = this.subnets[input.SubnetId];
        if (
          this.mountTargets.some(
            (m) => m.FileSystemId === input.FileSystemId && m.AvailabilityZoneName === az,
          )
        )
          throw new MountTargetConflict({
            message: `a mount target already exists in ${az}`,
            $metadata: meta(++this.n),
            ErrorCode: 'MountTargetConflict',
          });
        const mt = {
          MountTargetId: `fsmt-${this.hex()}`,
          FileSystemId: input.FileSystemId,
          SubnetId: input.SubnetId,
          AvailabilityZoneName: az,
          LifeCycleState: 'creating' as const,
          OwnerId: ACCOUNT,
          createdAt: this.clock.now().getTime(),
        };
        this.mountTargets.push(mt);
        return { ...mt, $metadata: meta(++this.n) };
      });
    efs.on(DescribeMountTargetsCommand).callsFake((input: { FileSystemId: string }) => ({
      MountTargets: this.mountTargets
        .filter((m) => m.FileSystemId === input.FileSystemId)
        .map(({ createdAt, ...m }) => ({ ...m, LifeCycleState: this.state(createdAt) })),
      $metadata: meta(++this.n),
    }));
    efs
      .on(CreateAccessPointCommand)
      .callsFake((input: { ClientToken: string; FileSystemId: string; Tags?: unknown[] }) => {
        this.fail('CreateAccessPoint');
        const existing = this.accessPoints.find((a) => a.ClientToken === input.ClientToken);
        if (existing)
          throw new AccessPointAlreadyExists({
            message: 'exists',
            $metadata: meta(++this.n),
            ErrorCode: 'AccessPointAlreadyExists',
            AccessPointId: existing.AccessPointId,
          });
        const ap = {
          ...(input as AccessPointDescription),
          AccessPointId: `fsap-${this.hex()}`,
          LifeCycleState: 'available' as const,
        };
        this.accessPoints.push(ap);
        return { ...ap, $metadata: meta(++this.n) };
      });
    efs.on(DescribeAccessPointsCommand).callsFake((input: { FileSystemId: string }) => ({
      AccessPoints: this.accessPoints.filter((a) => a.FileSystemId === input.FileSystemId),
      $metadata: meta(++this.n),
    }));
    efs
      .on(PutLifecycleConfigurationCommand)
      .callsFake((input: { FileSystemId: string; LifecyclePolicies: unknown }) => {
        this.fail('PutLifecycleConfiguration');
        this.lifecycle.set(input.FileSystemId, input.LifecyclePolicies);
        return { LifecyclePolicies: input.LifecyclePolicies, $metadata: meta(++this.n) };
      });
    efs
      .on(PutBackupPolicyCommand)
      .callsFake((input: { FileSystemId: string; BackupPolicy: { Status: string } }) => {
        this.fail('PutBackupPolicy');
        this.backup.set(input.FileSystemId, input.BackupPolicy.Status);
        return { BackupPolicy: input.BackupPolicy, $metadata: meta(++this.n) };
      });
    efs.on(PutFileSystemPolicyCommand).callsFake((input: { FileSystemId: string; Policy: string }) => {
      this.fail('PutFileSystemPolicy');
      this.policies.set(input.FileSystemId, input.Policy);
      return { FileSystemId: input.FileSystemId, Policy: input.Policy, $metadata: meta(++this.n) };
    });
    kms.on(DescribeKeyCommand).callsFake((input: { KeyId: string }) => {
      const key = this.keys.get(input.KeyId);
      if (!key)
        throw new NotFoundException({
          message: `Key '${input.KeyId}' does not exist`,
          $metadata: meta(++this.n),
        });
      return {
        KeyMetadata: {
          KeyId: key.arn.split('/')[1],
          Arn: key.arn,
          AWSAccountId: ACCOUNT,
          KeyState: key.state,
          Enabled: key.state === 'Enabled',
          KeySpec: 'SYMMETRIC_DEFAULT',
          KeyUsage: 'ENCRYPT_DECRYPT',
          KeyManager: 'CUSTOMER',
        },
        $metadata: meta(++this.n),
      };
    });
  }
}
