import type { BuildMapping, Difference } from './build-plan.ts';
import { isReservedTagKey } from './build-plan.ts';
import type { EcsServiceConsumer, EcsTaskDefinitionConsumer } from './consumers.ts';
import {
  CutoverPlanError,
  placeholder,
  twinAccessPointId,
  twinFileSystemId,
  type ConsumerChangePlan,
  type CutoverCall,
} from './cutover-calls.ts';

/**
 * ECS: a task definition revision cannot be changed, so cutover registers a new revision of the
 * same family from the described one, with the twin's file system and access points, and moves
 * each service to it. Structural types here, so the domain needs no SDK; the SDK's
 * `TaskDefinition` fits them.
 */

export interface EfsAuthorizationConfigLike {
  accessPointId?: string;
  iam?: string;
}

export interface EfsVolumeConfigurationLike {
  fileSystemId?: string;
  rootDirectory?: string;
  transitEncryption?: string;
  transitEncryptionPort?: number;
  authorizationConfig?: EfsAuthorizationConfigLike;
}

export interface EcsVolumeLike {
  name?: string;
  efsVolumeConfiguration?: EfsVolumeConfigurationLike;
}

/** A task definition as DescribeTaskDefinition returns it; every other member passes through untouched. */
export interface DescribedTaskDefinition {
  family?: string;
  taskDefinitionArn?: string;
  revision?: number;
  volumes?: EcsVolumeLike[];
}

/** ECS tags are lower-case `key`/`value` (DescribeTaskDefinition `include: ['TAGS']`). */
export interface EcsTag {
  key?: string;
  value?: string;
}

/**
 * Members DescribeTaskDefinition returns that RegisterTaskDefinition does not take (they describe
 * the registered revision, not its content). `deleteRequestedAt` is read-only too (TaskDefinition
 * shape in aws-models/ecs/service-2.json), though issue #14 does not list it.
 */
export const TASK_DEFINITION_READ_ONLY = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
  'deleteRequestedAt',
] as const;
type ReadOnlyMember = (typeof TASK_DEFINITION_READ_ONLY)[number];

export type RegisterTaskDefinitionInputOf<T> = Omit<T, ReadOnlyMember | 'family'> & {
  family: string;
  tags?: EcsTag[];
};

export interface TaskDefinitionRewrite<T> {
  input: RegisterTaskDefinitionInputOf<T>;
  differs: Difference[];
}

/**
 * The RegisterTaskDefinition input for the twin: read-only members dropped, every volume that
 * mounts the source pointed at the twin (access points mapped old → new), tags copied but `aws:`
 * keys (reserved: ECS TagResource "Tag keys can't start with aws:"). Every other member, volumes
 * of other file systems included, is passed through as described.
 */
