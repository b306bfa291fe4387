import type { BuildMapping, Difference } from './build-plan.ts';
import type { LaunchTemplateConsumer } from './consumers.ts';
import {
  CutoverPlanError,
  placeholder,
  sha256Hex,
  twinFileSystemId,
  type ConsumerChangePlan,
  type CutoverCall,
} from './cutover-calls.ts';
import { rewriteUserData, type UserDataRewriteRules } from './cutover-user-data.ts';

/**
 * EC2 launch templates: versions are immutable, so cutover creates a new version from the default
 * one with the user data rewritten (cutover-user-data.ts) and makes it the default. Creating a
 * version also moves `$Latest`; when latest is not the default, latest is re-created on top with
 * its own user data rewritten, so groups on `$Latest` keep launching latest's settings. An
 * instance refresh replaces running instances (capacity drops meanwhile), so it happens only when
 * the owner asks for it.
 */

export interface DescribedLaunchTemplateVersion {
  VersionNumber: number;
  /** LaunchTemplateData.UserData, base64 as EC2 returns it. */
  UserData?: string;
}

export interface LaunchTemplatePlanInput {
  migrationId: string;
  mapping: BuildMapping;
  /** The default and latest versions, described fresh before planning. */
  versions: DescribedLaunchTemplateVersion[];
  sourceAccessPointIds: string[];
  /** The source's mount targets with their IPs, keyed by AZ as the build mapping keys them. */
  sourceMountTargets: { availabilityZone: string; ipAddress: string }[];
  /** The twin's mount targets as described (the mapping has their IDs; their IPs come from here). */
  twinMountTargets: { availabilityZone: string; mountTargetId: string; ipAddress: string }[];
  /** The owner ticked "instance refresh": replace the groups' instances. */
  instanceRefresh?: boolean;
}

/** `efs-encrypt-lt-<40 hex>` (55 characters; EC2 allows 128): the same request finds the same version. */
export function launchTemplateClientToken(
  migrationId: string,
  launchTemplateId: string,
  sourceVersion: number,
  purpose: 'cutover' | 'rollback' = 'cutover',
): string {
  const digest = sha256Hex(`${migrationId}|${launchTemplateId}|${sourceVersion}|${purpose}`).slice(0, 40);
  return `efs-encrypt-lt-${digest}`;
}

/** VersionDescription is at most 255 characters (EC2 VersionDescription shape). */
function versionDescription(migrationId: string, source: string, twin: string): string {
  return `efs-encrypt migration ${migrationId}: ${source} -> ${twin}`.slice(0, 255);
}

