import type { z } from 'zod';
import { CLIENTS_ACK_ACTION_ID, CLIENTS_ACK_BLOCK_ID, CLIENTS_ACK_VALUE } from '#blocks/copy-clients.ts';
import { decodeCopyMetadata, type CopyModalMetadata } from '#blocks/copy-modals.ts';
import type { SlackMessage } from '#blocks/limits.ts';
import { BadInputError } from '../domain/errors.ts';
import type { BuildTarget } from './build-in-thread.ts';
import { authorizeCopy, copyMigrationOf, knownCopyMigration } from './copy-in-thread.ts';
import type { ListenerDeps } from './listeners/deps.ts';
import { threadViewSubmission, type ReadResult, type ViewStateValues } from './thread-view-submission.ts';

export type { ReadResult, ViewStateValues } from './thread-view-submission.ts';

/**
 * The final-sync modals' "go on anyway" box: required when the modal showed clients connected
 * (its metadata says so); the phase checks CloudWatch again on submission either way.
 */
export function readClientsAck(values: ViewStateValues, meta: CopyModalMetadata): ReadResult<boolean> {
  const ticked =
    values[CLIENTS_ACK_BLOCK_ID]?.[CLIENTS_ACK_ACTION_ID]?.selected_options?.some(
      (o) => o.value === CLIENTS_ACK_VALUE,
    ) === true;
  if (meta.clients === 'active' && !ticked)
    return {
      ok: false,
      blockId: CLIENTS_ACK_BLOCK_ID,
      error:
        'Clients were connected to the source in the last 15 min: stop them first, or tick this box to go on anyway.',
    };
  return { ok: true, input: ticked };
}

/** The copy modal's metadata, or what to do when it is not the bot's (a forged or stale form). */
export function copyModalMetadata(text: string | undefined): CopyModalMetadata {
  const meta = decodeCopyMetadata(text);
  if (!meta)
    throw new BadInputError('This form is out of date; close it and click the button in the thread again.');
  return meta;
}

/**
 * Both copy modals (threadViewSubmission's shape): the migration and the admin check first, then
 * the input's own checks, all answered next to the field; the work runs after the ack (here or on
 * the worker, which checks the migration and the admin again) and the copy message in the thread
 * shows the outcome.
 */
export function copyViewSubmission<S extends z.ZodType>(
  deps: ListenerDeps,
  o: {
    callbackId: string;
    title: string;
    fieldBlockId: string;
    /** May read the store (within Slack's 3 seconds): e.g. a summary checked against its migration. */
    read(
      values: ViewStateValues,
      meta: CopyModalMetadata,
    ): ReadResult<z.input<S>> | Promise<ReadResult<z.input<S>>>;
    input: S;
    work(target: BuildTarget, meta: CopyModalMetadata, input: z.output<S>): Promise<SlackMessage>;
  },
) {
  return threadViewSubmission(deps, {
    callbackId: o.callbackId,
    title: o.title,
    fieldBlockId: o.fieldBlockId,
    metadata: copyModalMetadata,
    async authorize(meta, { userId, correlationId }) {
      // Who may act first (a refusal recorded only under a migration that exists), then the form's migration.
      await authorizeCopy(deps, userId, correlationId, () => knownCopyMigration(deps, meta.migrationId));
      await copyMigrationOf(deps, meta.migrationId, 'This form');
    },
    read: async (values, meta) => o.read(values, meta),
    input: o.input,
    work: o.work,
  });
}
