import {
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
  paginateListAliases,
  type AliasConfiguration,
  type FunctionConfiguration,
  type PublishVersionCommandInput,
  type UpdateAliasCommandInput,
  type UpdateFunctionConfigurationCommandInput,
} from '@aws-sdk/client-lambda';
import type { AccountClients } from './account-clients.ts';
import { awsErrorCode } from './aws-errors.ts';
import { requestIdOf } from './ecs-cutover.ts';
import { serviceClientsFrom } from './service-clients.ts';

/**
 * The Lambda reads and writes the cutover makes (IlambdaCutoverClient in
 * src/workflow/cutover/ports.ts matches structurally). ResourceNotFoundException becomes
 * undefined; PreconditionFailedException (a RevisionId that moved: someone else changed the
 * function) and every other error reach the workflow as the SDK raised them.
 */
export class SdkLambdaCutoverClient {
  constructor(readonly sdk: LambdaClient) {}

  async getFunctionConfiguration(
    functionName: string,
    qualifier?: string,
  ): Promise<(FunctionConfiguration & { requestId?: string }) | undefined> {
    try {
      const { $metadata, ...config } = await this.sdk.send(
        new GetFunctionConfigurationCommand({
          FunctionName: functionName,
          ...(qualifier ? { Qualifier: qualifier } : {}),
        }),
      );
      return { ...config, ...requestIdOf({ $metadata }) };
    } catch (e) {
      if (awsErrorCode(e) === 'ResourceNotFoundException') return undefined;
      throw e;
    }
  }

  async listAliases(functionName: string): Promise<AliasConfiguration[]> {
    const aliases: AliasConfiguration[] = [];
    for await (const page of paginateListAliases({ client: this.sdk }, { FunctionName: functionName }))
      aliases.push(...(page.Aliases ?? []));
    return aliases;
  }

  async getAlias(functionName: string, name: string): Promise<AliasConfiguration | undefined> {
    try {
      const { $metadata: _m, ...alias } = await this.sdk.send(
        new GetAliasCommand({ FunctionName: functionName, Name: name }),
      );
      return alias;
    } catch (e) {
      if (awsErrorCode(e) === 'ResourceNotFoundException') return undefined;
      throw e;
    }
  }

  async updateFunctionConfiguration(
    input: UpdateFunctionConfigurationCommandInput,
  ): Promise<FunctionConfiguration & { requestId?: string }> {
    const { $metadata, ...config } = await this.sdk.send(new UpdateFunctionConfigurationCommand(input));
    return { ...config, ...requestIdOf({ $metadata }) };
  }

  async publishVersion(
    input: PublishVersionCommandInput,
  ): Promise<FunctionConfiguration & { requestId?: string }> {
    const { $metadata, ...config } = await this.sdk.send(new PublishVersionCommand(input));
    return { ...config, ...requestIdOf({ $metadata }) };
  }

  async updateAlias(input: UpdateAliasCommandInput): Promise<AliasConfiguration & { requestId?: string }> {
    const { $metadata, ...alias } = await this.sdk.send(new UpdateAliasCommand(input));
    return { ...alias, ...requestIdOf({ $metadata }) };
  }
}

export function lambdaCutoverClientsFrom(accounts: Pick<AccountClients, 'sdkClientsFor' | 'limit'>): {
  clientFor(accountId: string, region: string): Promise<SdkLambdaCutoverClient>;
  destroy(): void;
} {
  const clients = serviceClientsFrom(accounts, (config) => new LambdaClient(config));
  return {
    clientFor: async (accountId, region) =>
      new SdkLambdaCutoverClient(await clients.clientFor(accountId, region)),
    destroy: clients.destroy,
  };
}
