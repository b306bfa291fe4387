import type { webApi } from '@slack/bolt';
import { z } from 'zod';
import {
  DECOMMISSION_CALLBACK_ID,
  decodeDecommissionMetadata,
  decommissionModal,
  encodeDecommissionMetadata,
  guardLines,
  type DecommissionModalMetadata,
} from '#blocks/decommission.ts';
import type { SlackMessage } from '#blocks/limits.ts';
import { DecommissionRefusedError } from '../domain/decommission.ts';
import { EfsEncryptError, ErrorCode } from '../domain/errors.ts';
import { decommissionThreads } from './decommission-progress.ts';
import type { ListenerDeps } from './listeners/deps.ts';
import type { DecommissionService } from './services.ts';
import { dispatchViewWork, registerViewWork } from './view-work.ts';

/**
 * What the decommission listeners share: the service (or a clear "not available"), the admin
 * check that logs and records a refusal, the modal opened at once and filled in with the guards
 * read live, and the confirmed request that posts the progress message in the thread.
 */

export function decommissionServiceOf(deps: ListenerDeps): DecommissionService {
  const service = deps.services.decommission;
  if (!service)
    throw new EfsEncryptError(
      ErrorCode.ConfigInvalid,
      'Decommission is not available in this deployment yet (consumer discovery is not available).',
    );
  return service;
}

/** Admins only (DESIGN.md rule 5): the refusal is logged and recorded on the migration. */
export async function authorizeDecommission(
  deps: ListenerDeps,
  userId: string,
  correlationId: string,
  migrationId?: string,
): Promise<void> {
  try {
    await deps.authorizer.authorize(userId, 'decommission');
  } catch (err) {
    deps.logger.warn(
      { correlationId, userId, migrationId, action: 'decommission' },
      'decommission refused: not an admin',
    );
    const events = deps.services.decommission?.events;
    if (events && migrationId)
      await events
        .appendEvent(migrationId, {
          kind: 'refused',
          actor: userId,
          detail: 'decommission refused: not an admin',
          correlationId,
        })
        .catch((e: unknown) => deps.logger.error({ err: e, correlationId }, 'refusal not recorded'));
    throw err;
  }
}

/**
 * Opens the modal at once (the trigger ID lasts 3 s), then reads every guard and the exact calls
 * and shows them (views.update). The submission reads the guards again, and the job once more.
 */
export async function openDecommissionModal(
  deps: ListenerDeps,
  o: {
    client: webApi.WebClient;
    triggerId: string;
    userId: string;
    ref: string;
    channel: string;
    threadTs?: string;
    correlationId: string;
  },
): Promise<void> {
  const service = decommissionServiceOf(deps);
  await authorizeDecommission(deps, o.userId, o.correlationId);
  const migration = await service.phase.resolve(o.ref);
  const meta: DecommissionModalMetadata = {
    migrationId: migration.id,
    fileSystemId: migration.fileSystemId,
    channel: o.channel,
    ...(o.threadTs ? { threadTs: o.threadTs } : {}),
  };
  const opened = await o.client.views.open({ trigger_id: o.triggerId, view: decommissionModal(meta) });
  const viewId = opened.view?.id;
  if (!viewId) return;
  await dispatchViewWork(deps, o.client, {
    kind: 'view',
    work: DECOMMISSION_GUARDS_WORK,
    correlationId: o.correlationId,
    userId: o.userId,
    privateMetadata: encodeDecommissionMetadata(meta),
    input: {},
    view: { id: viewId, ...(opened.view?.hash ? { hash: opened.view.hash } : {}) },
  });
}

/** The decommission modal's follow-up: every guard and the exact calls, read once it is open. */
export const DECOMMISSION_GUARDS_WORK = `${DECOMMISSION_CALLBACK_ID}#opened`;

/**
 * Registers the guards' read (here or on the worker): the modal is updated with them; a failure
 * is logged, and the modal keeps its placeholder (the submission reads every guard again anyway).
 */
export function registerDecommissionGuardsWork(deps: ListenerDeps): void {
  registerViewWork(deps, {
    key: DECOMMISSION_GUARDS_WORK,
    title: 'Decommission guards',
    metadata: decodeDecommissionMetadata,
    input: z.object({}),
    async run({ client, meta, view }) {
      if (!view) return;
      const service = decommissionServiceOf(deps);
      const [check, calls] = await Promise.all([
        service.phase.check(meta.migrationId),
        service.phase.plan(meta.migrationId),
      ]);
      await client.views.update({
        view_id: view.id,
        ...(view.hash ? { hash: view.hash } : {}),
        view: decommissionModal(meta, {
          guards: check.guards,
          calls,
          ...(service.backupVault ? { backupVault: service.backupVault } : {}),
        }),
      });
    },
  });
}

/**
 * The confirmed request: every guard read again (the typed ID included), the thread recorded for
 * the progress message, the job queued and run. A refusal is the guard summary, privately.
 */
export async function requestDecommission(
  deps: ListenerDeps,
  o: {
    client: webApi.WebClient;
    userId: string;
    meta: DecommissionModalMetadata;
    typed: string;
    correlationId: string;
  },
): Promise<SlackMessage> {
  const service = decommissionServiceOf(deps);
  let threadTs = o.meta.threadTs;
  try {
    const queued = await service.phase.request(o.meta.migrationId, o.userId, o.typed);
    if (!threadTs) {
      // From the slash command: a root message the progress threads under.
      const root = await o.client.chat.postMessage({
        channel: o.meta.channel,
        text: `Decommission of ${o.meta.fileSystemId} confirmed by <@${o.userId}>.`,
      });
      threadTs = root.ts;
    }
    if (queued.created && threadTs)
      await decommissionThreads(service.events).record(
        o.meta.migrationId,
        { channel: o.meta.channel, threadTs },
        o.userId,
        o.correlationId,
      );
    service.runNow?.([queued.jobId]);
    const text = queued.created
      ? `Decommission of ${o.meta.fileSystemId} queued (${queued.jobId}); progress in the thread.`
      : `Decommission of ${o.meta.fileSystemId} was already confirmed (${queued.jobId}); nothing new was queued.`;
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
  } catch (err) {
    if (err instanceof DecommissionRefusedError)
      return {
        text: `${o.meta.fileSystemId} was not deleted: a guard refused.`,
        blocks: [
          {
            type: 'section',
            text: { type: 'mrkdwn', text: `*${o.meta.fileSystemId} was not deleted.* Nothing was changed.` },
          },
          ...guardLines(err.guards.filter((g) => !g.pass)).map((text) => ({
            type: 'section' as const,
            text: { type: 'mrkdwn' as const, text },
          })),
        ],
      };
    throw err;
  }
}
