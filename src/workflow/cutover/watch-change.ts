import { isPlaceholder } from '../../domain/cutover-calls.ts';
import type { ChangeRecord } from '../../domain/cutover-change.ts';
import { primaryDeploymentOf, type CallEnv } from './call-executor.ts';
import { CutoverChangeFailedError } from './cutover-errors.ts';

/**
 * After a consumer's calls: has the change taken? ECS: the deployment UpdateService started (its ID
 * recorded as the call's output) must reach rolloutState COMPLETED, PRIMARY, with its tasks running
 * on the new revision. "Stable" alone is not trusted: with the circuit breaker's rollback the
 * service settles on the OLD revision and looks steady, so a recorded deployment that is FAILED,
 * gone or no longer PRIMARY while the PRIMARY runs another revision is a failure.
 * Auto Scaling: each instance refresh started must end Successful.
 */
export interface WatchOutcome {
  /** `verified`: seen working; `applied`: made, but the owner has steps left (instructions). */
  status: 'verified' | 'applied';
  detail: string;
}

export async function watchChange(
  env: CallEnv,
  record: ChangeRecord,
  instructions: string[],
): Promise<WatchOutcome> {
  const update = record.calls.findIndex((c) => c.service === 'ecs' && c.operation === 'UpdateService');
  if (update >= 0) return watchEcsDeployment(env, record, update);
  const refreshes = record.calls
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => c.service === 'autoscaling' && c.operation === 'StartInstanceRefresh');
  for (const { c, i } of refreshes) {
    const id = record.outputs[`#call:${i}`];
    if (id) await watchInstanceRefresh(env, record.consumerId, String(c.input.AutoScalingGroupName), id);
  }
  if (instructions.length)
    return {
      status: 'applied',
      // Every instruction whole: the CodeDeploy command is on the lines after the first.
      detail: `registered; the owner must finish it:\n${instructions.join('\n')}`,
    };
  return { status: 'verified', detail: refreshes.length ? 'instance refresh Successful' : 'done' };
}

async function watchEcsDeployment(
  env: CallEnv,
  record: ChangeRecord,
  callIndex: number,
): Promise<WatchOutcome> {
  const call = record.calls[callIndex]!;
  const cluster = String(call.input.cluster);
  const serviceName = String(call.input.service);
  const produces = call.produces;
  const deploymentId = (produces && record.outputs[produces]) || record.outputs[`#call:${callIndex}`];
  // The revision UpdateService was asked for: its input's placeholder, filled from the outputs.
  const asked = typeof call.input.taskDefinition === 'string' ? call.input.taskDefinition : undefined;
  const revision: string =
    (isPlaceholder(asked) ? record.outputs[asked.slice(1, -1)] : asked) ??
    Object.values(record.outputs).find((v) => v.includes(':task-definition/')) ??
    '';
  const ecs = await env.clients.ecsFor(env.accountId, env.region);
  const short = (arn?: string) => arn?.split('/').pop() ?? '?';
  const deadline = env.now() + env.maxWaitMs;
  for (;;) {
    const service = await ecs.describeService(cluster, serviceName);
    const deployments = service?.deployments ?? [];
    const ours = deployments.find((d) => d.id === deploymentId);
    const primary = primaryDeploymentOf(service);
    const target = ours?.taskDefinition ?? revision;
    // The recorded deployment must be the one UpdateService started for the new revision. One that
    // runs another revision (UpdateService answered with the service's old deployment as PRIMARY)
    // is never the cutover, however COMPLETED it looks: nothing was deployed on the twin.
    if (ours && revision && ours.taskDefinition !== revision)
      throw new CutoverChangeFailedError(
        record.consumerId,
        `UpdateService of ${serviceName} to ${short(revision)} recorded deployment ${deploymentId}, which runs ${short(ours.taskDefinition)} ` +
          `(${ours.status ?? '?'}, ${ours.rolloutState ?? 'no rolloutState'}): no deployment of the new revision was started.`,
        'EcsDeploymentFailed',
      );
    if (service && (service.desiredCount ?? 0) === 0)
      return {
        status: 'verified',
        detail: `${serviceName} updated to ${short(target)}; desired count is 0, so nothing could be observed running on it`,
      };
    if (
      ours?.rolloutState === 'FAILED' ||
      !ours ||
      (primary && primary.id !== deploymentId && primary.taskDefinition !== target)
    ) {
      const why = ours?.rolloutStateReason ?? primary?.rolloutStateReason ?? 'the deployment is gone';
      throw new CutoverChangeFailedError(
        record.consumerId,
        `The deployment ${deploymentId ?? '(unrecorded)'} of ${serviceName} to ${short(target)} ${ours?.rolloutState === 'FAILED' ? 'FAILED' : 'did not hold'}` +
          `${primary ? `; the service runs ${short(primary.taskDefinition)} (${primary.rolloutState ?? '?'})` : ''}: ${why}`,
        'EcsDeploymentFailed',
      );
    }
    const detail = `deployment ${ours.id} ${ours.rolloutState ?? '?'}, ${ours.runningCount ?? 0}/${ours.desiredCount ?? 0} tasks on ${short(ours.taskDefinition)}`;
    if (
      ours.status === 'PRIMARY' &&
      ours.rolloutState === 'COMPLETED' &&
      (ours.runningCount ?? 0) >= (ours.desiredCount ?? 0) &&
      (ours.runningCount ?? 0) > 0
    )
      return { status: 'verified', detail };
    if (env.now() >= deadline)
      throw new CutoverChangeFailedError(
        record.consumerId,
        `${serviceName}: ${detail} after ${Math.round(env.maxWaitMs / 60_000)} min; not completed.`,
        'Timeout',
      );
    await env.progress(detail);
    await env.wait(env.pollMs);
  }
}

async function watchInstanceRefresh(
  env: CallEnv,
  consumerId: string,
  group: string,
  id: string,
): Promise<void> {
  const lt = await env.clients.launchTemplatesFor(env.accountId, env.region);
  const deadline = env.now() + env.maxWaitMs;
  for (;;) {
    const refresh = await lt.describeInstanceRefresh(group, id);
    const status = refresh?.Status;
    if (status === 'Successful') return;
    if (
      status === 'Failed' ||
      status === 'Cancelled' ||
      status === 'RollbackSuccessful' ||
      status === 'RollbackFailed'
    )
      throw new CutoverChangeFailedError(
        consumerId,
        `The instance refresh ${id} of ${group} ended ${status}: ${refresh?.StatusReason ?? 'no reason given'}.`,
        'InstanceRefreshFailed',
      );
    if (env.now() >= deadline)
      throw new CutoverChangeFailedError(
        consumerId,
        `The instance refresh ${id} of ${group} is still ${status ?? 'unknown'}.`,
        'Timeout',
      );
    await env.progress(
      `instance refresh ${id} of ${group}: ${status ?? 'unknown'} ${refresh?.PercentageComplete ?? 0}%`,
    );
    await env.wait(env.pollMs);
  }
}
