/**
 * Launch templates and Auto Scaling groups of one region, from the file to the model: defaults
 * (IDs, ARNs, times, version numbers, the zones and versions of instances) and the checks a schema
 * cannot make (versions that exist, templates and subnets a group names, sizes that fit).
 */
import type { AutoScalingGroupInput, LaunchTemplateInput } from './schema-auto-scaling.ts';
import type { EstateSubnet } from './types.ts';
import type {
  EstateAutoScalingGroup,
  EstateGroupInstance,
  EstateLaunchTemplate,
  EstateLaunchTemplateVersion,
} from './types-auto-scaling.ts';
import type { ResponseLaunchTemplateData } from '@aws-sdk/client-ec2';
import { availabilityZoneId, stableDate, stableHex, stableUuid } from './ids.ts';
import { encodeUserData, findLaunchTemplate, resolveVersion } from './model/launch-template-refs.ts';
import type { PathPart, Problems } from './normalise.ts';

interface RegionContext {
  account: string;
  region: string;
  path: PathPart[];
  problems: Problems;
}

export function normaliseLaunchTemplates(
  inputs: LaunchTemplateInput[],
  ctx: RegionContext,
): EstateLaunchTemplate[] {
  const templates = inputs.map((t, i) =>
    normaliseLaunchTemplate(t, [...ctx.path, 'launchTemplates', i], ctx),
  );
  unique(
    templates.map((t) => t.LaunchTemplateName),
    [...ctx.path, 'launchTemplates'],
    'LaunchTemplateName',
    ctx,
  );
  unique(
    templates.map((t) => t.LaunchTemplateId),
    [...ctx.path, 'launchTemplates'],
    'LaunchTemplateId',
    ctx,
  );
  return templates;
}

function normaliseLaunchTemplate(
  t: LaunchTemplateInput,
  path: PathPart[],
  ctx: RegionContext,
): EstateLaunchTemplate {
  const seed = `${ctx.account}/${ctx.region}/lt/${t.LaunchTemplateName}`;
  const LaunchTemplateId = t.LaunchTemplateId ?? `lt-${stableHex(seed, 17)}`;
  const CreateTime = t.CreateTime ?? stableDate(seed);
  const CreatedBy = t.CreatedBy ?? `arn:aws:iam::${ctx.account}:root`;
  const numbers = t.Versions.map((v, i) => v.VersionNumber ?? i + 1);
  numbers.forEach((n, i) => {
    if (i > 0 && n <= numbers[i - 1]!)
      ctx.problems.at(
        [...path, 'Versions', i, 'VersionNumber'],
        `${n} does not come after ${numbers[i - 1]}; list versions oldest first with rising numbers`,
      );
  });
  const latest = Math.max(...numbers);
  const DefaultVersionNumber = t.DefaultVersionNumber ?? numbers[0]!;
  if (!numbers.includes(DefaultVersionNumber))
    ctx.problems.at(
      [...path, 'DefaultVersionNumber'],
      `version ${DefaultVersionNumber} is not among Versions (${numbers.join(', ')})`,
    );
  if (t.LatestVersionNumber !== undefined && t.LatestVersionNumber !== latest)
    ctx.problems.at(
      [...path, 'LatestVersionNumber'],
      `says ${t.LatestVersionNumber} but the highest version listed is ${latest}; remove it or list that version`,
    );
  const Versions = t.Versions.map((v, i): EstateLaunchTemplateVersion => {
    const vPath = [...path, 'Versions', i];
    if (v.LaunchTemplateId !== undefined && v.LaunchTemplateId !== LaunchTemplateId)
      ctx.problems.at(
        [...vPath, 'LaunchTemplateId'],
        `is not the template's ID ${LaunchTemplateId}; remove it`,
      );
    if (v.LaunchTemplateName !== undefined && v.LaunchTemplateName !== t.LaunchTemplateName)
      ctx.problems.at(
        [...vPath, 'LaunchTemplateName'],
        `is not the template's name ${t.LaunchTemplateName}; remove it`,
      );
    const VersionNumber = numbers[i]!;
    const DefaultVersion = VersionNumber === DefaultVersionNumber;
    if (v.DefaultVersion !== undefined && v.DefaultVersion !== DefaultVersion)
      ctx.problems.at(
        [...vPath, 'DefaultVersion'],
        `is ${v.DefaultVersion} but the template's DefaultVersionNumber is ${DefaultVersionNumber}`,
      );
    const { UserData, ...data } = v.LaunchTemplateData;
    return {
      LaunchTemplateId,
      LaunchTemplateName: t.LaunchTemplateName,
      VersionNumber,
      ...(v.VersionDescription !== undefined ? { VersionDescription: v.VersionDescription } : {}),
      CreateTime: v.CreateTime ?? new Date(CreateTime.getTime() + (VersionNumber - 1) * 86_400_000),
      CreatedBy: v.CreatedBy ?? CreatedBy,
      DefaultVersion,
      // Pass-through members are kept as the file gave them (pasted CLI output), not checked here.
      LaunchTemplateData: {
        ...(data as ResponseLaunchTemplateData),
        ...(UserData !== undefined ? { UserData: encodeUserData(UserData) } : {}),
      },
    };
  });
  return {
    LaunchTemplateId,
    LaunchTemplateName: t.LaunchTemplateName,
    CreateTime,
    CreatedBy,
    DefaultVersionNumber,
    LatestVersionNumber: latest,
    Tags: t.Tags ?? [],
    Versions,
    ClientTokens: {},
  };
}

