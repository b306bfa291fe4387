import type { BuildMapping, Difference } from './build-plan.ts';
import type { LambdaFunctionConsumer } from './consumers.ts';
import {
  CutoverPlanError,
  accessPointIdOfArn,
  canonicalJson,
  placeholder,
  twinAccessPointId,
  type ConsumerChangePlan,
  type CutoverCall,
} from './cutover-calls.ts';

/**
 * Lambda mounts EFS only through access points (FileSystemConfig.Arn). `$LATEST` is changed with
 * UpdateFunctionConfiguration conditional on its RevisionId (a concurrent change fails with
 * PreconditionFailedException instead of being overwritten). Published versions are immutable, so
 * an alias on a version that mounts the source is moved to a version published after the update;
 * the alias's previous version is its rollback.
 */

/** Optional members, as the SDK types them; Lambda always returns both. */
export interface FileSystemConfigLike {
  Arn?: string | undefined;
  LocalMountPath?: string | undefined;
}

/** GetFunctionConfiguration's answer, for `$LATEST` or a published version (other members compared, kept). */
export interface DescribedFunctionConfiguration {
  FunctionArn?: string;
  FunctionName?: string;
  Version?: string;
  RevisionId?: string;
  CodeSha256?: string;
  FileSystemConfigs?: FileSystemConfigLike[];
}

/** ListAliases' AliasConfiguration (Name and FunctionVersion are always present in Lambda's answer). */
export interface DescribedAlias {
  Name?: string | undefined;
  FunctionVersion?: string | undefined;
  RevisionId?: string | undefined;
}

export interface LambdaPlanInput {
  mapping: BuildMapping;
  /** `$LATEST` as described fresh before planning. */
  latest: DescribedFunctionConfiguration;
  /** The aliases to move (those whose version mounts the source). */
  aliases?: DescribedAlias[];
  /** The published versions those aliases point at, by version number. */
  versions?: Record<string, DescribedFunctionConfiguration>;
}

/**
 * Members that differ between versions of the same function without the alias seeing different
 * behaviour; every other member of a version must equal `$LATEST`'s, or publishing `$LATEST`
 * would change what the alias runs.
 */
const PER_VERSION_MEMBERS = new Set([
  'FunctionArn',
  'Version',
  'RevisionId',
  'LastModified',
  'LastUpdateStatus',
  'LastUpdateStatusReason',
  'LastUpdateStatusReasonCode',
  'State',
  'StateReason',
  'StateReasonCode',
  'MasterArn',
  'FileSystemConfigs',
  'SnapStart',
  'RuntimeVersionConfig',
  '$metadata',
]);

/** The function's FileSystemConfigs with every source access point ARN pointing at the twin's. */
export function mapFileSystemConfigs(
  configs: FileSystemConfigLike[],
  mapping: BuildMapping,
  where: string,
  sourceAccessPointIds: ReadonlySet<string>,
): { configs: FileSystemConfigLike[]; differs: Difference[] } {
  const differs: Difference[] = [];
  const mapped = configs.map((config, i) => {
    const ap = config.Arn === undefined ? undefined : accessPointIdOfArn(config.Arn);
    if (!ap || (!sourceAccessPointIds.has(ap) && !mapping.accessPoints[ap])) return config;
    const twin = twinAccessPointId(mapping, ap, `${where} FileSystemConfigs[${i}]`);
    const Arn = (config.Arn ?? '').replace(/access-point\/fsap-[0-9a-f]+$/, `access-point/${twin}`);
    differs.push({
      subject: `${where} FileSystemConfigs[${i}] (${config.LocalMountPath})`,
      change: `${ap} → ${twin}`,
      why: "the twin's copy of the access point, same mount path",
    });
    return { Arn, LocalMountPath: config.LocalMountPath };
  });
  return { configs: mapped, differs };
}

