import { createAccountClients, type AccountClients } from '../../src/aws/account-clients.ts';
import type { Clock } from '../../src/domain/clock.ts';
import { RecordingIoHost } from '../../src/workflow/io-host.ts';
import { createScanWorkflow } from '../../src/workflow/scan/index.ts';
import { InMemoryScanRepository } from '../harness/fake-services.ts';
import { MOTO_ROLE } from './moto-seed.ts';

type ScanResult = Awaited<ReturnType<ReturnType<typeof createScanWorkflow>['run']>>;

/**
 * The start every moto tier past the scan shares: the bot's own account clients pointed at moto
 * (through the environment, as a user configures them) and the real scan of one account·region, so
 * the phase under test starts from inventory records exactly as the bot reads them.
 * The caller restores the environment (restoreEnv in afterAll).
 */
export async function scanMotoAccount(
  endpoint: string,
  target: { accountId: string; region: string; clock: Clock },
): Promise<{ clients: AccountClients; scan: ScanResult }> {
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'AKIDCONFORMANCE',
    AWS_SECRET_ACCESS_KEY: 'conformance',
    AWS_REGION: 'us-east-1',
  });
  const clients = createAccountClients({
    accounts: [target.accountId],
    roleName: MOTO_ROLE,
    regions: [target.region],
    rateLimitPerSecond: 50,
  });
  const scan = await createScanWorkflow({
    clientsFor: (a, r) => clients.clientsFor(a, r),
    listTargets: () => clients.listTargets(),
    scans: new InMemoryScanRepository(),
    io: new RecordingIoHost(),
    clock: target.clock,
    concurrency: 2,
  }).run({ requestedBy: 'conformance' });
  return { clients, scan };
}
