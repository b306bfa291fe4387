import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  type AssumeRoleCommandInput,
  type AssumeRoleCommandOutput,
  type GetCallerIdentityCommandOutput,
  type STSClient,
} from '@aws-sdk/client-sts';

/** The STS calls the bot makes. */
export interface IStsClient {
  assumeRole(input: AssumeRoleCommandInput): Promise<AssumeRoleCommandOutput>;
  getCallerIdentity(): Promise<GetCallerIdentityCommandOutput>;
}

export class SdkStsClient implements IStsClient {
  constructor(readonly sdk: STSClient) {}
  assumeRole(input: AssumeRoleCommandInput) {
    return this.sdk.send(new AssumeRoleCommand(input));
  }
  getCallerIdentity() {
    return this.sdk.send(new GetCallerIdentityCommand({}));
  }
}
