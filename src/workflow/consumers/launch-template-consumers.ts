import type { AutoScalingGroup, LaunchTemplateSpecification } from '@aws-sdk/client-auto-scaling';
import pLimit from 'p-limit';
import { referencesInText } from '../../domain/consumer-references.ts';
import type { ConsumerReference, LaunchTemplateConsumer, SourceIdentity } from '../../domain/consumers.ts';
import type { ConsumersAutoScaling, ConsumersLaunchTemplates, LaunchTemplateSummary } from './ports.ts';
import type { UnreadableLog } from './unreadable.ts';

/** Every launch template a group launches from: its own, or its mixed instances policy's and overrides'. */
function templatesOf(group: AutoScalingGroup): LaunchTemplateSpecification[] {
  const mixed = group.MixedInstancesPolicy?.LaunchTemplate;
  return [
    ...(group.LaunchTemplate ? [group.LaunchTemplate] : []),
    ...(mixed?.LaunchTemplateSpecification ? [mixed.LaunchTemplateSpecification] : []),
    ...(mixed?.Overrides ?? []).flatMap((o) =>
      o.LaunchTemplateSpecification ? [o.LaunchTemplateSpecification] : [],
    ),
  ];
}

const names = (spec: { LaunchTemplateId?: string; LaunchTemplateName?: string }, t: LaunchTemplateSummary) =>
  (spec.LaunchTemplateId !== undefined && spec.LaunchTemplateId === t.LaunchTemplateId) ||
  (spec.LaunchTemplateName !== undefined && spec.LaunchTemplateName === t.LaunchTemplateName);

/**
 * Launch template consumers: templates whose default or latest version's user data names the
 * source in any form a mount uses, with the Auto Scaling groups that launch from them and the
 * instances still on a version that names it (an older version an instance runs is read too).
 */
export async function discoverLaunchTemplateConsumers(
  templates: ConsumersLaunchTemplates,
  autoScaling: ConsumersAutoScaling,
  source: SourceIdentity,
  unreadable: UnreadableLog,
  concurrency: number,
): Promise<LaunchTemplateConsumer[]> {
  const limit = pLimit(concurrency);
  const [all, groups] = await Promise.all([
    unreadable.attempt('ec2', 'DescribeLaunchTemplates', () => templates.listLaunchTemplates(), []),
    unreadable.attempt(
      'autoscaling',
      'DescribeAutoScalingGroups',
      () => autoScaling.listAutoScalingGroups(),
      [],
    ),
  ]);

  const readVersions = async (id: string, versions: string[]) =>
    unreadable.attempt(
      'ec2',
      'DescribeLaunchTemplateVersions',
      () => templates.launchTemplateVersions(id, versions),
      [],
    );

  const found = await Promise.all(
    all.map((template) =>
      limit(async (): Promise<LaunchTemplateConsumer | undefined> => {
        const id = template.LaunchTemplateId;
        if (!id) return undefined;
        const versions = await readVersions(id, ['$Default', '$Latest']);
        const referencing = new Map<number, ConsumerReference[]>();
        for (const v of versions) {
          if (referencing.has(v.versionNumber)) continue;
          const refs = referencesInText(v.userData, source, `version ${v.versionNumber} user data`);
          if (refs.length > 0) referencing.set(v.versionNumber, refs);
        }
        if (referencing.size === 0) return undefined;

        const using = groups.flatMap((g) => {
          const spec = templatesOf(g).find((s) => names(s, template));
          return spec && g.AutoScalingGroupName ? [{ group: g, version: spec.Version ?? '$Default' }] : [];
        });
        // By name, whatever order the listing gave: every report lists them alike.
        using.sort((a, b) =>
          (a.group.AutoScalingGroupName ?? '').localeCompare(b.group.AutoScalingGroupName ?? ''),
        );
        // Instances on a version neither default nor latest: read that version too, once.
        const read = new Set(versions.map((v) => v.versionNumber));
        const instanceVersions = new Set(
          using.flatMap(({ group }) =>
            (group.Instances ?? []).flatMap((i) =>
              i.LaunchTemplate && names(i.LaunchTemplate, template) && i.LaunchTemplate.Version
                ? [i.LaunchTemplate.Version]
                : [],
            ),
          ),
        );
        const unread = [...instanceVersions].filter((v) => /^\d+$/.test(v) && !read.has(Number(v)));
        const olderReferencing = new Set<number>();
        if (unread.length > 0)
          for (const v of await readVersions(id, unread))
            if (referencesInText(v.userData, source).length > 0) olderReferencing.add(v.versionNumber);
        const onReferencingVersion = (version: string | undefined) =>
          version !== undefined &&
          (referencing.has(Number(version)) || olderReferencing.has(Number(version)));

        return {
          kind: 'launch-template',
          id,
          name: template.LaunchTemplateName ?? id,
          tags: Object.fromEntries(
            (template.Tags ?? []).flatMap((t) => (t.Key !== undefined ? [[t.Key, t.Value ?? '']] : [])),
          ),
          references: [...referencing.values()].flat(),
          launchTemplateId: id,
          defaultVersion: template.DefaultVersionNumber ?? 0,
          latestVersion: template.LatestVersionNumber ?? 0,
          versionsReferencing: [...referencing.keys()].sort((a, b) => a - b),
          autoScalingGroups: using.map(({ group, version }) => ({
            name: group.AutoScalingGroupName ?? '',
            version,
            instancesOnReferencingVersion: (group.Instances ?? []).flatMap((i) =>
              i.InstanceId &&
              i.LaunchTemplate &&
              names(i.LaunchTemplate, template) &&
              onReferencingVersion(i.LaunchTemplate.Version)
                ? [i.InstanceId]
                : [],
            ),
          })),
        };
      }),
    ),
  );
  return found.flatMap((c) => (c ? [c] : []));
}
