/**
 * Lambda writes with AWS's rules: UpdateFunctionConfiguration is asynchronous (`LastUpdateStatus`
 * `InProgress`, then `Successful`, or `Failed` with the previous configuration kept: "Lambda aborts
 * the update and the function's previous code and configuration remain available"), a second
 * change while one is in progress is `ResourceConflictException`, a stale `RevisionId` is
 * `PreconditionFailedException`, every change gives a new RevisionId. PublishVersion snapshots
 * $LATEST ("Lambda doesn't publish a version if the function's configuration and code haven't
 * changed since the last version"); UpdateAlias moves an alias to a version that exists.
 */
import type {
  PublishVersionCommandOutput,
  PublishVersionRequest,
  UpdateAliasCommandOutput,
  UpdateAliasRequest,
  UpdateFunctionConfigurationCommandOutput,
  UpdateFunctionConfigurationRequest,
} from '@aws-sdk/client-lambda';
import {
  FAIL_UPDATE_TAG,
  lambdaTimestamp,
  parseAccessPointArn,
  type EstateFunctionConfiguration,
  type EstateLambdaFunction,
} from '../lambda-types.ts';
import type { CallContext, EstateModel } from './estate-model.ts';
import { lambdaErrors, LambdaStore } from './lambda-store.ts';

type Body<T> = Omit<T, '$metadata'>;

/** Members that describe the configuration itself (what PublishVersion compares with the last version). */
const SNAPSHOT_EXCLUDES = new Set([
  'FunctionArn',
  'Version',
  'RevisionId',
  'LastModified',
  'State',
  'StateReason',
  'StateReasonCode',
  'LastUpdateStatus',
  'LastUpdateStatusReason',
  'LastUpdateStatusReasonCode',
  'Description',
]);

/** The members UpdateFunctionConfiguration sets, as given (the request and the configuration share names). */
const UPDATABLE = [
  'Role',
  'Handler',
  'Description',
  'Timeout',
  'MemorySize',
  'Environment',
  'Runtime',
  'DeadLetterConfig',
  'KMSKeyArn',
  'TracingConfig',
  'FileSystemConfigs',
  'EphemeralStorage',
  'LoggingConfig',
] as const;

export class LambdaWrites {
  private readonly store: LambdaStore;

  constructor(private readonly model: EstateModel) {
    this.store = new LambdaStore(model);
  }

  updateFunctionConfiguration(
    ctx: CallContext,
    input: UpdateFunctionConfigurationRequest,
  ): Body<UpdateFunctionConfigurationCommandOutput> {
    const { fn, qualifier } = this.store.resolve(ctx, input.FunctionName);
    const current = fn.Configuration;
    // "You can't modify the configuration of a published version, only the unpublished version."
    if (qualifier !== undefined && qualifier !== '$LATEST')
      throw lambdaErrors.invalidParameter(
        `Only the unpublished version ($LATEST) can be configured; ${qualifier} is a published version or alias.`,
      );
    this.requireIdle(current);
    this.requireRevision(current.RevisionId, input.RevisionId);
    this.checkLimits(input);

    const next: EstateFunctionConfiguration = structuredClone(current);
    for (const member of UPDATABLE) {
      if (input[member] !== undefined)
        (next as unknown as Record<string, unknown>)[member] = structuredClone(input[member]);
    }
    // The request and the answer shape these two differently (ARNs in, `{Arn}` objects out).
    if (input.Layers !== undefined) next.Layers = input.Layers.map((Arn) => ({ Arn }));
    if (input.SnapStart !== undefined)
      next.SnapStart = { ApplyOn: input.SnapStart.ApplyOn ?? 'None', OptimizationStatus: 'Off' };
    if (input.Environment !== undefined) next.Environment = { Variables: { ...input.Environment.Variables } };
    if (input.VpcConfig !== undefined) {
      const subnets = input.VpcConfig.SubnetIds ?? [];
      const groups = input.VpcConfig.SecurityGroupIds ?? [];
      if (subnets.length === 0 && groups.length === 0) delete next.VpcConfig;
      else
        next.VpcConfig = {
          SubnetIds: [...subnets],
          SecurityGroupIds: [...groups],
          VpcId: this.vpcOf(ctx, subnets, groups),
        };
    }
    if (next.FileSystemConfigs?.length === 0) delete next.FileSystemConfigs;
    this.checkFileSystems(ctx, next);

    const now = this.model.now();
    Object.assign(next, {
      LastModified: lambdaTimestamp(now),
      RevisionId: this.store.newRevisionId(),
      LastUpdateStatus: 'InProgress',
    });
    delete next.LastUpdateStatusReason;
    delete next.LastUpdateStatusReasonCode;
    fn.Configuration = next;
    this.model.timeline.at(now.getTime() + this.model.timing.lambdaUpdateMs, () =>
      this.finishUpdate(fn, current),
    );
    return structuredClone(next) satisfies Body<UpdateFunctionConfigurationCommandOutput>;
  }