export function planLambdaFunctionChange(
  consumer: LambdaFunctionConsumer,
  plan: LambdaPlanInput,
  sourceAccessPointIds: ReadonlySet<string>,
): ConsumerChangePlan {
  const fn = plan.latest.FunctionArn ?? consumer.functionArn;
  const name = consumer.name;
  const revisionId = plan.latest.RevisionId;
  if (!revisionId)
    throw new CutoverPlanError(
      `${name} was described without a RevisionId, so an update could overwrite a concurrent change. Describe it again.`,
    );
  const previous = plan.latest.FileSystemConfigs ?? [];
  const { configs, differs } = mapFileSystemConfigs(
    previous,
    plan.mapping,
    `${name} $LATEST`,
    sourceAccessPointIds,
  );
  if (differs.length === 0)
    throw new CutoverPlanError(
      `${name} $LATEST does not mount an access point of ${plan.mapping.sourceFileSystemId} (it changed since consumers were found, or only an old version does). Find consumers again, then review the cutover.`,
    );

  const updated = `revision of ${name} after the update`;
  const calls: CutoverCall[] = [
    {
      service: 'lambda',
      operation: 'UpdateFunctionConfiguration',
      input: { FunctionName: fn, RevisionId: revisionId, FileSystemConfigs: configs },
      purpose: 'mount the twin at the same path; refused if the function changed since it was read',
    },
    {
      service: 'lambda',
      operation: 'GetFunctionConfiguration',
      input: { FunctionName: fn },
      produces: updated,
      purpose: 'wait for LastUpdateStatus Successful (Failed is reported with its reason)',
    },
  ];
  const inverse: CutoverCall[] = [];
  const notes: string[] = [];

  const aliases = (plan.aliases ?? []).map((a) => {
    if (!a.Name || !a.FunctionVersion)
      throw new CutoverPlanError(
        `An alias of ${name} was described without its name or version. Describe it again.`,
      );
    return { Name: a.Name, FunctionVersion: a.FunctionVersion, RevisionId: a.RevisionId };
  });
  if (aliases.length) {
    const published = `version of ${name} published for the cutover`;
    for (const alias of aliases) checkAliasVersion(name, alias, plan, configs, sourceAccessPointIds);
    calls.push({
      service: 'lambda',
      operation: 'PublishVersion',
      input: {
        FunctionName: fn,
        // Refused if the code changed, so the alias gets exactly the code it ran before.
        ...(plan.latest.CodeSha256 ? { CodeSha256: plan.latest.CodeSha256 } : {}),
        RevisionId: placeholder(updated),
        Description: `efs-encrypt cutover to ${plan.mapping.targetFileSystemId ?? 'the twin'}`,
      },
      produces: published,
      purpose: 'a version that mounts the twin, for the aliases',
    });
    for (const alias of aliases) {
      calls.push({
        service: 'lambda',
        operation: 'UpdateAlias',
        input: {
          FunctionName: fn,
          Name: alias.Name,
          FunctionVersion: placeholder(published),
          ...(alias.RevisionId ? { RevisionId: alias.RevisionId } : {}),
        },
        purpose: `move alias ${alias.Name} from version ${alias.FunctionVersion}`,
      });
      differs.push({
        subject: `${name} alias ${alias.Name}`,
        change: `version ${alias.FunctionVersion} → ${placeholder(published)}`,
        why: 'published versions cannot change; the alias moves to one that mounts the twin',
      });
    }
    for (const alias of [...aliases].reverse())
      inverse.push({
        service: 'lambda',
        operation: 'UpdateAlias',
        input: { FunctionName: fn, Name: alias.Name, FunctionVersion: alias.FunctionVersion },
        purpose: `alias ${alias.Name} back to version ${alias.FunctionVersion}`,
      });
  }
  inverse.push({
    service: 'lambda',
    operation: 'UpdateFunctionConfiguration',
    input: { FunctionName: fn, RevisionId: placeholder(updated), FileSystemConfigs: previous },
    purpose: '$LATEST back to the configuration it had before the cutover',
  });

  const unaliased = consumer.versions.filter(
    (v) => v !== '$LATEST' && !aliases.some((a) => a.FunctionVersion === v),
  );
  if (unaliased.length)
    notes.push(
      `Published version${unaliased.length > 1 ? 's' : ''} ${unaliased.join(', ')} of ${name} mount${unaliased.length > 1 ? '' : 's'} the source and cannot be changed; callers that invoke ${unaliased.length > 1 ? 'them' : 'it'} by number must move.`,
    );
  return {
    consumerId: consumer.id,
    kind: consumer.kind,
    name,
    calls,
    inverse,
    differs,
    instructions: [],
    notes,
  };
}

/**
 * An alias is moved to a version published from `$LATEST`: refused unless the alias's version is
 * `$LATEST` in all but the mount (same code, same configuration), or the alias would silently run
 * other code or settings.
 */
function checkAliasVersion(
  name: string,
  alias: { Name: string; FunctionVersion: string },
  plan: LambdaPlanInput,
  latestConfigs: FileSystemConfigLike[],
  sourceAccessPointIds: ReadonlySet<string>,
): void {
  const version = plan.versions?.[alias.FunctionVersion];
  if (!version)
    throw new CutoverPlanError(
      `${name} alias ${alias.Name} points at version ${alias.FunctionVersion}, which was not described. Describe it, then review the cutover again.`,
    );
  const differing: string[] = [];
  const keys = new Set([...Object.keys(plan.latest), ...Object.keys(version)]);
  for (const key of [...keys].sort()) {
    if (PER_VERSION_MEMBERS.has(key)) continue;
    const a = (plan.latest as Record<string, unknown>)[key];
    const b = (version as Record<string, unknown>)[key];
    if (canonicalJson(a ?? null) !== canonicalJson(b ?? null)) differing.push(key);
  }
  const mappedVersion = mapFileSystemConfigs(
    version.FileSystemConfigs ?? [],
    plan.mapping,
    `${name} version ${alias.FunctionVersion}`,
    sourceAccessPointIds,
  ).configs;
  if (canonicalJson(mappedVersion) !== canonicalJson(latestConfigs)) differing.push('FileSystemConfigs');
  if (differing.length)
    throw new CutoverPlanError(
      `${name} alias ${alias.Name} runs version ${alias.FunctionVersion}, which differs from $LATEST in ${differing.join(', ')}. ` +
        `Publishing $LATEST would change what the alias runs. Make $LATEST match version ${alias.FunctionVersion} (or move the alias yourself), then review the cutover again.`,
    );
}
