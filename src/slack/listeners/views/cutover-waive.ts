import { CUTOVER_WAIVE_CALLBACK_ID } from '#blocks/cutover-modals.ts';
import { code } from '#blocks/format.ts';
import { section } from '../../copy-in-thread.ts';
import { cutoverServiceOf, withRefusalLogged } from '../../cutover-in-thread.ts';
import { parseWaiveMetadata } from '../../cutover-payloads.ts';
import { cutoverReasonSubmission } from '../../cutover-view-submission.ts';
import type { ListenerDeps } from '../deps.ts';

/**
 * Waive submitted with its reason (admins; the phase checks again): the consumer counts as done
 * without a change, logged and shown in every report. A second waiver finds the first.
 */
export function cutoverWaiveView(deps: ListenerDeps) {
  return cutoverReasonSubmission(
    deps,
    CUTOVER_WAIVE_CALLBACK_ID,
    'Waive',
    parseWaiveMetadata,
    async (target, meta, reason) => {
      const cutover = cutoverServiceOf(deps);
      const { migrationId, app, consumerId } = meta;
      const ctx = {
        userId: target.userId,
        correlationId: target.correlationId,
        action: 'waive',
        migrationId,
        app,
      };
      const { waiver, created } = await withRefusalLogged(deps, ctx, () =>
        cutover.phase.waive(migrationId, { actor: target.userId, consumerId, reason }),
      );
      deps.logger.info(
        { ...ctx, consumerId, created },
        created ? 'cutover consumer waived' : 'cutover consumer already waived',
      );
      return section(
        created
          ? `:heavy_check_mark: Waived ${code(consumerId)} of *${app}*: ${reason}. It counts as done; the waiver is logged and shown in every report.`
          : `:information_source: ${code(consumerId)} was already waived by <@${waiver.waivedBy}> at ${waiver.at}: ${waiver.reason}`,
      );
    },
  );
}