  /** The update ends; a function tagged `estate:fail-update` fails and keeps its previous configuration. */
  private finishUpdate(fn: EstateLambdaFunction, previous: EstateFunctionConfiguration): void {
    const updated = fn.Configuration;
    const failure = fn.Tags[FAIL_UPDATE_TAG];
    if (failure === undefined) {
      fn.Configuration = {
        ...updated,
        LastUpdateStatus: 'Successful',
        RevisionId: this.store.newRevisionId(),
      };
      return;
    }
    const code = failure === 'true' ? 'EFSMountFailure' : failure;
    const mount = updated.FileSystemConfigs?.[0]?.Arn;
    fn.Configuration = {
      ...structuredClone(previous),
      FunctionArn: updated.FunctionArn,
      LastModified: updated.LastModified,
      RevisionId: this.store.newRevisionId(),
      LastUpdateStatus: 'Failed',
      LastUpdateStatusReasonCode: code as EstateFunctionConfiguration['LastUpdateStatusReasonCode'],
      LastUpdateStatusReason:
        code === 'EFSMountFailure' && mount !== undefined
          ? `The function could not mount the Amazon EFS file system of access point ${mount}. The update was aborted and the previous configuration kept (estate tag ${FAIL_UPDATE_TAG}).`
          : `The function update failed (${code}). The update was aborted and the previous configuration kept (estate tag ${FAIL_UPDATE_TAG}).`,
    };
  }

  publishVersion(ctx: CallContext, input: PublishVersionRequest): Body<PublishVersionCommandOutput> {
    const { fn, qualifier } = this.store.resolve(ctx, input.FunctionName);
    if (qualifier !== undefined)
      throw lambdaErrors.invalidParameter('PublishVersion takes the function name without a qualifier.');
    const latest = fn.Configuration;
    this.requireIdle(latest);
    this.requireRevision(latest.RevisionId, input.RevisionId);
    if (input.CodeSha256 !== undefined && input.CodeSha256 !== latest.CodeSha256)
      throw lambdaErrors.invalidParameter(
        `CodeSha256 ${input.CodeSha256} does not match the function's code (${latest.CodeSha256}).`,
      );
    const last = fn.Versions.at(-1);
    if (last && snapshot(last) === snapshot(latest)) return structuredClone(last);
    const number = String(Number(last?.Version ?? '0') + 1);
    const version: EstateFunctionConfiguration = {
      ...structuredClone(latest),
      FunctionArn: `${latest.FunctionArn}:${number}`,
      Version: number,
      Description: input.Description ?? latest.Description ?? '',
      LastModified: lambdaTimestamp(this.model.now()),
      RevisionId: this.store.newRevisionId(),
      LastUpdateStatus: 'Successful',
    };
    fn.Versions.push(version);
    return structuredClone(version) satisfies Body<PublishVersionCommandOutput>;
  }

