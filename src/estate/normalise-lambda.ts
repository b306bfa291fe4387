/**
 * Lambda functions of one region: defaults a hand-written file leaves out (ARNs, role, code hash,
 * revision IDs, `Active`/`Successful`), versions completed from $LATEST, and the checks AWS makes
 * when the configuration is set: subnets and security groups of this region in one VPC, a VPC for
 * any file system, access points that exist, aliases on versions that exist.
 */
import { createHash } from 'node:crypto';
import { LastUpdateStatusReasonCode } from '@aws-sdk/client-lambda';
import { stableDate, stableInt, stableUuid } from './ids.ts';
import {
  FAIL_UPDATE_TAG,
  functionArn,
  lambdaTimestamp,
  parseAccessPointArn,
  type EstateAlias,
  type EstateFunctionConfiguration,
  type EstateLambda,
  type EstateLambdaFunction,
} from './lambda-types.ts';
import type { Problems, PathPart } from './normalise.ts';
import type { LambdaFunctionInput, LambdaRegionInput } from './schema-lambda.ts';
import type { EstateFileSystem, EstateSecurityGroup, EstateSubnet } from './types.ts';

export interface LambdaRegionContext {
  account: string;
  region: string;
  path: PathPart[];
  problems: Problems;
  subnets: EstateSubnet[];
  securityGroups: EstateSecurityGroup[];
  fileSystems: EstateFileSystem[];
}

export function normaliseLambda(
  input: LambdaRegionInput | undefined,
  ctx: LambdaRegionContext,
): EstateLambda {
  const functions = (input?.functions ?? []).map((f, i) =>
    normaliseFunction(f, { ...ctx, path: [...ctx.path, 'lambda', 'functions', i] }),
  );
  const first = new Map<string, number>();
  functions.forEach((f, i) => {
    const name = f.Configuration.FunctionName;
    if (first.has(name))
      ctx.problems.at(
        [...ctx.path, 'lambda', 'functions', i, 'FunctionName'],
        `${name} is already the name of lambda.functions[${first.get(name)}]`,
      );
    else first.set(name, i);
  });
  return { functions };
}

