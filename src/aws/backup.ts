import {
  BackupClient,
  DescribeBackupJobCommand,
  StartBackupJobCommand,
  type StartBackupJobCommandInput,
} from '@aws-sdk/client-backup';
import type { AccountClients } from './account-clients.ts';
import { serviceClientsFrom } from './service-clients.ts';

/**
 * AWS Backup, for the recovery point taken before a decommission. The decommission workflow
 * declares the calls as its port (IBackupClient); this class matches it structurally.
 */
export class SdkBackupClient {
  constructor(readonly sdk: BackupClient) {}

  startBackupJob(input: StartBackupJobCommandInput) {
    return this.sdk.send(new StartBackupJobCommand(input));
  }

  describeBackupJob(backupJobId: string) {
    return this.sdk.send(new DescribeBackupJobCommand({ BackupJobId: backupJobId }));
  }
}

/** Backup clients over the account clients' credentials, rate limit and call counters. */
export function backupClientsFrom(accounts: Pick<AccountClients, 'sdkClientsFor' | 'limit'>): {
  clientFor(accountId: string, region: string): Promise<SdkBackupClient>;
  destroy(): void;
} {
  const clients = serviceClientsFrom(accounts, (config) => new BackupClient(config));
  return {
    clientFor: async (accountId, region) => new SdkBackupClient(await clients.clientFor(accountId, region)),
    destroy: clients.destroy,
  };
}