  updateAlias(ctx: CallContext, input: UpdateAliasRequest): Body<UpdateAliasCommandOutput> {
    const { fn } = this.store.resolve(ctx, input.FunctionName);
    const alias = this.store.alias(fn, input.Name);
    this.requireRevision(alias.RevisionId, input.RevisionId);
    const exists = (v: string) => v === '$LATEST' || fn.Versions.some((x) => x.Version === v);
    if (input.FunctionVersion !== undefined && !exists(input.FunctionVersion))
      throw lambdaErrors.functionNotFound(`${fn.Configuration.FunctionArn}:${input.FunctionVersion}`);
    const weights = input.RoutingConfig?.AdditionalVersionWeights ?? {};
    for (const [v, weight] of Object.entries(weights)) {
      if (!exists(v)) throw lambdaErrors.functionNotFound(`${fn.Configuration.FunctionArn}:${v}`);
      if (!(weight >= 0 && weight <= 1))
        throw lambdaErrors.invalidParameter(`The weight of version ${v} must be between 0.0 and 1.0.`);
    }
    if (input.FunctionVersion !== undefined) alias.FunctionVersion = input.FunctionVersion;
    if (input.Description !== undefined) alias.Description = input.Description;
    if (input.RoutingConfig !== undefined) alias.RoutingConfig = structuredClone(input.RoutingConfig);
    alias.RevisionId = this.store.newRevisionId();
    return structuredClone(alias) satisfies Body<UpdateAliasCommandOutput>;
  }

  private requireIdle(c: EstateFunctionConfiguration): void {
    if (c.LastUpdateStatus === 'InProgress' || c.State === 'Pending')
      throw lambdaErrors.updateInProgress(c.FunctionArn);
  }

  private requireRevision(current: string, given: string | undefined): void {
    if (given !== undefined && given !== current) throw lambdaErrors.staleRevision();
  }

  /** The ranges of aws-models/lambda (Timeout, MemorySize, EphemeralStorage, one file system). */
  private checkLimits(input: UpdateFunctionConfigurationRequest): void {
    const bad = (member: string, value: unknown, rule: string) =>
      lambdaErrors.invalidParameter(`${member} ${String(value)} is not valid: ${rule}.`);
    if (input.Timeout !== undefined && !(input.Timeout >= 1 && input.Timeout <= 900))
      throw bad('Timeout', input.Timeout, 'give 1 to 900 seconds');
    if (input.MemorySize !== undefined && !(input.MemorySize >= 128 && input.MemorySize <= 10240))
      throw bad('MemorySize', input.MemorySize, 'give 128 to 10240 MB');
    const size = input.EphemeralStorage?.Size;
    if (size !== undefined && !(size >= 512 && size <= 10240))
      throw bad('EphemeralStorage.Size', size, 'give 512 to 10240 MB');
    const configs = input.FileSystemConfigs ?? [];
    if (configs.length > 1)
      throw bad(
        'FileSystemConfigs',
        `(${configs.length} entries)`,
        'a function mounts at most one file system',
      );
    for (const c of configs) {
      if (!/^\/mnt\/[a-zA-Z0-9-_.]+$/.test(c.LocalMountPath ?? ''))
        throw bad(
          'LocalMountPath',
          c.LocalMountPath,
          'it must be one directory under /mnt, such as /mnt/data',
        );
    }
  }

