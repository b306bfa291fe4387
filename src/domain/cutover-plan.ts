import type { BuildMapping } from './build-plan.ts';
import type {
  ApplicationGroup,
  ChecklistItem,
  EcsServiceConsumer,
  EcsTaskDefinitionConsumer,
  LambdaFunctionConsumer,
  LaunchTemplateConsumer,
} from './consumers.ts';
import {
  canonicalJson,
  sha256Hex,
  twinFileSystemId,
  type ConsumerChangePlan,
  type CutoverCall,
} from './cutover-calls.ts';
import {
  planEcsServiceChange,
  planEcsTaskDefinitionChange,
  type DescribedTaskDefinition,
  type EcsTag,
} from './cutover-ecs.ts';
import {
  planLambdaFunctionChange,
  type DescribedAlias,
  type DescribedFunctionConfiguration,
} from './cutover-lambda.ts';
import { planLaunchTemplateChange, type DescribedLaunchTemplateVersion } from './cutover-launch-template.ts';

/**
 * The cutover of one application, as data: per consumer the exact calls in order and their
 * inverse, and a digest of the whole, which an approval names (cutover-approval.ts). Pure: the
 * workflow describes each consumer fresh (a discovery may be minutes old), hands the descriptions
 * here, shows the result as the dry run ("Review cutover") and stores it; apply makes these calls.
 */

/** A consumer with what was read about it just before planning. */
export type ConsumerDescription =
  | {
      kind: 'ecs-service';
      consumer: EcsServiceConsumer;
      taskDefinition: DescribedTaskDefinition;
      tags?: EcsTag[];
    }
  | {
      kind: 'ecs-task-definition';
      consumer: EcsTaskDefinitionConsumer;
      taskDefinition: DescribedTaskDefinition;
      tags?: EcsTag[];
    }
  | {
      kind: 'lambda-function';
      consumer: LambdaFunctionConsumer;
      latest: DescribedFunctionConfiguration;
      aliases?: DescribedAlias[];
      versions?: Record<string, DescribedFunctionConfiguration>;
    }
  | {
      kind: 'launch-template';
      consumer: LaunchTemplateConsumer;
      versions: DescribedLaunchTemplateVersion[];
      instanceRefresh?: boolean;
    };

/** What the source and twin look like, beyond the build mapping. */
export interface CutoverContext {
  migrationId: string;
  mapping: BuildMapping;
  sourceAccessPointIds: string[];
  sourceMountTargets: { availabilityZone: string; ipAddress: string }[];
  twinMountTargets: { availabilityZone: string; mountTargetId: string; ipAddress: string }[];
}

export interface ApplicationCutoverPlan {
  migrationId: string;
  sourceFileSystemId: string;
  targetFileSystemId: string;
  app: string;
  ownerTag?: string;
  /**
   * 1 for the first plan of this application in this migration, +1 for each review: part of the
   * digest, so a plan reviewed again (even unchanged) needs a new approval after a rejection.
   */
  revision: number;
  plannedAt: string;
  changes: ConsumerChangePlan[];
  /** What no API shows (from discovery), repeated so the approver sees it beside the changes. */
  checklist: ChecklistItem[];
  /** sha256 of the canonical JSON of everything above: what an approval names. */
  digest: string;
}

/** Kinds in the order their changes run: revisions are registered before services move to them. */
const KIND_ORDER = ['ecs-task-definition', 'ecs-service', 'lambda-function', 'launch-template'] as const;

export function planConsumerChange(
  context: CutoverContext,
  description: ConsumerDescription,
  options: { registerTaskDefinition?: boolean } = {},
): ConsumerChangePlan {
  const { mapping } = context;
  switch (description.kind) {
    case 'ecs-service':
      return planEcsServiceChange(description.consumer, {
        mapping,
        taskDefinition: description.taskDefinition,
        ...(description.tags ? { tags: description.tags } : {}),
        ...(options.registerTaskDefinition === false ? { register: false } : {}),
      });
    case 'ecs-task-definition':
      return planEcsTaskDefinitionChange(description.consumer, {
        mapping,
        taskDefinition: description.taskDefinition,
        ...(description.tags ? { tags: description.tags } : {}),
        ...(options.registerTaskDefinition === false ? { register: false } : {}),
      });
    case 'lambda-function':
      return planLambdaFunctionChange(
        description.consumer,
        {
          mapping,
          latest: description.latest,
          ...(description.aliases ? { aliases: description.aliases } : {}),
          ...(description.versions ? { versions: description.versions } : {}),
        },
        new Set(context.sourceAccessPointIds),
      );
    case 'launch-template':
      return planLaunchTemplateChange(description.consumer, {
        migrationId: context.migrationId,
        mapping,
        versions: description.versions,
        sourceAccessPointIds: context.sourceAccessPointIds,
        sourceMountTargets: context.sourceMountTargets,
        twinMountTargets: context.twinMountTargets,
        ...(description.instanceRefresh ? { instanceRefresh: true } : {}),
      });
  }
}

function taskDefinitionOf(d: ConsumerDescription): string | undefined {
  return d.kind === 'ecs-service' || d.kind === 'ecs-task-definition'
    ? d.consumer.taskDefinitionArn
    : undefined;
}

/**
 * Every consumer of one application, in a stable order (kind, then ID), each revision registered
 * once however many services run it, with the digest an approval names.
 */
export function planApplicationCutover(input: {
  context: CutoverContext;
  group: Pick<ApplicationGroup, 'app' | 'ownerTag'>;
  descriptions: ConsumerDescription[];
  checklist?: ChecklistItem[];
  revision: number;
  plannedAt: string;
}): ApplicationCutoverPlan {
  const { context } = input;
  const ordered = [...input.descriptions].sort(
    (a, b) =>
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
      (a.consumer.id < b.consumer.id ? -1 : a.consumer.id > b.consumer.id ? 1 : 0),
  );
  const registered = new Set<string>();
  const changes = ordered.map((d) => {
    const td = taskDefinitionOf(d);
    const first = td === undefined || !registered.has(td);
    if (td) registered.add(td);
    return planConsumerChange(context, d, { registerTaskDefinition: first });
  });
  const body: Omit<ApplicationCutoverPlan, 'digest'> = {
    migrationId: context.migrationId,
    sourceFileSystemId: context.mapping.sourceFileSystemId,
    targetFileSystemId: twinFileSystemId(context.mapping),
    app: input.group.app,
    ...(input.group.ownerTag ? { ownerTag: input.group.ownerTag } : {}),
    revision: input.revision,
    plannedAt: input.plannedAt,
    changes,
    checklist: input.checklist ?? [],
  };
  return { ...body, digest: planDigest(body) };
}

/** sha256 over the canonical JSON of the plan without its digest: any change to it changes the digest. */
export function planDigest(plan: Omit<ApplicationCutoverPlan, 'digest'> | ApplicationCutoverPlan): string {
  const { digest: _digest, ...body } = plan as ApplicationCutoverPlan;
  return sha256Hex(canonicalJson(body));
}

/** Every call of the plan in the order apply makes them, for the dry run. */
export function callsInOrder(plan: ApplicationCutoverPlan): (CutoverCall & { consumerId: string })[] {
  return plan.changes.flatMap((c) => c.calls.map((call) => ({ ...call, consumerId: c.consumerId })));
}
