/**
 * ECS rolling deployments over the estate's timeline. A deployment starts IN_PROGRESS as the
 * service's PRIMARY (the previous PRIMARY becomes ACTIVE and keeps its tasks); after
 * `ecsDeploymentMs` it is COMPLETED with every desired task running and the older deployments
 * drained away. A deployment of a revision marked to fail trips after `ecsDeploymentFailMs`: with
 * the circuit breaker it is FAILED, and with rollback a new PRIMARY on the previous revision
 * starts, which completes, so the service ends stable on the OLD revision. Without the breaker ECS
 * keeps retrying: the deployment stays IN_PROGRESS with failed tasks counting up.
 */
import { randomUUID } from 'node:crypto';
import {
  MAX_SERVICE_EVENTS,
  deploymentIdFrom,
  fargatePlatform,
  marksFailure,
  type EstateEcs,
  type EstateEcsDeployment,
  type EstateEcsService,
} from '../ecs-types.ts';
import { stableHex } from '../ids.ts';
import type { EstateModel } from './estate-model.ts';

export class EcsDeployments {
  private seq = 0;

  constructor(private readonly model: EstateModel) {}

  /** Starts a deployment of `taskDefinitionArn` on the service; returns it (already PRIMARY). */
  start(ecs: EstateEcs, service: EstateEcsService, taskDefinitionArn: string): EstateEcsDeployment {
    const now = this.model.now();
    const deployment = this.open(service, taskDefinitionArn, now);
    const failNext = ecs.failNextDeployment.findIndex((s) => s === service.serviceArn || s === '*');
    if (failNext >= 0) ecs.failNextDeployment.splice(failNext, 1);
    const revision = ecs.taskDefinitions.find((t) => t.taskDefinitionArn === taskDefinitionArn);
    // With no task to start there is nothing that could fail.
    const fails = service.desiredCount > 0 && (failNext >= 0 || marksFailure(revision?.tags ?? []));
    if (fails)
      this.model.timeline.at(now.getTime() + this.model.timing.ecsDeploymentFailMs, (at) =>
        this.fail(service, deployment, at),
      );
    else this.scheduleCompletion(service, deployment, now);
    return deployment;
  }

  /** A new desired count on the current PRIMARY: tasks start or stop, then the service is steady again. */
  scale(service: EstateEcsService): void {
    const primary = service.deployments.find((d) => d.status === 'PRIMARY');
    if (!primary) return;
    primary.desiredCount = service.desiredCount;
    primary.updatedAt = this.model.now();
    if (primary.rolloutState === 'COMPLETED') this.scheduleCompletion(service, primary, this.model.now());
  }

  private open(service: EstateEcsService, taskDefinitionArn: string, now: Date): EstateEcsDeployment {
    for (const d of service.deployments)
      if (d.status === 'PRIMARY') {
        d.status = 'ACTIVE';
        d.updatedAt = now;
      }
    const id = deploymentIdFrom(stableHex(`${service.serviceArn}/${now.getTime()}/${this.seq++}`, 16));
    const deployment: EstateEcsDeployment = {
      id,
      status: 'PRIMARY',
      taskDefinition: taskDefinitionArn,
      desiredCount: service.desiredCount,
      pendingCount: service.desiredCount,
      runningCount: 0,
      failedTasks: 0,
      createdAt: now,
      updatedAt: now,
      ...(service.launchType ? { launchType: service.launchType } : {}),
      ...fargatePlatform(service.launchType),
      ...(service.networkConfiguration
        ? { networkConfiguration: structuredClone(service.networkConfiguration) }
        : {}),
      rolloutState: 'IN_PROGRESS',
      rolloutStateReason: 'ECS deployment in progress.',
    };
    service.deployments.unshift(deployment);
    service.taskDefinition = taskDefinitionArn;
    return deployment;
  }

  private scheduleCompletion(service: EstateEcsService, deployment: EstateEcsDeployment, from: Date): void {
    this.model.timeline.at(from.getTime() + this.model.timing.ecsDeploymentMs, (at) => {
      if (deployment.status !== 'PRIMARY') return; // superseded by a later deployment
      const started = deployment.desiredCount - deployment.runningCount;
      deployment.runningCount = deployment.desiredCount;
      deployment.pendingCount = 0;
      deployment.rolloutState = 'COMPLETED';
      deployment.rolloutStateReason = `ECS deployment ${deployment.id} completed.`;
      deployment.updatedAt = at;
      // The older deployments' tasks have drained: they leave the list as AWS's do.
      service.deployments = service.deployments.filter((d) => d === deployment);
      if (started > 0) event(service, at, `(service ${service.serviceName}) has started ${started} tasks.`);
      event(
        service,
        at,
        `(service ${service.serviceName}) (deployment ${deployment.id}) deployment completed.`,
      );
      event(service, at, `(service ${service.serviceName}) has reached a steady state.`);
    });
  }

  private fail(service: EstateEcsService, deployment: EstateEcsDeployment, at: Date): void {
    if (deployment.status !== 'PRIMARY') return;
    // The breaker's threshold: half the desired count, at least 3 and at most 200 failed tasks.
    const threshold = Math.min(200, Math.max(3, Math.ceil(service.desiredCount / 2)));
    deployment.failedTasks += threshold;
    deployment.updatedAt = at;
    const breaker = service.deploymentConfiguration.deploymentCircuitBreaker;
    if (!breaker?.enable) {
      event(
        service,
        at,
        `(service ${service.serviceName}) is unable to consistently start tasks successfully.`,
      );
      this.model.timeline.at(at.getTime() + this.model.timing.ecsDeploymentFailMs, (next) =>
        this.fail(service, deployment, next),
      );
      return;
    }
    deployment.rolloutState = 'FAILED';
    deployment.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.';
    deployment.pendingCount = 0;
    deployment.runningCount = 0;
    event(
      service,
      at,
      `(service ${service.serviceName}) (deployment ${deployment.id}) deployment failed: tasks failed to start.`,
    );
    const previous = service.deployments.find((d) => d.status === 'ACTIVE' && d !== deployment);
    if (!breaker.rollback || !previous) return;
    const rollback = this.open(service, previous.taskDefinition, at);
    rollback.rolloutStateReason = `ECS deployment circuit breaker: rolling back to deploymentId ${previous.id}.`;
    event(
      service,
      at,
      `(service ${service.serviceName}) rolling back to deployment ${previous.id} (${previous.taskDefinition}).`,
    );
    this.scheduleCompletion(service, rollback, at);
  }
}

function event(service: EstateEcsService, at: Date, message: string): void {
  service.events.unshift({ id: randomUUID(), createdAt: at, message });
  service.events.length = Math.min(service.events.length, MAX_SERVICE_EVENTS);
}
