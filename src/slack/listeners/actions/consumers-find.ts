import { consumerReportMessage } from '#blocks/consumers.ts';
import { BadInputError } from '../../../domain/errors.ts';
import { backgroundButton } from '../../background-button.ts';
import { parseMigrationId, requireKnownMigration } from '../../payload-ids.ts';
import type { ConsumerService } from '../../services.ts';
import type { ListenerDeps } from '../deps.ts';

function consumerServiceOf(deps: ListenerDeps): ConsumerService {
  if (!deps.services.consumers)
    throw new BadInputError(
      'Finding consumers is not set up in this deployment (no consumer service); ask whoever runs the bot.',
    );
  return deps.services.consumers;
}

/**
 * Find consumers (a verified copy's message): any admin; acks at once, then asks ECS, Lambda, EC2
 * and Auto Scaling who mounts the source, stores the report and posts it in the thread. A
 * non-admin is refused privately and the refusal is recorded under the migration, if it exists.
 */
export function consumersFindAction(deps: ListenerDeps) {
  return backgroundButton(deps, 'Find consumers', async ({ target, value }) => {
    const consumers = consumerServiceOf(deps);
    try {
      await deps.authorizer.authorize(target.userId, 'cutover');
    } catch (err) {
      const id = await requireKnownMigration(parseMigrationId(value), consumers.exists).catch(
        () => undefined,
      );
      deps.logger.warn(
        { correlationId: target.correlationId, userId: target.userId, migrationId: id },
        'find consumers refused: not an admin',
      );
      if (id)
        await consumers.events
          .appendEvent(id, {
            kind: 'refused',
            actor: target.userId,
            detail: 'find consumers refused: not an admin',
            correlationId: target.correlationId,
          })
          .catch((auditErr: unknown) =>
            deps.logger.error({ err: auditErr, migrationId: id }, 'refusal not recorded in the audit log'),
          );
      throw err;
    }
    const migrationId = await requireKnownMigration(parseMigrationId(value), consumers.exists);
    const report = await consumers.discoverConsumers(migrationId, {
      actor: target.userId,
      correlationId: target.correlationId,
    });
    // Stored and logged before it is posted: the thread shows what the store holds.
    const message = consumerReportMessage(report, await consumers.fileSystemTags(migrationId));
    await target.client.chat.postMessage({ channel: target.channel, thread_ts: target.threadTs, ...message });
  });
}
