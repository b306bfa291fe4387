import type { DesiredConfiguration, LaunchTemplateSpecification } from '@aws-sdk/client-auto-scaling';
import type { Service } from '@aws-sdk/client-ecs';
import { canonicalJson, type CutoverCall } from '../../domain/cutover-calls.ts';
import { BadInputError } from '../../domain/errors.ts';
import { CutoverChangeFailedError } from './cutover-errors.ts';
import type { CutoverClients } from './ports.ts';

/**
 * Makes one planned call (its placeholders already filled) through the service's port, and says
 * what it produced. Long waits (Lambda's LastUpdateStatus) poll through `wait`, the job's
 * lease-keeping sleep on the injected scheduler.
 */
export interface CallOutcome {
  /** The value the call's `produces` placeholder takes (ARN, deployment ID, version, RevisionId). */
  produced?: string;
  requestIds: string[];
  /** For a person: "registered jenkins:4". */
  detail: string;
}

export interface CallEnv {
  clients: CutoverClients;
  accountId: string;
  region: string;
  wait(ms: number): Promise<void>;
  pollMs: number;
  /** Upper bound on one wait (Lambda update), in ms. */
  maxWaitMs: number;
  now(): number;
  /** Progress while a call waits. */
  progress(detail: string): Promise<void>;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** Instance refresh statuses during which Auto Scaling refuses another (InstanceRefreshInProgress). */
const ACTIVE_REFRESH = new Set(['Pending', 'InProgress', 'Cancelling', 'RollbackInProgress', 'Baking']);
/**
 * How far this host's clock may run ahead of AWS's when a refresh's StartTime (AWS's clock) is
 * compared with the time recorded before the call (ours); AWS refuses requests signed 5 min off.
 */
const CLOCK_SKEW_MS = 5 * 60_000;

function sameLaunchTemplate(
  a: LaunchTemplateSpecification | undefined,
  b: LaunchTemplateSpecification | undefined,
): boolean {
  const key = (t?: LaunchTemplateSpecification) =>
    canonicalJson({
      id: t?.LaunchTemplateId ?? null,
      name: t?.LaunchTemplateName ?? null,
      version: t?.Version ?? null,
    });
  return a !== undefined && b !== undefined && key(a) === key(b);
}

export function primaryDeploymentOf(service: Service | undefined) {
  return service?.deployments?.find((d) => d.status === 'PRIMARY');
}

export async function executeCall(env: CallEnv, call: CutoverCall, consumerId: string): Promise<CallOutcome> {
  const input = call.input;
  const ids = (id?: string) => (id ? [id] : []);
  switch (`${call.service}:${call.operation}`) {
    case 'ecs:RegisterTaskDefinition': {
      const ecs = await env.clients.ecsFor(env.accountId, env.region);
      const out = await ecs.registerTaskDefinition(input as never);
      return {
        produced: out.taskDefinitionArn,
        requestIds: ids(out.requestId),
        detail: `registered ${out.taskDefinitionArn}`,
      };
    }
    case 'ecs:UpdateService': {
      const ecs = await env.clients.ecsFor(env.accountId, env.region);
      const out = await ecs.updateService(
        input as { cluster: string; service: string; taskDefinition: string },
      );
      const primary = primaryDeploymentOf(out.service);
      return {
        ...(primary?.id ? { produced: primary.id } : {}),
        requestIds: ids(out.requestId),
        detail:
          `UpdateService to ${str(input.taskDefinition)}: deployment ${primary?.id ?? '(none reported)'} ${primary?.rolloutState ?? ''}`.trim(),
      };
    }
    case 'lambda:UpdateFunctionConfiguration': {
      const lambda = await env.clients.lambdaFor(env.accountId, env.region);
      const out = await lambda.updateFunctionConfiguration(input as never);
      return {
        requestIds: ids(out.requestId),
        detail: `UpdateFunctionConfiguration: ${out.LastUpdateStatus ?? 'accepted'}`,
      };
    }
    case 'lambda:GetFunctionConfiguration':
      return waitForLambdaUpdate(env, str(input.FunctionName) ?? '', consumerId);
    case 'lambda:PublishVersion': {
      const lambda = await env.clients.lambdaFor(env.accountId, env.region);
      const out = await lambda.publishVersion(input as never);
      return {
        ...(out.Version ? { produced: out.Version } : {}),
        requestIds: ids(out.requestId),
        detail: `published version ${out.Version}`,
      };
    }
    case 'lambda:UpdateAlias': {
      const lambda = await env.clients.lambdaFor(env.accountId, env.region);
      const out = await lambda.updateAlias(input as never);
      return { requestIds: ids(out.requestId), detail: `alias ${out.Name} → version ${out.FunctionVersion}` };
    }
    case 'ec2:CreateLaunchTemplateVersion': {
      const ec2 = await env.clients.launchTemplatesFor(env.accountId, env.region);
      const out = await ec2.createLaunchTemplateVersion(input as never);
      return {
        produced: String(out.versionNumber),
        requestIds: ids(out.requestId),
        detail: `created version ${out.versionNumber}`,
      };
    }
    case 'ec2:ModifyLaunchTemplate': {
      const ec2 = await env.clients.launchTemplatesFor(env.accountId, env.region);
      const out = await ec2.modifyLaunchTemplate(input as never);
      return {
        requestIds: ids(out.requestId),
        detail: `default version ${out.defaultVersion ?? str(input.DefaultVersion)}`,
      };
    }
    case 'autoscaling:StartInstanceRefresh': {
      const ec2 = await env.clients.launchTemplatesFor(env.accountId, env.region);
      const out = await ec2.startInstanceRefresh(input as never);
      return {
        produced: out.instanceRefreshId,
        requestIds: ids(out.requestId),
        detail: `instance refresh ${out.instanceRefreshId} of ${str(input.AutoScalingGroupName)} started`,
      };
    }
    default:
      throw new BadInputError(
        `The cutover cannot make ${call.service} ${call.operation}; this is a bug in efs-encrypt.`,
      );
  }
}

/** Polls $LATEST until its update ends: Successful gives the new RevisionId; Failed is the change failing. */
export async function waitForLambdaUpdate(
  env: CallEnv,
  functionName: string,
  consumerId: string,
): Promise<CallOutcome> {
  const lambda = await env.clients.lambdaFor(env.accountId, env.region);
  const deadline = env.now() + env.maxWaitMs;
  for (;;) {
    const config = await lambda.getFunctionConfiguration(functionName);
    const status = config?.LastUpdateStatus;
    if (status === 'Successful' && config?.RevisionId)
      return {
        produced: config.RevisionId,
        requestIds: config.requestId ? [config.requestId] : [],
        detail: 'LastUpdateStatus Successful',
      };
    // Lambda documents a RevisionId on every configuration; PublishVersion is conditional on it,
    // so an update that ended without one cannot be carried on, and waiting will not produce one.
    if (status === 'Successful')
      throw new CutoverChangeFailedError(
        consumerId,
        `${functionName} answered LastUpdateStatus Successful without a RevisionId, so the update cannot be carried on safely (the version published next is conditional on it).`,
        'MissingRevisionId',
      );
    if (status === 'Failed')
      throw new CutoverChangeFailedError(
        consumerId,
        `The update of ${functionName} failed: ${config?.LastUpdateStatusReason ?? 'no reason given'}${config?.LastUpdateStatusReasonCode ? ` (${config.LastUpdateStatusReasonCode})` : ''}.`,
        config?.LastUpdateStatusReasonCode ?? 'LambdaUpdateFailed',
      );
    if (env.now() >= deadline)
      throw new CutoverChangeFailedError(
        consumerId,
        `The update of ${functionName} did not finish within ${Math.round(env.maxWaitMs / 60_000)} min (LastUpdateStatus ${status ?? 'unknown'}).`,
        'Timeout',
      );
    await env.progress(`LastUpdateStatus ${status ?? 'unknown'}`);
    await env.wait(env.pollMs);
  }
}

/**
 * A call that may have reached AWS before a crash (it was recorded as started, not as done): if
 * its effect is visible, what it produced; undefined to make the call. RegisterTaskDefinition
 * twice would make two revisions, so the family's latest ACTIVE revision is compared with the
 * input; UpdateService, UpdateFunctionConfiguration and UpdateAlias are read back.
 * CreateLaunchTemplateVersion carries its ClientToken and ModifyLaunchTemplate is idempotent, so
 * they are simply sent again; PublishVersion publishes nothing new when $LATEST is unchanged since
 * the last version (Lambda's documented behaviour) and answers that version. StartInstanceRefresh
 * has no client token, and sent again it would replace every instance a second time (or fail with
 * InstanceRefreshInProgress): the group's refresh to the same launch template version that is
 * still running, or started since `startedAt` (the time recorded just before the call), is adopted.
 */
export async function recoverStartedCall(
  env: CallEnv,
  call: CutoverCall,
  startedAt?: string,
): Promise<CallOutcome | undefined> {
  const input = call.input;
  switch (`${call.service}:${call.operation}`) {
    case 'autoscaling:StartInstanceRefresh': {
      const lt = await env.clients.launchTemplatesFor(env.accountId, env.region);
      const group = str(input.AutoScalingGroupName) ?? '';
      const wanted = (input.DesiredConfiguration as DesiredConfiguration | undefined)?.LaunchTemplate;
      const since = startedAt ? Date.parse(startedAt) - CLOCK_SKEW_MS : Number.NaN;
      const ours = (await lt.recentInstanceRefreshes(group)).find(
        (r) =>
          sameLaunchTemplate(r.DesiredConfiguration?.LaunchTemplate, wanted) &&
          (ACTIVE_REFRESH.has(r.Status ?? '') || (r.StartTime?.getTime() ?? 0) >= since),
      );
      return ours?.InstanceRefreshId
        ? {
            produced: ours.InstanceRefreshId,
            requestIds: [],
            detail: `found instance refresh ${ours.InstanceRefreshId} of ${group} (${ours.Status}) started before the restart`,
          }
        : undefined;
    }
    case 'ecs:RegisterTaskDefinition': {
      const ecs = await env.clients.ecsFor(env.accountId, env.region);
      const family = str(input.family);
      if (!family) return undefined;
      const latest = await ecs.describeTaskDefinition(family);
      const td = latest?.taskDefinition as Record<string, unknown> | undefined;
      if (!td) return undefined;
      const same = [
        'volumes',
        'containerDefinitions',
        'taskRoleArn',
        'executionRoleArn',
        'cpu',
        'memory',
      ].every((k) => canonicalJson(td[k] ?? null) === canonicalJson(input[k] ?? null));
      return same && typeof td.taskDefinitionArn === 'string'
        ? {
            produced: td.taskDefinitionArn,
            requestIds: [],
            detail: `found ${td.taskDefinitionArn} registered before the restart`,
          }
        : undefined;
    }
    case 'ecs:UpdateService': {
      const ecs = await env.clients.ecsFor(env.accountId, env.region);
      const primary = primaryDeploymentOf(
        await ecs.describeService(str(input.cluster) ?? '', str(input.service) ?? ''),
      );
      return primary?.id && primary.taskDefinition === input.taskDefinition
        ? {
            produced: primary.id,
            requestIds: [],
            detail: `found deployment ${primary.id} started before the restart`,
          }
        : undefined;
    }
    case 'lambda:UpdateFunctionConfiguration': {
      const lambda = await env.clients.lambdaFor(env.accountId, env.region);
      const config = await lambda.getFunctionConfiguration(str(input.FunctionName) ?? '');
      const want = (input.FileSystemConfigs as unknown[] | undefined) ?? [];
      const have = (config?.FileSystemConfigs ?? []).map((c) => ({
        Arn: c.Arn,
        LocalMountPath: c.LocalMountPath,
      }));
      return canonicalJson(have) === canonicalJson(want)
        ? { requestIds: [], detail: 'the update was made before the restart' }
        : undefined;
    }
    case 'lambda:UpdateAlias': {
      const lambda = await env.clients.lambdaFor(env.accountId, env.region);
      const alias = await lambda.getAlias(str(input.FunctionName) ?? '', str(input.Name) ?? '');
      return alias?.FunctionVersion === input.FunctionVersion
        ? { requestIds: [], detail: `alias ${alias?.Name} already on version ${alias?.FunctionVersion}` }
        : undefined;
    }
    default:
      return undefined;
  }
}
