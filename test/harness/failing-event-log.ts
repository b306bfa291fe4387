import type { MigrationEventLog } from '../../src/domain/migration.ts';

/**
 * `events` with every append refused the way DynamoDB refuses a write under throttling (reads
 * still work): for proving that a lost audit write is logged, never silently dropped.
 */
export function withFailingAppends(events: MigrationEventLog): MigrationEventLog & { refused: number } {
  const log = {
    refused: 0,
    async appendEvent(): Promise<never> {
      log.refused++;
      throw Object.assign(
        new Error('The level of configured provisioned throughput for the table was exceeded.'),
        {
          name: 'ProvisionedThroughputExceededException',
        },
      );
    },
    listEvents: (id: string) => events.listEvents(id),
  };
  return log;
}
