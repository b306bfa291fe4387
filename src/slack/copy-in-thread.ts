import { migrationParts } from '#blocks/build-progress.ts';
import { clientCheckText } from '#blocks/copy-clients.ts';
import { copyButtons } from '#blocks/copy-progress.ts';
import { copyReviewMessages } from '#blocks/copy-review.ts';
import { code } from '#blocks/format.ts';
import { SlackLimits, clip, type Block, type SlackMessage } from '#blocks/limits.ts';
import { rsyncRunbookMessage } from '#blocks/rsync-runbook.ts';
import { COPY_KIND_LABELS, copyKindsOf } from '../domain/copy.ts';
import { BadInputError } from '../domain/errors.ts';
import type { CopyPhase, QueuedCopy, RsyncStatusResult } from '../workflow/copy/index.ts';
import type { BuildTarget } from './build-in-thread.ts';
import { copyThreads } from './copy-progress.ts';
import type { ListenerDeps } from './listeners/deps.ts';
import { parseMigrationId, requireKnownMigration, type MigrationId } from './payload-ids.ts';
import type { CopyService } from './services.ts';

/**
 * What the copy buttons and modals share (listeners stay thin): the admin check before anything
 * is read or written, with every refusal logged and recorded; recording the thread the copy
 * message goes in BEFORE the request (persisted before announced: the job may start at once on
 * another replica); the request itself, idempotent in the copy phase (a double click or a Slack
 * retry gets the job already queued, and the reply says nothing new was queued); and the EC2 +
 * rsync runbook posted with its files.
 */

export function copyServiceOf(deps: ListenerDeps): CopyService {
  const copy = deps.services.copy;
  if (!copy)
    throw new BadInputError(
      'Copying is not set up in this deployment (no copy service); ask whoever runs the bot.',
    );
  return copy;
}

/** Admins only; a refusal is logged and recorded on the migration, then rethrown. */
/**
 * The migration a copy button or modal names, parsed and found (it has a decision) before anything
 * is written under it; otherwise a BadInputError saying what to do.
 */
export async function copyMigrationOf(
  deps: ListenerDeps,
  value: unknown,
  where?: string,
): Promise<MigrationId> {
  const copy = copyServiceOf(deps);
  return requireKnownMigration(
    parseMigrationId(value, where),
    async (id) => (await copy.methodOf(id)) !== undefined,
  );
}

/** The button's migration when it parses and exists; undefined otherwise (nothing is written under it). */
export const knownCopyMigration = (deps: ListenerDeps, value: unknown): Promise<string | undefined> =>
  copyMigrationOf(deps, value).then(
    (id) => id,
    () => undefined,
  );

export async function authorizeCopy(
  deps: ListenerDeps,
  userId: string,
  correlationId: string,
  concerned?: string | (() => Promise<string | undefined>),
): Promise<void> {
  try {
    await deps.authorizer.authorize(userId, 'copy');
  } catch (err) {
    // Who may act is checked before what the button names is looked up, so a non-admin hears "not
    // an admin" whatever the value; the refusal is recorded only under a migration that exists.
    const migrationId = typeof concerned === 'function' ? await concerned() : concerned;
    deps.logger.warn({ correlationId, userId, migrationId, action: 'copy' }, 'copy refused: not an admin');
    const events = deps.services.copy?.events;
    if (events && migrationId)
      await events
        .appendEvent(migrationId, {
          kind: 'refused',
          actor: userId,
          detail: 'copy refused: not an admin',
          correlationId,
        })
        // The refusal stands and is answered either way; a lost audit record is logged so the
        // refusal is still on record (DESIGN.md rule 5).
        .catch((auditErr: unknown) =>
          deps.logger.error(
            { err: auditErr, correlationId, userId, migrationId, action: 'copy' },
            'could not record the copy refusal in the audit log',
          ),
        );
    throw err;
  }
}

/** Records that this file system's copy message belongs in the target's thread. */
export async function recordCopyThread(
  deps: ListenerDeps,
  target: BuildTarget,
  migrationId: string,
): Promise<void> {
  await copyThreads(copyServiceOf(deps).events).record(
    migrationId,
    { channel: target.channel, threadTs: target.threadTs },
    target.userId,
    target.correlationId,
  );
}

export type CopyRequest = (phase: CopyService['phase']) => Promise<QueuedCopy>;

/** Records the thread, makes the request, runs a new job here at once; returns the private answer. */
export async function requestCopy(
  deps: ListenerDeps,
  target: BuildTarget,
  migrationId: string,
  request: CopyRequest,
): Promise<SlackMessage> {
  const copy = copyServiceOf(deps);
  await recordCopyThread(deps, target, migrationId);
  const queued = await request(copy.phase);
  const log = deps.logger.child({
    correlationId: target.correlationId,
    userId: target.userId,
    retryNum: target.retryNum,
    migrationId,
  });
  if (queued.created) copy.runNow?.([queued.jobId]);
  log.info(
    {
      jobId: queued.jobId,
      kind: queued.kind,
      created: queued.created,
      ...(queued.clientCheck ? { clients: queued.clientCheck.status } : {}),
    },
    queued.created ? 'copy queued' : 'nothing new queued',
  );
  const fs = code(migrationId.split('#').at(-1) ?? migrationId);
  const what = COPY_KIND_LABELS[queued.kind].toLowerCase();
  const text = queued.created
    ? `:rocket: Queued the ${what} of ${fs}. Progress follows in the thread, in the file system's copy message.`
    : `:information_source: The ${what} of ${fs} is already queued, running or done (job ${code(queued.jobId)}): nothing new queued${target.retryNum ? ` (Slack retry ${target.retryNum})` : ''}.`;
  return section(queued.clientCheck ? `${text}\n${clientCheckText(queued.clientCheck)}` : text);
}

