import type {
  ApplicationGroup,
  ChecklistItem,
  Consumer,
  ConsumerReference,
  ConsumerReport,
  SourceIdentity,
  UnreadableSource,
} from './consumers.ts';
import { ownership } from './inventory.ts';

/**
 * The rules that recognise the source file system in a consumer: in free text (launch template
 * user data, a script), in an ECS volume, in a Lambda file system config. Pure: the adapters read,
 * the discovery workflow asks these, and cutover later rewrites exactly the spans found here.
 */

/** Characters that continue an `fs-`/`fsap-` ID: a match followed by one names another resource. */
const ID_CHAR = '[A-Za-z0-9]';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One pattern per reference form, tried in this order; an earlier match's span hides later ones inside it. */
interface FormPattern {
  form: ConsumerReference['form'];
  regex: RegExp;
  /** The source access point a match names, for the access-point forms. */
  accessPointOf?(match: RegExpExecArray): string | undefined;
}

function patternsFor(source: SourceIdentity): FormPattern[] {
  const fsId = escapeRegExp(source.fileSystemId);
  // An ID is bounded on the left by anything that cannot be part of a longer name (`myfs-…` is not
  // the file system) and on the right by anything that cannot continue the ID (`fs-0a12` ≠ `fs-0a1`).
  const idStart = '(?<![A-Za-z0-9_-])';
  const idEnd = `(?!${ID_CHAR})`;
  const apIds = source.accessPointIds.map(escapeRegExp);
  const patterns: FormPattern[] = [];
  // The AZ-specific name (`us-east-1a.fs-….efs.…`) is one DNS name, not a prefix and an ID. China's
  // partition ends in `.com.cn`.
  patterns.push({
    form: 'dns-name',
    regex: new RegExp(
      `${idStart}(?:[a-z0-9-]+\\.)?${fsId}\\.efs\\.${escapeRegExp(source.region)}\\.amazonaws\\.com(?:\\.cn)?(?![A-Za-z0-9-])`,
      'gi',
    ),
  });
  if (apIds.length > 0) {
    const ap = `(${apIds.join('|')})`;
    patterns.push({
      form: 'file-system-and-access-point',
      regex: new RegExp(`${idStart}${fsId}::${ap}${idEnd}`, 'gi'),
      accessPointOf: (m) => m[1],
    });
    // efs-utils mount option `accesspoint=fsap-…`; the bare ID (a variable, a PV) names it too.
    patterns.push({
      form: 'access-point',
      regex: new RegExp(`(?:\\baccesspoint=)?${idStart}${ap}${idEnd}`, 'gi'),
      accessPointOf: (m) => m[1],
    });
  }
  patterns.push({ form: 'file-system-id', regex: new RegExp(`${idStart}${fsId}${idEnd}`, 'gi') });
  for (const ip of source.mountTargetIps) {
    // Exact: `10.0.1.5` is neither `110.0.1.5` nor `10.0.1.50` nor part of `10.0.1.5.6`.
    patterns.push({
      form: 'mount-target-ip',
      regex: new RegExp(`(?<![0-9])(?<![0-9]\\.)${escapeRegExp(ip)}(?![0-9])(?!\\.[0-9])`, 'g'),
    });
  }
  return patterns;
}

/**
 * Every place `text` names the source, in any form a mount uses, with its line (1-based) in
 * `where` (`<label> line <n>`). A DNS name or an `fs-…::fsap-…` is reported once, as that form,
 * not again as the `fs-…` ID inside it. The canonical access point ID is returned whatever the
 * case of the text.
 */
export function referencesInText(
  text: string,
  source: SourceIdentity,
  label = 'user data',
): ConsumerReference[] {
  const patterns = patternsFor(source);
  const canonicalAp = new Map(source.accessPointIds.map((id) => [id.toLowerCase(), id]));
  const found: ConsumerReference[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const taken: [number, number][] = [];
    const overlaps = (start: number, end: number) => taken.some(([s, e]) => start < e && end > s);
    const hits: { start: number; ref: ConsumerReference }[] = [];
    for (const p of patterns) {
      p.regex.lastIndex = 0;
      for (let m = p.regex.exec(line); m; m = p.regex.exec(line)) {
        const start = m.index;
        const end = start + m[0].length;
        if (overlaps(start, end)) continue;
        taken.push([start, end]);
        const ap = p.accessPointOf?.(m);
        const ref: ConsumerReference = { form: p.form, value: m[0], where: `${label} line ${index + 1}` };
        if (ap) ref.accessPointId = canonicalAp.get(ap.toLowerCase()) ?? ap;
        hits.push({ start, ref });
      }
    }
    found.push(...hits.sort((a, b) => a.start - b.start).map((h) => h.ref));
  });
  return found;
}