export function planLaunchTemplateChange(
  consumer: LaunchTemplateConsumer,
  plan: LaunchTemplatePlanInput,
): ConsumerChangePlan {
  const twin = twinFileSystemId(plan.mapping);
  const source = plan.mapping.sourceFileSystemId;
  const ltId = consumer.launchTemplateId;
  const version = (n: number) => {
    const found = plan.versions.find((v) => v.VersionNumber === n);
    if (!found)
      throw new CutoverPlanError(
        `Version ${n} of launch template ${consumer.name} (${ltId}) was not described. Describe it, then review the cutover again.`,
      );
    return found;
  };

  const twinIpByAvailabilityZone: Record<string, string> = {};
  for (const [az, mountTargetId] of Object.entries(plan.mapping.mountTargets)) {
    const described = plan.twinMountTargets.find((m) => m.mountTargetId === mountTargetId);
    if (described) twinIpByAvailabilityZone[az] = described.ipAddress;
  }
  const rules: UserDataRewriteRules = {
    sourceFileSystemId: source,
    twinFileSystemId: twin,
    sourceAccessPointIds: plan.sourceAccessPointIds,
    accessPoints: plan.mapping.accessPoints,
    sourceMountTargets: plan.sourceMountTargets,
    twinIpByAvailabilityZone,
  };

  const differs: Difference[] = [];
  const rewrite = (n: number) => {
    const userData = version(n).UserData;
    if (!userData) return undefined;
    const where = `${consumer.name} (${ltId}) version ${n}`;
    const out = rewriteUserData(userData, rules, where);
    for (const r of out.replacements)
      differs.push({
        subject: `${where} user data line ${r.line} (${r.form})`,
        change: `${r.from} → ${r.to}`,
        why: 'the encrypted twin',
      });
    return out.replacements.length ? out.userData : undefined;
  };

  const description = versionDescription(plan.migrationId, source, twin);
  const defaultVersion = consumer.defaultVersion;
  const latestVersion = consumer.latestVersion;
  const newDefault = `version of ${ltId} made from ${defaultVersion}`;
  const newDefaultData = rewrite(defaultVersion);
  const calls: CutoverCall[] = [];
  const createFrom = (from: number, userData: string | undefined, produces: string): CutoverCall => ({
    service: 'ec2',
    operation: 'CreateLaunchTemplateVersion',
    input: {
      LaunchTemplateId: ltId,
      SourceVersion: String(from),
      VersionDescription: description,
      // Only what changes; everything else is inherited from SourceVersion.
      LaunchTemplateData: userData ? { UserData: userData } : {},
      ClientToken: launchTemplateClientToken(plan.migrationId, ltId, from),
    },
    produces,
    purpose: userData
      ? `version ${from} with its user data mounting the twin`
      : `version ${from} unchanged, so $Latest keeps its settings`,
  });
  if (!newDefaultData && latestVersion === defaultVersion)
    throw new CutoverPlanError(
      `Launch template ${consumer.name} (${ltId}) no longer names ${source} in its user data. Find consumers again, then review the cutover.`,
    );
  calls.push(createFrom(defaultVersion, newDefaultData, newDefault));
  const groupsOnLatest = consumer.autoScalingGroups.filter((g) => g.version === '$Latest');
  let newLatest: string | undefined;
  if (latestVersion !== defaultVersion) {
    newLatest = `version of ${ltId} made from ${latestVersion}`;
    calls.push(createFrom(latestVersion, rewrite(latestVersion), newLatest));
  }
  calls.push({
    service: 'ec2',
    operation: 'ModifyLaunchTemplate',
    input: { LaunchTemplateId: ltId, DefaultVersion: placeholder(newDefault) },
    purpose: `make the new version the default (was ${defaultVersion})`,
  });

  const inverse: CutoverCall[] = [
    {
      service: 'ec2',
      operation: 'ModifyLaunchTemplate',
      input: { LaunchTemplateId: ltId, DefaultVersion: String(defaultVersion) },
      purpose: `the default back to version ${defaultVersion}`,
    },
  ];
  if (groupsOnLatest.length)
    // Versions cannot be removed from under $Latest safely while groups launch from it; a copy of
    // the previous latest on top restores what those groups launch.
    inverse.push({
      service: 'ec2',
      operation: 'CreateLaunchTemplateVersion',
      input: {
        LaunchTemplateId: ltId,
        SourceVersion: String(latestVersion),
        VersionDescription: `efs-encrypt rollback of migration ${plan.migrationId}`.slice(0, 255),
        LaunchTemplateData: {},
        ClientToken: launchTemplateClientToken(plan.migrationId, ltId, latestVersion, 'rollback'),
      },
      purpose: `$Latest back to version ${latestVersion}'s settings for ${groupsOnLatest.map((g) => g.name).join(', ')}`,
    });

  const instructions: string[] = [];
  const notes: string[] = [];
  for (const group of consumer.autoScalingGroups) {
    const pinned = group.version !== '$Default' && group.version !== '$Latest';
    const target =
      group.version === '$Latest' ? placeholder(newLatest ?? newDefault) : placeholder(newDefault);
    if (plan.instanceRefresh) {
      const desired = pinned ? target : group.version;
      calls.push({
        service: 'autoscaling',
        operation: 'StartInstanceRefresh',
        input: {
          AutoScalingGroupName: group.name,
          DesiredConfiguration: { LaunchTemplate: { LaunchTemplateId: ltId, Version: desired } },
          // Instances already on the desired version are left alone.
          Preferences: { SkipMatching: true },
        },
        purpose: `replace ${group.name}'s instances with ones that mount the twin (capacity drops while it runs)`,
      });
      if (pinned)
        inverse.push({
          service: 'autoscaling',
          operation: 'StartInstanceRefresh',
          input: {
            AutoScalingGroupName: group.name,
            DesiredConfiguration: { LaunchTemplate: { LaunchTemplateId: ltId, Version: group.version } },
            Preferences: { SkipMatching: true },
          },
          purpose: `${group.name} back to version ${group.version}`,
        });
    } else {
      if (pinned)
        instructions.push(
          `${group.name} launches version ${group.version} explicitly, so the new default does not reach it: point it at ${target} (or tick instance refresh).`,
        );
      if (group.instancesOnReferencingVersion.length)
        notes.push(
          `${group.name}: ${group.instancesOnReferencingVersion.join(', ')} still run the old version and mount the source until replaced.`,
        );
    }
  }
  if (plan.instanceRefresh)
    notes.push(
      'Rolling back restores the launch template; instances already replaced keep the twin until refreshed again.',
    );
  return {
    consumerId: consumer.id,
    kind: consumer.kind,
    name: consumer.name,
    calls,
    inverse,
    differs,
    instructions,
    notes,
  };
}
