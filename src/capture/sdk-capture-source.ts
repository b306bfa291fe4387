/**
 * The capture's clients over the bot's own account fan-out: the same AssumeRole credentials,
 * rate limit (per account, region and operation) and adaptive retries as the scan. EC2 clients are
 * made here with the account's credentials and put under the same limit with `limit()`.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DEFAULT_MAX_ATTEMPTS, type AccountClients } from '../aws/account-clients.ts';
import { SdkEc2Client } from '../aws/ec2.ts';
import type { CaptureClients, CaptureSource } from './ports.ts';

export interface SdkCaptureSource extends CaptureSource {
  /** Closes the EC2 and STS clients made here (the account clients close their own). */
  destroy(): void;
}

export function sdkCaptureSource(accounts: AccountClients): SdkCaptureSource {
  const made: { destroy(): void }[] = [];

  async function clientsFor(accountId: string, region: string): Promise<CaptureClients> {
    const { efs, kms } = await accounts.clientsFor(accountId, region);
    const { clientConfig } = await accounts.sdkClientsFor(accountId, region);
    const ec2 = new EC2Client({
      ...clientConfig,
      retryMode: 'adaptive',
      maxAttempts: DEFAULT_MAX_ATTEMPTS,
    });
    made.push(ec2);
    return { efs, kms, ec2: new SdkEc2Client(accounts.limit(ec2, accountId, region)) };
  }

  async function callerAccountId(): Promise<string | undefined> {
    const { regions } = await accounts.listTargets();
    const sts = new STSClient({
      ...(regions[0] ? { region: regions[0] } : {}),
      maxAttempts: DEFAULT_MAX_ATTEMPTS,
    });
    made.push(sts);
    try {
      return (await sts.send(new GetCallerIdentityCommand({}))).Account;
    } catch {
      // Only decides which account plain credentials act as in the file; the capture goes on without it.
      return undefined;
    }
  }

  return {
    listTargets: () => accounts.listTargets(),
    clientsFor,
    callerAccountId,
    destroy() {
      for (const c of made.splice(0)) c.destroy();
    },
  };
}
