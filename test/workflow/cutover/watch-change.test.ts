import type { Deployment, Service } from '@aws-sdk/client-ecs';
import { describe, expect, test } from 'vitest';
import type { ChangeRecord } from '../../../src/domain/cutover-change.ts';
import { waitForLambdaUpdate, type CallEnv } from '../../../src/workflow/cutover/call-executor.ts';
import type {
  CutoverClients,
  IEcsCutoverClient,
  ILambdaCutoverClient,
} from '../../../src/workflow/cutover/index.ts';
import { watchChange } from '../../../src/workflow/cutover/watch-change.ts';

const OLD = 'arn:aws:ecs:eu-west-1:111111111111:task-definition/web:1';
const NEW = 'arn:aws:ecs:eu-west-1:111111111111:task-definition/web:2';
const SERVICE = 'arn:aws:ecs:eu-west-1:111111111111:service/prod/web';

/** A change whose RegisterTaskDefinition produced NEW and whose UpdateService recorded `deploymentId`. */
function change(deploymentId: string): ChangeRecord {
  return {
    migrationId: 'mig-1',
    app: 'storefront',
    consumerId: SERVICE,
    kind: 'ecs-service',
    name: 'web',
    planDigest: 'd',
    status: 'applied',
    version: 5,
    calls: [
      {
        service: 'ecs',
        operation: 'RegisterTaskDefinition',
        input: { family: 'web' },
        produces: 'new revision of web:1',
        purpose: '',
      },
      {
        service: 'ecs',
        operation: 'UpdateService',
        input: { cluster: 'prod', service: SERVICE, taskDefinition: '<new revision of web:1>' },
        produces: 'primary deployment of web',
        purpose: '',
      },
    ],
    inverse: [],
    outputs: {
      'new revision of web:1': NEW,
      '#call:0': NEW,
      'primary deployment of web': deploymentId,
      '#call:1': deploymentId,
    },
    callsDone: 2,
    awsRequestIds: [],
    updatedAt: '2026-06-01T09:00:00Z',
    updatedBy: 'cli:test',
  };
}

function envWith(deployments: Deployment[], desiredCount = 2): CallEnv {
  const service: Service = { serviceName: 'web', desiredCount, deployments };
  const ecs = { describeService: async () => service } as unknown as IEcsCutoverClient;
  const clients = { ecsFor: async () => ecs } as unknown as CutoverClients;
  return {
    clients,
    accountId: '111111111111',
    region: 'eu-west-1',
    wait: async () => undefined,
    pollMs: 1_000,
    maxWaitMs: 0,
    now: () => 0,
    progress: async () => undefined,
  };
}

describe('the ECS deployment watch', () => {
  const completed = (taskDefinition: string): Deployment => ({
    id: 'ecs-svc/1',
    status: 'PRIMARY',
    rolloutState: 'COMPLETED',
    taskDefinition,
    desiredCount: 2,
    runningCount: 2,
  });

  test('a recorded deployment COMPLETED on the new revision is verified', async () => {
    await expect(watchChange(envWith([completed(NEW)]), change('ecs-svc/1'), [])).resolves.toMatchObject({
      status: 'verified',
    });
  });

  // moto 5.2.1 answers UpdateService with the service's first deployment, unchanged: PRIMARY,
  // COMPLETED, on the OLD revision. That is the false "stable" in another form.
  test('a recorded deployment COMPLETED on the old revision is a failure, not a cutover', async () => {
    await expect(watchChange(envWith([completed(OLD)]), change('ecs-svc/1'), [])).rejects.toMatchObject({
      awsCode: 'EcsDeploymentFailed',
      userMessage: expect.stringMatching(/runs web:1 .*no deployment of the new revision was started/),
    });
  });

  test('with desired count 0 too: the deployment must be on the new revision before "nothing runs" is accepted', async () => {
    const idle = { ...completed(OLD), desiredCount: 0, runningCount: 0 };
    await expect(watchChange(envWith([idle], 0), change('ecs-svc/1'), [])).rejects.toMatchObject({
      awsCode: 'EcsDeploymentFailed',
    });
    const moved = { ...completed(NEW), desiredCount: 0, runningCount: 0 };
    await expect(watchChange(envWith([moved], 0), change('ecs-svc/1'), [])).resolves.toMatchObject({
      status: 'verified',
      detail: expect.stringContaining('desired count is 0'),
    });
  });
});

describe('the wait for a Lambda update', () => {
  test('Successful without a RevisionId stops at once with MissingRevisionId instead of polling to the deadline', async () => {
    let polls = 0;
    const lambda = {
      getFunctionConfiguration: async () => {
        polls++;
        return { FunctionName: 'ledger-worker', LastUpdateStatus: 'Successful' };
      },
    } as unknown as ILambdaCutoverClient;
    const env = { ...envWith([]), clients: { lambdaFor: async () => lambda } as unknown as CutoverClients };
    env.maxWaitMs = 60_000;
    await expect(waitForLambdaUpdate(env, 'ledger-worker', 'fn')).rejects.toMatchObject({
      awsCode: 'MissingRevisionId',
    });
    expect(polls).toBe(1);
  });
});