export function normaliseAutoScalingGroups(
  inputs: AutoScalingGroupInput[],
  res: { launchTemplates: EstateLaunchTemplate[]; subnets: EstateSubnet[] },
  ctx: RegionContext,
): EstateAutoScalingGroup[] {
  const groups = inputs.map((g, i) => normaliseGroup(g, [...ctx.path, 'autoScalingGroups', i], res, ctx));
  unique(
    groups.map((g) => g.AutoScalingGroupName),
    [...ctx.path, 'autoScalingGroups'],
    'AutoScalingGroupName',
    ctx,
  );
  const instanceIds = new Map<string, string>();
  groups.forEach((g, i) =>
    g.Instances.forEach((instance, j) => {
      const where = instanceIds.get(instance.InstanceId);
      if (where)
        ctx.problems.at(
          [...ctx.path, 'autoScalingGroups', i, 'Instances', j, 'InstanceId'],
          `${instance.InstanceId} is already an instance of ${where}`,
        );
      else instanceIds.set(instance.InstanceId, g.AutoScalingGroupName);
    }),
  );
  return groups;
}

function normaliseGroup(
  g: AutoScalingGroupInput,
  path: PathPart[],
  res: { launchTemplates: EstateLaunchTemplate[]; subnets: EstateSubnet[] },
  ctx: RegionContext,
): EstateAutoScalingGroup {
  const seed = `${ctx.account}/${ctx.region}/asg/${g.AutoScalingGroupName}`;
  const subnetIds = g.VPCZoneIdentifier.split(',').map((s) => s.trim());
  const subnets = subnetIds.flatMap((id) => {
    const subnet = res.subnets.find((s) => s.SubnetId === id);
    if (!subnet)
      ctx.problems.at(
        [...path, 'VPCZoneIdentifier'],
        `${id} is not in this region's subnets; add it under subnets`,
      );
    return subnet ? [subnet] : [];
  });
  const zones = [...new Set(subnets.map((s) => s.AvailabilityZone))];
  if (new Set(subnets.map((s) => s.VpcId)).size > 1)
    ctx.problems.at([...path, 'VPCZoneIdentifier'], 'the subnets of a group must all be in one VPC');

  if (g.LaunchTemplate && g.MixedInstancesPolicy)
    ctx.problems.at(
      [...path, 'LaunchTemplate'],
      'give LaunchTemplate or MixedInstancesPolicy, not both (Auto Scaling refuses both)',
    );
  const spec = g.LaunchTemplate ?? g.MixedInstancesPolicy?.LaunchTemplate.LaunchTemplateSpecification;
  const specPath = g.LaunchTemplate
    ? [...path, 'LaunchTemplate']
    : [...path, 'MixedInstancesPolicy', 'LaunchTemplate', 'LaunchTemplateSpecification'];
  if (!spec)
    ctx.problems.at(
      [...path, 'LaunchTemplate'],
      'a group needs LaunchTemplate or MixedInstancesPolicy (launch configurations are not served)',
    );
  const template = spec ? checkedTemplate(spec, specPath, res.launchTemplates, ctx) : undefined;
  const resolvedSpec = template
    ? {
        LaunchTemplateId: template.LaunchTemplateId,
        LaunchTemplateName: template.LaunchTemplateName,
        Version: spec?.Version ?? '$Default',
      }
    : undefined;

  // No instances listed: the group runs its desired capacity, as Auto Scaling launches it.
  const listed: NonNullable<typeof g.Instances> =
    g.Instances ?? Array.from({ length: g.DesiredCapacity ?? 0 }, () => ({}));
  const Instances = listed.map((instance, j): EstateGroupInstance => {
    const iPath = [...path, 'Instances', j];
    const AvailabilityZone = instance.AvailabilityZone ?? zones[j % Math.max(zones.length, 1)] ?? 'unknown';
    if (instance.AvailabilityZone !== undefined && !zones.includes(instance.AvailabilityZone))
      ctx.problems.at(
        [...iPath, 'AvailabilityZone'],
        `${instance.AvailabilityZone} is not a zone of the group's subnets (${zones.join(', ')})`,
      );
    const ref = instance.LaunchTemplate ?? {};
    const own =
      ref.LaunchTemplateId !== undefined || ref.LaunchTemplateName !== undefined
        ? checkedTemplate(ref, [...iPath, 'LaunchTemplate'], res.launchTemplates, ctx)
        : template;
    const version = own ? resolveVersion(own, ref.Version ?? resolvedSpec?.Version) : undefined;
    if (own && !version)
      ctx.problems.at(
        [...iPath, 'LaunchTemplate', 'Version'],
        `${own.LaunchTemplateName} has no version ${ref.Version ?? resolvedSpec?.Version}`,
      );
    return {
      // Seeded by position too, so a duplicated group name is reported once, not per instance.
      InstanceId: instance.InstanceId ?? `i-${stableHex(`${seed}/${path.join('/')}/instance/${j}`, 17)}`,
      InstanceType: instance.InstanceType ?? version?.LaunchTemplateData.InstanceType ?? 't3.medium',
      AvailabilityZone,
      AvailabilityZoneId: instance.AvailabilityZoneId ?? availabilityZoneId(ctx.region, AvailabilityZone),
      LifecycleState: instance.LifecycleState ?? 'InService',
      HealthStatus: instance.HealthStatus ?? 'Healthy',
      ...(own && version
        ? {
            LaunchTemplate: {
              LaunchTemplateId: own.LaunchTemplateId,
              LaunchTemplateName: own.LaunchTemplateName,
              Version: String(version.VersionNumber),
            },
          }
        : {}),
      ...(instance.ImageId !== undefined ? { ImageId: instance.ImageId } : {}),
      ProtectedFromScaleIn: instance.ProtectedFromScaleIn ?? g.NewInstancesProtectedFromScaleIn ?? false,
      ...(instance.WeightedCapacity !== undefined ? { WeightedCapacity: instance.WeightedCapacity } : {}),
    };
  });

  const DesiredCapacity = g.DesiredCapacity ?? Instances.length;
  const MinSize = g.MinSize ?? Math.min(DesiredCapacity, 1);
  const MaxSize = g.MaxSize ?? Math.max(DesiredCapacity, MinSize);
  if (!(MinSize <= DesiredCapacity && DesiredCapacity <= MaxSize))
    ctx.problems.at(
      [...path, 'DesiredCapacity'],
      `${DesiredCapacity} must be between MinSize ${MinSize} and MaxSize ${MaxSize}`,
    );
  const {
    LaunchTemplate: _lt,
    MixedInstancesPolicy,
    Instances: _i,
    Tags,
    VPCZoneIdentifier: _subnets,
    ...rest
  } = g;
  return {
    ...rest,
    AutoScalingGroupName: g.AutoScalingGroupName,
    AutoScalingGroupARN:
      g.AutoScalingGroupARN ??
      `arn:aws:autoscaling:${ctx.region}:${ctx.account}:autoScalingGroup:${stableUuid(seed)}:autoScalingGroupName/${g.AutoScalingGroupName}`,
    ...(g.LaunchTemplate && resolvedSpec ? { LaunchTemplate: resolvedSpec } : {}),
    ...(MixedInstancesPolicy
      ? {
          MixedInstancesPolicy: {
            ...(MixedInstancesPolicy as EstateAutoScalingGroup['MixedInstancesPolicy']),
            LaunchTemplate: {
              ...(MixedInstancesPolicy.LaunchTemplate as object),
              LaunchTemplateSpecification:
                resolvedSpec ?? MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification,
            },
          },
        }
      : {}),
    MinSize,
    MaxSize,
    DesiredCapacity,
    DefaultCooldown: g.DefaultCooldown ?? 300,
    AvailabilityZones: g.AvailabilityZones ?? zones,
    HealthCheckType: g.HealthCheckType ?? 'EC2',
    HealthCheckGracePeriod: g.HealthCheckGracePeriod ?? 300,
    CreatedTime: g.CreatedTime ?? stableDate(seed),
    VPCZoneIdentifier: subnetIds.join(','),
    Instances,
    TerminationPolicies: g.TerminationPolicies ?? ['Default'],
    // Answered on every group, empty (false) when unused (AWS's sample response; found against moto).
    LoadBalancerNames: [],
    TargetGroupARNs: g.TargetGroupARNs ?? [],
    SuspendedProcesses: [],
    EnabledMetrics: [],
    CapacityRebalance: g.CapacityRebalance ?? false,
    NewInstancesProtectedFromScaleIn: g.NewInstancesProtectedFromScaleIn ?? false,
    ServiceLinkedRoleARN:
      g.ServiceLinkedRoleARN ??
      `arn:aws:iam::${ctx.account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
    Tags: (Tags ?? []).map((t) => ({
      ResourceId: g.AutoScalingGroupName,
      ResourceType: 'auto-scaling-group',
      Key: t.Key,
      Value: t.Value,
      PropagateAtLaunch: t.PropagateAtLaunch ?? true,
    })),
  };
}

/** The template a reference names, with a problem at `path` when it names none or names two. */
function checkedTemplate(
  spec: {
    LaunchTemplateId?: string | undefined;
    LaunchTemplateName?: string | undefined;
    Version?: string | undefined;
  },
  path: PathPart[],
  templates: EstateLaunchTemplate[],
  ctx: RegionContext,
): EstateLaunchTemplate | undefined {
  if (spec.LaunchTemplateId === undefined && spec.LaunchTemplateName === undefined) {
    ctx.problems.at(path, 'name the template by LaunchTemplateId or LaunchTemplateName');
    return undefined;
  }
  const template = findLaunchTemplate(templates, spec);
  if (!template) {
    ctx.problems.at(
      [...path, spec.LaunchTemplateId !== undefined ? 'LaunchTemplateId' : 'LaunchTemplateName'],
      `${spec.LaunchTemplateId ?? spec.LaunchTemplateName} is not in this region's launchTemplates; add it there`,
    );
    return undefined;
  }
  if (spec.LaunchTemplateName !== undefined && template.LaunchTemplateName !== spec.LaunchTemplateName)
    ctx.problems.at(
      [...path, 'LaunchTemplateName'],
      `${spec.LaunchTemplateId} is named ${template.LaunchTemplateName}, not ${spec.LaunchTemplateName}`,
    );
  if (spec.Version !== undefined && !resolveVersion(template, spec.Version))
    ctx.problems.at(
      [...path, 'Version'],
      `${template.LaunchTemplateName} has no version ${spec.Version} (its versions: ${template.Versions.map((v) => v.VersionNumber).join(', ')})`,
    );
  return template;
}

function unique(ids: string[], listPath: PathPart[], member: string, ctx: RegionContext): void {
  const first = new Map<string, number>();
  ids.forEach((id, i) => {
    if (first.has(id))
      ctx.problems.at(
        [...listPath, i, member],
        `${id} is already used by ${member} of item ${first.get(id)}`,
      );
    else first.set(id, i);
  });
}
