import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  TagResourceCommand,
  UpdateServiceCommand,
  type RegisterTaskDefinitionCommandInput,
  type Service,
  type Tag,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import type { AccountClients } from './account-clients.ts';
import { awsErrorCode } from './aws-errors.ts';
import { serviceClientsFrom } from './service-clients.ts';

/**
 * The ECS reads and writes the cutover makes, over one SDK client per account and Region. The
 * cutover workflow declares them as its port (IEcsCutoverClient, src/workflow/cutover/ports.ts);
 * this class matches it structurally. Every answer carries AWS's request ID for the audit log;
 * "not found" answers become undefined, every other AWS error reaches the workflow as the SDK
 * raised it (as efs-writer.ts does), where summariseAwsError names it.
 */
export class SdkEcsCutoverClient {
  constructor(readonly sdk: ECSClient) {}

  /** The revision (ARN or family[:revision]) with its tags (`include: ['TAGS']`). */
  async describeTaskDefinition(
    taskDefinition: string,
  ): Promise<{ taskDefinition: TaskDefinition; tags: Tag[]; requestId?: string } | undefined> {
    try {
      const out = await this.sdk.send(
        new DescribeTaskDefinitionCommand({ taskDefinition, include: ['TAGS'] }),
      );
      if (!out.taskDefinition) return undefined;
      return { taskDefinition: out.taskDefinition, tags: out.tags ?? [], ...requestIdOf(out) };
    } catch (e) {
      // ECS answers an unknown revision with ClientException "Unable to describe task definition."
      if (awsErrorCode(e) === 'ClientException') return undefined;
      throw e;
    }
  }

  /** The service with its deployments; undefined when ECS lists it as a failure (MISSING). */
  async describeService(cluster: string, service: string): Promise<Service | undefined> {
    const out = await this.sdk.send(new DescribeServicesCommand({ cluster, services: [service] }));
    return out.services?.[0];
  }

  async registerTaskDefinition(
    input: RegisterTaskDefinitionCommandInput,
  ): Promise<{ taskDefinitionArn: string; requestId?: string }> {
    const out = await this.sdk.send(new RegisterTaskDefinitionCommand(input));
    const arn = out.taskDefinition?.taskDefinitionArn;
    if (!arn) throw new Error('RegisterTaskDefinition answered without a taskDefinitionArn');
    return { taskDefinitionArn: arn, ...requestIdOf(out) };
  }

  async updateService(input: {
    cluster: string;
    service: string;
    taskDefinition: string;
  }): Promise<{ service?: Service; requestId?: string }> {
    const out = await this.sdk.send(new UpdateServiceCommand(input));
    return { ...(out.service ? { service: out.service } : {}), ...requestIdOf(out) };
  }

  async tagResource(resourceArn: string, tags: Tag[]): Promise<{ requestId?: string }> {
    return requestIdOf(await this.sdk.send(new TagResourceCommand({ resourceArn, tags })));
  }
}

export function requestIdOf(out: { $metadata?: { requestId?: string } }): { requestId?: string } {
  const id = out.$metadata?.requestId;
  return id ? { requestId: id } : {};
}

/** ECS cutover clients over the account clients: the same credentials, rate limit and counters. */
export function ecsCutoverClientsFrom(accounts: Pick<AccountClients, 'sdkClientsFor' | 'limit'>): {
  clientFor(accountId: string, region: string): Promise<SdkEcsCutoverClient>;
  destroy(): void;
} {
  const clients = serviceClientsFrom(accounts, (config) => new ECSClient(config));
  return {
    clientFor: async (accountId, region) =>
      new SdkEcsCutoverClient(await clients.clientFor(accountId, region)),
    destroy: clients.destroy,
  };
}
