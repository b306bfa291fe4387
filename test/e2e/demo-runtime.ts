import { pino } from 'pino';
import { openRuntime, type EstateChoice, type Runtime } from '../../src/cli/runtime.ts';
import { loadConfig } from '../../src/config.ts';
import type { Clock } from '../../src/domain/clock.ts';
import type { FileSystemRecord, ScanRecord } from '../../src/domain/inventory.ts';
import type { MigrationMethod } from '../../src/domain/migration.ts';
import type { SlackServices } from '../../src/slack/services.ts';
import { restoreEnv } from '../harness/sdk-env.ts';

export interface DemoRuntime {
  /** Opens the runtime as `efs-encrypt serve --demo` does; `timing` speeds the sample estate up. */
  open(timing?: EstateChoice['timing'], clock?: Clock): Promise<Runtime>;
  /** Closes the runtime, if open, and puts process.env back as it was before open. */
  close(): Promise<void>;
}

/**
 * The real composition root on the sample estate (embedded store, real SDK clients). The runtime
 * points the SDK at the estate through process.env, so the environment is saved and restored here.
 */
/**
 * Records `fs` in scope with the AWS-managed key and `method`, as an admin's plan would, through
 * the bot's decide workflow; true when the decide rules accept it.
 */
export async function decideWithManagedKey(
  services: Pick<SlackServices, 'decide'>,
  scan: ScanRecord,
  fs: FileSystemRecord,
  method: MigrationMethod,
  actor: string,
): Promise<boolean> {
  const result = await services.decide!.workflow.record(
    [
      {
        fileSystemId: fs.fileSystemId,
        accountId: fs.accountId,
        region: fs.region,
        scope: 'in_scope',
        targetKey: 'alias/aws/elasticfilesystem',
        method,
      },
    ],
    actor,
    { scanId: scan.scanId },
  );
  return result.ok;
}

export function demoRuntime(): DemoRuntime {
  const saved = { ...process.env };
  let runtime: Runtime | undefined;
  return {
    async open(timing, clock) {
      runtime = await openRuntime({
        ...(clock ? { clock } : {}),
        config: loadConfig({}),
        env: process.env,
        logger: pino({ level: 'silent' }),
        estate: { demo: true, ...(timing ? { timing } : {}) },
      });
      return runtime;
    },
    async close() {
      await runtime?.close();
      restoreEnv(saved);
    },
  };
}