function normaliseFunction(f: LambdaFunctionInput, ctx: LambdaRegionContext): EstateLambdaFunction {
  const { Tags, Versions, Aliases, ...given } = f;
  const name = f.FunctionName;
  const seed = `${ctx.account}/${ctx.region}/lambda/${name}`;
  const arn = functionArn(ctx.region, ctx.account, name);
  const Configuration = {
    Description: '',
    Timeout: 3,
    MemorySize: 128,
    TracingConfig: { Mode: 'PassThrough' },
    Architectures: ['x86_64'],
    EphemeralStorage: { Size: 512 },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${name}` },
    ...(given as Partial<EstateFunctionConfiguration>),
    FunctionName: name,
    FunctionArn: arn,
    Runtime: given.Runtime ?? 'nodejs20.x',
    Role: given.Role ?? `arn:aws:iam::${ctx.account}:role/${name}-role`,
    Handler: given.Handler ?? 'index.handler',
    CodeSize: given.CodeSize ?? 1024 + stableInt(`${seed}/size`, 4_000_000),
    CodeSha256: given.CodeSha256 ?? createHash('sha256').update(seed).digest('base64'),
    Version: '$LATEST',
    RevisionId: given.RevisionId ?? stableUuid(`${seed}/revision`),
    LastModified: given.LastModified ?? lambdaTimestamp(stableDate(`${seed}/modified`)),
    State: given.State ?? 'Active',
    LastUpdateStatus: given.LastUpdateStatus ?? 'Successful',
    PackageType: given.PackageType ?? 'Zip',
  } as EstateFunctionConfiguration;
  checkConfiguration(Configuration, ctx.path, ctx);

  const versions: EstateFunctionConfiguration[] = [];
  (Versions ?? []).forEach((v, i) => {
    const path = [...ctx.path, 'Versions', i];
    const previous = versions.at(-1);
    if (previous && Number(v.Version) <= Number(previous.Version))
      ctx.problems.at(
        [...path, 'Version'],
        `versions are listed in increasing order; ${v.Version} comes after ${previous.Version}`,
      );
    if (v.FunctionName !== undefined && v.FunctionName !== name)
      ctx.problems.at([...path, 'FunctionName'], `a version of ${name} has its FunctionName`);
    const version = {
      ...Configuration,
      ...(v as Partial<EstateFunctionConfiguration>),
      FunctionName: name,
      FunctionArn: functionArn(ctx.region, ctx.account, name, v.Version),
      Version: v.Version,
      RevisionId: v.RevisionId ?? stableUuid(`${seed}/version/${v.Version}`),
      State: v.State ?? 'Active',
      LastUpdateStatus: v.LastUpdateStatus ?? 'Successful',
    } as EstateFunctionConfiguration;
    checkConfiguration(version, path, ctx);
    versions.push(version);
  });

  const aliases: EstateAlias[] = [];
  (Aliases ?? []).forEach((a, i) => {
    const path = [...ctx.path, 'Aliases', i];
    if (a.FunctionVersion !== '$LATEST' && !versions.some((v) => v.Version === a.FunctionVersion))
      ctx.problems.at(
        [...path, 'FunctionVersion'],
        `${name} has no published version ${a.FunctionVersion}; list it under Versions`,
      );
    if (aliases.some((other) => other.Name === a.Name))
      ctx.problems.at([...path, 'Name'], `${name} already has an alias ${a.Name}`);
    aliases.push({
      ...a,
      AliasArn: `${arn}:${a.Name}`,
      Description: a.Description ?? '',
      RevisionId: a.RevisionId ?? stableUuid(`${seed}/alias/${a.Name}`),
    });
  });

  const fail = Tags?.[FAIL_UPDATE_TAG];
  if (
    fail !== undefined &&
    fail !== 'true' &&
    !(Object.values(LastUpdateStatusReasonCode) as string[]).includes(fail)
  )
    ctx.problems.at(
      [...ctx.path, 'Tags', FAIL_UPDATE_TAG],
      `"${fail}" is neither "true" nor a LastUpdateStatusReasonCode (e.g. EFSMountFailure)`,
    );
  return { Configuration, Versions: versions, Aliases: aliases, Tags: { ...Tags } };
}

/**
 * What UpdateFunctionConfiguration would refuse (lambda-writes.ts makes the same checks on the
 * wire): subnets and groups of this region and one VPC, and a file system only inside a VPC.
 */
function checkConfiguration(
  c: EstateFunctionConfiguration,
  path: PathPart[],
  ctx: LambdaRegionContext,
): void {
  const vpc = c.VpcConfig;
  if (vpc && (vpc.SubnetIds?.length ?? 0) > 0) {
    const vpcIds = new Set<string>();
    vpc.SubnetIds!.forEach((id, j) => {
      const subnet = ctx.subnets.find((s) => s.SubnetId === id);
      if (!subnet)
        ctx.problems.at(
          [...path, 'VpcConfig', 'SubnetIds', j],
          `${id} is not in this region's subnets; add it there`,
        );
      else vpcIds.add(subnet.VpcId);
    });
    vpc.SecurityGroupIds?.forEach((id, j) => {
      const group = ctx.securityGroups.find((g) => g.GroupId === id);
      if (!group)
        ctx.problems.at(
          [...path, 'VpcConfig', 'SecurityGroupIds', j],
          `${id} is not in this region's securityGroups; add it there`,
        );
      else vpcIds.add(group.VpcId);
    });
    if (vpcIds.size > 1)
      ctx.problems.at(
        [...path, 'VpcConfig'],
        `the subnets and security groups are in different VPCs (${[...vpcIds].join(', ')})`,
      );
    if ((vpc.SecurityGroupIds?.length ?? 0) === 0)
      ctx.problems.at(
        [...path, 'VpcConfig', 'SecurityGroupIds'],
        'a function in a VPC needs at least one security group',
      );
    const [vpcId] = vpcIds;
    if (vpc.VpcId !== undefined && vpcId !== undefined && vpc.VpcId !== vpcId)
      ctx.problems.at([...path, 'VpcConfig', 'VpcId'], `the subnets are in ${vpcId}, not ${vpc.VpcId}`);
    c.VpcConfig = { ...vpc, VpcId: vpc.VpcId ?? vpcId ?? '' };
  }
  c.FileSystemConfigs?.forEach((fsc, j) => {
    const at = [...path, 'FileSystemConfigs', j, 'Arn'];
    if (!c.VpcConfig?.SubnetIds?.length) {
      // AWS's own message (CreateFunction/UpdateFunctionConfiguration).
      ctx.problems.at(
        at,
        `Function must be configured to execute in a VPC to reference access point ${fsc.Arn}; add VpcConfig`,
      );
      return;
    }
    const ap = parseAccessPointArn(fsc.Arn ?? '');
    // Access points of other accounts or regions are checked when an update names them, not here.
    if (!ap || ap.accountId !== ctx.account || ap.region !== ctx.region) return;
    if (!ctx.fileSystems.some((fs) => fs.AccessPoints.some((p) => p.AccessPointId === ap.accessPointId)))
      ctx.problems.at(at, `no access point ${ap.accessPointId} in this region's fileSystems`);
  });
}