export function rewriteTaskDefinition<T extends DescribedTaskDefinition>(
  described: T,
  tags: EcsTag[] | undefined,
  mapping: BuildMapping,
): TaskDefinitionRewrite<T> {
  const name = described.taskDefinitionArn ?? described.family ?? 'the task definition';
  if (!described.family)
    throw new CutoverPlanError(
      `${name} was described without a family, so no new revision can be registered. Describe it again.`,
    );
  const twin = twinFileSystemId(mapping);
  const source = mapping.sourceFileSystemId;
  const differs: Difference[] = [];
  let mounts = 0;

  const volumes = described.volumes?.map((volume) => {
    const efs = volume.efsVolumeConfiguration;
    if (!efs || efs.fileSystemId !== source) return volume;
    mounts++;
    const where = `${name} volume "${volume.name ?? '(unnamed)'}"`;
    const next: EfsVolumeConfigurationLike = { ...efs, fileSystemId: twin };
    differs.push({
      subject: `${where} fileSystemId`,
      change: `${source} → ${twin}`,
      why: 'the encrypted twin',
    });
    const auth = efs.authorizationConfig;
    if (auth?.accessPointId) {
      const ap = twinAccessPointId(mapping, auth.accessPointId, where);
      next.authorizationConfig = { ...auth, accessPointId: ap };
      differs.push({
        subject: `${where} accessPointId`,
        change: `${auth.accessPointId} → ${ap}`,
        why: "the twin's copy of the access point",
      });
    }
    // AWS rejects an access point or IAM authorisation without transit encryption:
    // EFSAuthorizationConfig.accessPointId "If an access point is used, transit encryption must be
    // on in the EFSVolumeConfiguration", and .iam "If it is turned on, transit encryption must be
    // turned on" (aws-models/ecs/service-2.json; ECS developer guide "Amazon EFS volumes").
    const needsTransit = Boolean(auth?.accessPointId) || auth?.iam === 'ENABLED';
    if (needsTransit && efs.transitEncryption !== 'ENABLED') {
      next.transitEncryption = 'ENABLED';
      differs.push({
        subject: `${where} transitEncryption`,
        change: `${efs.transitEncryption ?? 'unset (DISABLED)'} → ENABLED`,
        why: 'ECS requires transit encryption with an access point or IAM authorisation',
      });
    }
    return { ...volume, efsVolumeConfiguration: next };
  });
  if (mounts === 0)
    throw new CutoverPlanError(
      `${name} no longer mounts ${source} (it changed since consumers were found). Find consumers again, then review the cutover.`,
    );

  const rest = { ...described } as Record<string, unknown>;
  for (const key of TASK_DEFINITION_READ_ONLY) delete rest[key];
  const kept = (tags ?? []).filter((t) => t.key !== undefined && !isReservedTagKey(t.key));
  for (const t of tags ?? [])
    if (t.key !== undefined && isReservedTagKey(t.key))
      differs.push({
        subject: `${name} tag ${t.key}`,
        change: 'not copied',
        why: 'aws: tag keys are reserved for AWS',
      });
  const input = {
    ...rest,
    ...(volumes ? { volumes } : {}),
    ...(kept.length ? { tags: kept } : {}),
  } as RegisterTaskDefinitionInputOf<T>;
  return { input, differs };
}

/** The placeholder for the ARN RegisterTaskDefinition answers with. */
export function newRevisionPlaceholderName(taskDefinitionArn: string): string {
  const familyRevision = /task-definition\/(.+)$/.exec(taskDefinitionArn)?.[1] ?? taskDefinitionArn;
  return `new revision of ${familyRevision}`;
}

export interface EcsPlanInput<T extends DescribedTaskDefinition> {
  mapping: BuildMapping;
  /** The revision the consumer runs or is, described fresh before planning. */
  taskDefinition: T;
  tags?: EcsTag[];
  /**
   * False when another consumer in the same plan already registers this revision's replacement:
   * this one reuses its placeholder instead of registering a second identical revision.
   */
  register?: boolean;
}

function registerCall<T extends DescribedTaskDefinition>(
  taskDefinitionArn: string,
  input: RegisterTaskDefinitionInputOf<T>,
): CutoverCall {
  return {
    service: 'ecs',
    operation: 'RegisterTaskDefinition',
    input: input as Record<string, unknown>,
    produces: newRevisionPlaceholderName(taskDefinitionArn),
    purpose: `a new revision of ${input.family} that mounts the twin`,
  };
}

/** A revision no service runs: its replacement is registered; whoever pins the old one must change. */
export function planEcsTaskDefinitionChange<T extends DescribedTaskDefinition>(
  consumer: EcsTaskDefinitionConsumer,
  plan: EcsPlanInput<T>,
): ConsumerChangePlan {
  const { input, differs } = rewriteTaskDefinition(plan.taskDefinition, plan.tags, plan.mapping);
  const revision = placeholder(newRevisionPlaceholderName(consumer.taskDefinitionArn));
  return {
    consumerId: consumer.id,
    kind: consumer.kind,
    name: consumer.name,
    calls: plan.register === false ? [] : [registerCall(consumer.taskDefinitionArn, input)],
    // Registering adds a revision and changes nothing that runs, so there is nothing to undo.
    inverse: [],
    differs,
    instructions: [
      `Point whatever runs ${consumer.taskDefinitionArn} (EventBridge scheduled tasks, Step Functions steps, RunTask callers) at ${revision}.`,
    ],
    notes: [
      `${consumer.taskDefinitionArn} stays ACTIVE and keeps mounting the source until its callers move.`,
    ],
  };
}