  /** Subnets and security groups of the caller's region, all in one VPC (the VPC answered in VpcConfig). */
  private vpcOf(ctx: CallContext, subnetIds: string[], groupIds: string[]): string {
    const region = this.model.region(ctx);
    if (subnetIds.length === 0 || groupIds.length === 0)
      throw lambdaErrors.invalidParameter('SubnetIds and SecurityIds must coexist or be both empty list.');
    const vpcs = new Set<string>();
    for (const id of subnetIds) {
      const subnet = region.subnets.find((s) => s.SubnetId === id);
      if (!subnet)
        throw lambdaErrors.invalidParameter(
          `Error occurred while DescribeSubnets. EC2 Error Code: InvalidSubnetID.NotFound. EC2 Error Message: The subnet ID '${id}' does not exist`,
        );
      vpcs.add(subnet.VpcId);
    }
    for (const id of groupIds) {
      const group = region.securityGroups.find((g) => g.GroupId === id);
      if (!group)
        throw lambdaErrors.invalidParameter(
          `Error occurred while DescribeSecurityGroups. EC2 Error Code: InvalidGroup.NotFound. EC2 Error Message: The security group '${id}' does not exist`,
        );
      vpcs.add(group.VpcId);
    }
    if (vpcs.size > 1)
      throw lambdaErrors.invalidParameter(
        `Security groups and subnets must belong to the same VPC; they span ${[...vpcs].join(', ')}.`,
      );
    return [...vpcs][0]!;
  }

  /**
   * A file system needs a VPC (AWS's message), an access point that exists (in the estate's EFS
   * of the ARN's account and region), and an `available` mount target of its file system in every
   * Availability Zone of the function's subnets, in the function's VPC: the Lambda developer guide
   * asks for "a mount target in every Availability Zone that your function connects to", and
   * Lambda verifies mount targets (DescribeMountTargets) when the configuration is set.
   */
  private checkFileSystems(ctx: CallContext, c: EstateFunctionConfiguration): void {
    for (const fsc of c.FileSystemConfigs ?? []) {
      const arn = fsc.Arn ?? '';
      if (!c.VpcConfig?.SubnetIds?.length)
        throw lambdaErrors.invalidParameter(
          `Function must be configured to execute in a VPC to reference access point ${arn}`,
        );
      const ref = parseAccessPointArn(arn);
      if (!ref) throw lambdaErrors.invalidParameter(`${arn} is not an EFS access point ARN.`);
      const efs = this.model.region({ accountId: ref.accountId, region: ref.region });
      const fs = efs.fileSystems.find(
        (f) =>
          f.LifeCycleState !== 'deleted' && f.AccessPoints.some((a) => a.AccessPointId === ref.accessPointId),
      );
      const ap = fs?.AccessPoints.find((a) => a.AccessPointId === ref.accessPointId);
      if (!fs || !ap || ap.LifeCycleState === 'deleting' || ap.LifeCycleState === 'deleted')
        throw lambdaErrors.invalidParameter(`EFS access point ${arn} does not exist.`);
      if (ap.LifeCycleState !== 'available')
        throw lambdaErrors.invalidParameter(
          `EFS access point ${arn} is ${ap.LifeCycleState}; wait until it is available.`,
        );
      const region = this.model.region(ctx);
      const zones = new Set(
        c.VpcConfig.SubnetIds.map((id) => region.subnets.find((s) => s.SubnetId === id)?.AvailabilityZone),
      );
      for (const zone of zones) {
        const mt = fs.MountTargets.find(
          (m) => m.AvailabilityZoneName === zone && m.VpcId === c.VpcConfig?.VpcId,
        );
        if (!mt)
          throw lambdaErrors.invalidParameter(
            `EFS file system ${fs.FileSystemArn} referenced by access point ${arn} has no mount target in ${zone} of ${c.VpcConfig.VpcId ?? 'the VPC'}, where the function runs. Create one there.`,
          );
        if (mt.LifeCycleState !== 'available')
          throw lambdaErrors.invalidParameter(
            `EFS file system ${fs.FileSystemArn} referenced by access point ${arn} has mount targets created in all availability zones the function will execute in, but not all are in 'available' life cycle state yet. Please wait for them to become available and try the call again.`,
          );
      }
    }
  }
}

function snapshot(c: EstateFunctionConfiguration): string {
  return JSON.stringify(
    Object.entries(c)
      .filter(([k]) => !SNAPSHOT_EXCLUDES.has(k))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}