/** The part of an ECS task definition volume the matcher reads (the SDK's `Volume` fits). */
export interface EcsVolumeLike {
  name?: string;
  efsVolumeConfiguration?: {
    fileSystemId?: string;
    authorizationConfig?: { accessPointId?: string };
  };
}

/** The references of a task definition's volumes to the source: its ID, or one of its access points. */
export function referencesInEcsVolumes(
  volumes: readonly EcsVolumeLike[] | undefined,
  source: SourceIdentity,
): ConsumerReference[] {
  const aps = new Set(source.accessPointIds);
  return (volumes ?? []).flatMap((volume, i) => {
    const efs = volume.efsVolumeConfiguration;
    if (!efs) return [];
    const where = volume.name ? `volume "${volume.name}"` : `volumes[${i}]`;
    const refs: ConsumerReference[] = [];
    if (efs.fileSystemId === source.fileSystemId)
      refs.push({ form: 'file-system-id', value: efs.fileSystemId, where: `${where} fileSystemId` });
    const ap = efs.authorizationConfig?.accessPointId;
    if (ap && aps.has(ap))
      refs.push({
        form: 'access-point',
        value: ap,
        where: `${where} authorizationConfig.accessPointId`,
        accessPointId: ap,
      });
    return refs;
  });
}

/** The part of a Lambda function configuration the matcher reads (the SDK's `FileSystemConfig` fits). */
export interface LambdaFileSystemConfigLike {
  Arn?: string;
  LocalMountPath?: string;
}

/** `fsap-…` from `arn:<partition>:elasticfilesystem:<region>:<account>:access-point/fsap-…`. */
export function accessPointIdOfArn(arn: string): string | undefined {
  return /:access-point\/(fsap-[A-Za-z0-9]+)$/.exec(arn)?.[1];
}

/**
 * The function's file system configs that mount one of the source's access points (Lambda mounts
 * only through access points). An ARN matches when it is one of the source's, or names one of its
 * access point IDs in the same account and region (a partition spelled differently still matches).
 */
export function referencesInLambdaFileSystemConfigs(
  configs: readonly LambdaFileSystemConfigLike[] | undefined,
  source: SourceIdentity,
): ConsumerReference[] {
  const arns = new Set(source.accessPointArns);
  const aps = new Set(source.accessPointIds);
  return (configs ?? []).flatMap((config, i) => {
    const arn = config.Arn;
    if (!arn) return [];
    const ap = accessPointIdOfArn(arn);
    const sameAccountAndRegion =
      arn.split(':')[3] === source.region && arn.split(':')[4] === source.accountId;
    if (!arns.has(arn) && !(ap && aps.has(ap) && sameAccountAndRegion)) return [];
    const where = `FileSystemConfigs[${i}]${config.LocalMountPath ? ` (${config.LocalMountPath})` : ''}`;
    return [{ form: 'access-point' as const, value: arn, where, ...(ap ? { accessPointId: ap } : {}) }];
  });
}

export const UNASSIGNED_APP = 'unassigned';

/**
 * Consumers by application: the consumer's `app` tag, else the file system's, else `unassigned`
 * (the same tag keys as the inventory's `ownership()`: `app`, `application`, `service`). The owner
 * is the first consumer's `owner` tag in the group (`owner`, `team`, `contact`), else the file
 * system's. Groups sorted by name, `unassigned` last, so every rendering lists them alike.
 */
export function groupByApplication(
  consumers: readonly Consumer[],
  fileSystemTags: Record<string, string>,
): ApplicationGroup[] {
  const fsOwnership = ownership({ tags: fileSystemTags });
  const groups = new Map<string, ApplicationGroup>();
  for (const consumer of consumers) {
    const own = ownership({ tags: consumer.tags });
    const app = own.app ?? fsOwnership.app ?? UNASSIGNED_APP;
    let group = groups.get(app);
    if (!group) {
      group = { app, consumers: [] };
      groups.set(app, group);
    }
    group.consumers.push(consumer);
    if (group.ownerTag === undefined && own.owner !== undefined) group.ownerTag = own.owner;
  }
  for (const group of groups.values())
    if (group.ownerTag === undefined && fsOwnership.owner !== undefined) group.ownerTag = fsOwnership.owner;
  return [...groups.values()].sort((a, b) =>
    a.app === UNASSIGNED_APP ? 1 : b.app === UNASSIGNED_APP ? -1 : a.app.localeCompare(b.app),
  );
}

/** The identifiers a person greps for, in one phrase. */
function sourceNames(source: SourceIdentity): string {
  const parts = [`\`${source.fileSystemId}\``, `\`${source.dnsName}\``];
  if (source.mountTargetIps.length) parts.push(`mount target IPs ${source.mountTargetIps.join(', ')}`);
  if (source.accessPointIds.length) parts.push(`access points ${source.accessPointIds.join(', ')}`);
  return parts.join(', ');
}