/** Start copy, Sync again and DataSync's Final sync (`clientsAcknowledged`: Final sync anyway). */
export const startCopyRequest =
  (
    migrationId: string,
    actor: string,
    kind: 'initial' | 'incremental' | 'final',
    confirmation: { clientsAcknowledged?: boolean } = {},
  ): CopyRequest =>
  (phase) =>
    phase.startCopy(migrationId, actor, { kind, ...confirmation });

export const retryCopyRequest =
  (migrationId: string, actor: string): CopyRequest =>
  (phase) =>
    phase.retry(migrationId, actor);

export const writesStoppedRequest =
  (
    migrationId: string,
    actor: string,
    t0: Date,
    confirmation: { clientsAcknowledged?: boolean } = {},
  ): CopyRequest =>
  (phase) =>
    phase.confirmWritesStopped(migrationId, actor, t0, confirmation);

/**
 * Post runbook: the summary message, with the buttons that record the passes, and the runbook
 * and its scripts uploaded into the thread (files.uploadV2). Changes nothing on AWS; the record
 * keeps the new nonce its verify.sh is bound to, stored before anything is posted.
 */
export async function postRunbook(
  deps: ListenerDeps,
  target: BuildTarget,
  migrationId: string,
): Promise<void> {
  const copy = copyServiceOf(deps);
  const runbook = await copy.runbook(migrationId, target.userId);
  const status = await copy.phase.status(migrationId);
  const post = rsyncRunbookMessage(runbook);
  const buttons = copyButtons(migrationId, 'rsync', status.actions);
  const blocks: Block[] = buttons ? [...post.message.blocks, buttons] : post.message.blocks;
  await target.client.chat.postMessage({
    channel: target.channel,
    thread_ts: target.threadTs,
    text: post.message.text,
    blocks: blocks.slice(0, SlackLimits.blocksPerMessage),
  });
  await target.client.filesUploadV2({
    channel_id: target.channel,
    thread_ts: target.threadTs,
    initial_comment: post.initialComment,
    file_uploads: post.files.map((f) => ({ filename: f.filename, title: f.title, content: f.content })),
  });
  deps.logger.info(
    { correlationId: target.correlationId, userId: target.userId, migrationId, files: post.files.length },
    'rsync runbook posted',
  );
}

/**
 * Review copy: the dry run of each copy the buttons offer now (status().actions: Start copy, or
 * Sync again and Final sync), posted in the thread. Reads only; returns how many messages it
 * posted, 0 when no copy can start now (one is running, or the copy is done).
 */
export async function postCopyReview(
  deps: ListenerDeps,
  target: BuildTarget,
  migrationId: string,
): Promise<number> {
  const copy = copyServiceOf(deps);
  const status = await copy.phase.status(migrationId);
  const kinds = copyKindsOf(status.actions);
  if (!status.method || status.method === 'rsync' || kinds.length === 0) return 0;
  const plans = await Promise.all(
    kinds.map(async (kind) => ({ kind, calls: await copy.phase.plan(migrationId, kind) })),
  );
  const { accountId, region } = migrationParts(migrationId);
  const messages = copyReviewMessages({
    migrationId,
    fileSystemId: status.fileSystemId,
    accountId,
    region,
    method: status.method,
    plans,
  });
  for (const message of messages)
    await target.client.chat.postMessage({ channel: target.channel, thread_ts: target.threadTs, ...message });
  deps.logger.info(
    {
      correlationId: target.correlationId,
      userId: target.userId,
      migrationId,
      kinds,
      messages: messages.length,
    },
    'copy review posted',
  );
  return messages.length;
}

/** Initial copy done / Final sync done: the pass recorded from the thread; the copy message shows the outcome. */
export async function recordRsyncPass(
  deps: ListenerDeps,
  target: BuildTarget,
  migrationId: string,
  input: Parameters<CopyPhase['recordRsyncStatus']>[2],
): Promise<RsyncStatusResult> {
  const copy = copyServiceOf(deps);
  await recordCopyThread(deps, target, migrationId);
  const result = await copy.phase.recordRsyncStatus(migrationId, target.userId, input);
  deps.logger.info(
    {
      correlationId: target.correlationId,
      userId: target.userId,
      migrationId,
      pass: input.pass,
      state: result.state,
      verified: result.verified,
      unchanged: result.unchanged,
    },
    'rsync pass recorded',
  );
  return result;
}

export function section(text: string): SlackMessage {
  return {
    text: clip(text, SlackLimits.messageText),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(text, SlackLimits.sectionText) } }],
  };
}