/**
 * A service: register the replacement revision, then UpdateService to it (deployment controller
 * ECS). CODE_DEPLOY and EXTERNAL services cannot change their task definition through UpdateService
 * (UpdateService doc, aws-models/ecs/service-2.json: for CODE_DEPLOY "If the … task definition …
 * need to be updated, create a new CodeDeploy deployment"; for an external controller "create a
 * new task set"), so their plan registers the revision and tells the owner exactly what to run.
 */
export function planEcsServiceChange<T extends DescribedTaskDefinition>(
  consumer: EcsServiceConsumer,
  plan: EcsPlanInput<T>,
): ConsumerChangePlan {
  const { input, differs } = rewriteTaskDefinition(plan.taskDefinition, plan.tags, plan.mapping);
  const revisionName = newRevisionPlaceholderName(consumer.taskDefinitionArn);
  const revision = placeholder(revisionName);
  const calls: CutoverCall[] =
    plan.register === false ? [] : [registerCall(consumer.taskDefinitionArn, input)];
  const inverse: CutoverCall[] = [];
  const instructions: string[] = [];
  const notes: string[] = [];
  const clusterName = consumer.clusterArn.split('/').pop() ?? consumer.clusterArn;
  const serviceName = consumer.serviceArn.split('/').pop() ?? consumer.name;

  if (consumer.deploymentController === 'ECS') {
    calls.push({
      service: 'ecs',
      operation: 'UpdateService',
      input: { cluster: consumer.clusterArn, service: consumer.serviceArn, taskDefinition: revision },
      produces: `primary deployment of ${serviceName}`,
      purpose: `deploy ${revision}; watched until that deployment is COMPLETED on the new revision`,
    });
    inverse.push({
      service: 'ecs',
      operation: 'UpdateService',
      input: {
        cluster: consumer.clusterArn,
        service: consumer.serviceArn,
        taskDefinition: consumer.taskDefinitionArn,
      },
      purpose: `back to the revision it ran before the cutover (${consumer.taskDefinitionArn})`,
    });
    if (consumer.desiredCount === 0)
      notes.push(
        `${serviceName} has desired count 0: it is updated, but no task runs, so nothing can be observed mounting the twin.`,
      );
  } else if (consumer.deploymentController === 'CODE_DEPLOY') {
    instructions.push(
      `${serviceName} is deployed by CodeDeploy, so efs-encrypt does not call UpdateService. Create a CodeDeploy deployment ` +
        `for its application and deployment group with an AppSpec whose TargetService TaskDefinition is ${revision}, e.g.\n` +
        `aws deploy create-deployment --application-name <application> --deployment-group-name <deployment group> ` +
        `--revision '{"revisionType":"AppSpecContent","appSpecContent":{"content":"{\\"version\\":0.0,\\"Resources\\":[{\\"TargetService\\":{\\"Type\\":\\"AWS::ECS::Service\\",\\"Properties\\":{\\"TaskDefinition\\":\\"${revision}\\",\\"LoadBalancerInfo\\":{\\"ContainerName\\":\\"<container>\\",\\"ContainerPort\\":<port>}}}}]}"}}'`,
      `To roll back, stop that deployment with rollback (aws deploy stop-deployment --deployment-id <id> --auto-rollback-enabled), which returns ${serviceName} to ${consumer.taskDefinitionArn}.`,
    );
  } else {
    instructions.push(
      `${serviceName} uses the EXTERNAL deployment controller, so efs-encrypt does not call UpdateService. Create a task set on the new revision and make it primary:\n` +
        `aws ecs create-task-set --cluster ${clusterName} --service ${serviceName} --task-definition ${revision} --external-id efs-encrypt-cutover\n` +
        `aws ecs update-service-primary-task-set --cluster ${clusterName} --service ${serviceName} --primary-task-set <the new task set ARN>\n` +
        `then scale down and delete the task set that runs ${consumer.taskDefinitionArn}.`,
      `To roll back, make the task set on ${consumer.taskDefinitionArn} primary again before deleting it.`,
    );
  }
  if (plan.register === false) notes.push(`${revision} is registered once for every consumer that runs it.`);
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