/**
 * What no AWS API shows, always the same four items, each naming the source's identifiers (and
 * the twin's when it is built) so the person checking knows what to search for and what to change.
 */
export function consumerChecklist(
  source: SourceIdentity,
  consumers: readonly Consumer[],
  twinFileSystemId?: string,
): ChecklistItem[] {
  const twin = twinFileSystemId ? ` with \`${twinFileSystemId}\`` : ' with the twin';
  const pinned = consumers.flatMap((c) =>
    c.kind === 'ecs-task-definition'
      ? [c.taskDefinitionArn]
      : c.kind === 'ecs-service'
        ? [c.taskDefinitionArn]
        : [],
  );
  const uniquePinned = [...new Set(pinned)].sort();
  const handles = source.accessPointIds.map((ap) => `\`${source.fileSystemId}::${ap}\``);
  return [
    {
      id: 'fstab',
      title: 'fstab and mount units on running instances',
      detail:
        `Instances launched before a template change, or by hand, may mount it in /etc/fstab, systemd .mount units or scripts: ` +
        `search for ${sourceNames(source)} and replace them${twin}, then remount.`,
    },
    {
      id: 'eks-persistent-volumes',
      title: 'EKS PersistentVolumes',
      detail:
        `Look for PersistentVolumes whose \`csi.volumeHandle\` is \`${source.fileSystemId}\`` +
        (handles.length ? ` or ${handles.join(', ')}` : '') +
        ` (kubectl get pv -o wide). volumeHandle is immutable: create a new PV (and PVC)${twin}, move the workloads, then delete the old PV.`,
    },
    {
      id: 'pinned-task-definitions',
      title: 'EventBridge scheduled tasks and Step Functions steps pinning a task definition revision',
      detail:
        (uniquePinned.length
          ? `These revisions mount the source: ${uniquePinned.join(', ')}. `
          : 'No task definition revision found mounts the source, but an inactive one may still be pinned. ') +
        'EventBridge rules and Scheduler schedules (EcsParameters.TaskDefinitionArn) and Step Functions `ecs:runTask` states that name one keep running it after cutover: point them at the new revision.',
    },
    {
      id: 'on-premises',
      title: 'On-premises, Direct Connect and VPN clients',
      detail:
        `Clients outside AWS mount by mount target IP or DNS name through Direct Connect or a VPN: ` +
        `ask their owners to look for ${sourceNames(source)} and to remount${twin}.`,
    },
  ];
}

/** The report of one discovery: the consumers found, the checklist, and what could not be read. */
export function consumerReport(input: {
  migrationId: string;
  source: SourceIdentity;
  discoveredAt: string;
  consumers: Consumer[];
  unreadable: UnreadableSource[];
  twinFileSystemId?: string;
}): ConsumerReport {
  const consumers = [...input.consumers].sort(
    (a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id),
  );
  return {
    migrationId: input.migrationId,
    accountId: input.source.accountId,
    region: input.source.region,
    fileSystemId: input.source.fileSystemId,
    discoveredAt: input.discoveredAt,
    consumers,
    checklist: consumerChecklist(input.source, consumers, input.twinFileSystemId),
    unreadable: input.unreadable,
  };
}

/** One line per consumer for a person (the CLI and the thread): what it is and the facts cutover will act on. */
export function consumerHeadline(c: Consumer): string {
  switch (c.kind) {
    case 'ecs-service':
      return `ECS service ${c.name} (${c.deploymentController}, ${c.runningCount}/${c.desiredCount} running) on ${c.taskDefinitionArn}`;
    case 'ecs-task-definition':
      return `ECS task definition ${c.name}, run by no service (scheduled task, Step Functions or RunTask?)`;
    case 'lambda-function':
      return (
        `Lambda function ${c.name}, versions ${c.versions.join(', ')}` +
        (c.aliases.length
          ? `; aliases ${c.aliases.map((a) => `${a.name} → ${a.functionVersion}`).join(', ')}`
          : '')
      );
    case 'launch-template':
      return (
        `Launch template ${c.name} (${c.launchTemplateId}), versions ${c.versionsReferencing.join(', ')} ` +
        `(default ${c.defaultVersion}, latest ${c.latestVersion})` +
        (c.autoScalingGroups.length
          ? `; Auto Scaling ${c.autoScalingGroups
              .map(
                (g) =>
                  `${g.name} on ${g.version}` +
                  (g.instancesOnReferencingVersion.length
                    ? ` (${g.instancesOnReferencingVersion.length} instance(s) on a version that mounts it)`
                    : ''),
              )
              .join(', ')}`
          : '')
      );
  }
}
