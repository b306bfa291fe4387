import {
  applicationReviewMessage,
  type ApplicationReview,
  type InstanceRefreshChoice,
} from '#blocks/cutover-review.ts';
import { cutoverOrderMessage } from '#blocks/cutover-order.ts';
import { code } from '#blocks/format.ts';
import { SlackLimits, clip, type SlackMessage } from '#blocks/limits.ts';
import { BadInputError, ErrorCode, isEfsEncryptError } from '../domain/errors.ts';
import type { CutoverReview } from '../workflow/cutover/index.ts';
import type { BuildTarget } from './build-in-thread.ts';
import { CutoverThreads } from './cutover-threads.ts';
import { reviewMessages } from './review-messages.ts';
import type { ListenerDeps } from './listeners/deps.ts';
import type { CutoverService } from './services.ts';

/**
 * What the cutover buttons, modals and the slash command share (listeners stay thin): the service
 * or a private "not available"; the thread recorded BEFORE anything is asked of the phase (the job
 * may start at once on another replica, and its progress must find the thread); a refusal by the
 * phase (UnauthorizedError: not the owner, not an admin) logged and recorded on the migration;
 * and the review posted per application.
 */

export class CutoverUnavailableError extends BadInputError {
  constructor() {
    super(
      'Cutover is not available in this deployment (the bot runs without the cutover phase). Ask whoever runs the bot.',
    );
  }
}

export function cutoverServiceOf(deps: ListenerDeps): CutoverService {
  const cutover = deps.services.cutover;
  if (!cutover) throw new CutoverUnavailableError();
  return cutover;
}

export async function recordCutoverThread(
  deps: ListenerDeps,
  target: Pick<BuildTarget, 'channel' | 'threadTs' | 'userId' | 'correlationId'>,
  migrationId: string,
): Promise<void> {
  await new CutoverThreads(cutoverServiceOf(deps).events).recordThread(
    migrationId,
    { channel: target.channel, threadTs: target.threadTs },
    target.userId,
    target.correlationId,
  );
}

/**
 * Runs `work`; a refusal (UnauthorizedError, from the authorizer or the phase) is logged at WARN and
 * recorded in the migration's audit log, then rethrown for the private answer (DESIGN.md rule 5).
 */
export async function withRefusalLogged<T>(
  deps: ListenerDeps,
  ctx: { userId: string; correlationId: string; action: string; migrationId?: string; app?: string },
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isEfsEncryptError(err) && err.code === ErrorCode.Unauthorized) {
      deps.logger.warn({ ...ctx, reason: err.userMessage }, `cutover ${ctx.action} refused: not allowed`);
      const events = deps.services.cutover?.events;
      if (events && ctx.migrationId)
        await events
          .appendEvent(ctx.migrationId, {
            kind: 'refused',
            actor: ctx.userId,
            detail: `cutover ${ctx.action}${ctx.app ? ` of ${ctx.app}` : ''} refused: ${err.userMessage}`,
            correlationId: ctx.correlationId,
          })
          // The refusal stands and is answered either way; the log line above keeps it on record.
          .catch((auditErr: unknown) =>
            deps.logger.error(
              { err: auditErr, ...ctx },
              'could not record the cutover refusal in the audit log',
            ),
          );
    }
    throw err;
  }
}

/** The per-application views of a review, in the admin's order when one was chosen. */
export function applicationReviews(review: CutoverReview): ApplicationReview[] {
  const order = review.order?.apps ?? [];
  const plans = [...review.plans].sort((a, b) => {
    const ia = order.indexOf(a.app);
    const ib = order.indexOf(b.app);
    if (ia !== ib) return (ia < 0 ? Infinity : ia) - (ib < 0 ? Infinity : ib);
    return a.app < b.app ? -1 : a.app > b.app ? 1 : 0;
  });
  return plans.map((plan) => {
    const owner = review.owners.find((o) => o.app === plan.app) ?? {
      app: plan.app,
      fallbackReason: 'no owner was resolved: admins approve',
    };
    const index = order.indexOf(plan.app);
    const instanceRefresh = instanceRefreshChoice(review, plan);
    return {
      migrationId: review.migrationId,
      plan,
      owner,
      ...(index >= 0 ? { position: { index: index + 1, of: order.length } } : {}),
      ...(instanceRefresh ? { instanceRefresh } : {}),
    };
  });
}

/**
 * Offered only where it means something: a launch template of the application launches an Auto
 * Scaling group's instances. `on` when the plan shown already replaces them.
 */
function instanceRefreshChoice(
  review: CutoverReview,
  plan: CutoverReview['plans'][number],
): InstanceRefreshChoice | undefined {
  if (plan.changes.some((c) => c.calls.some((call) => call.operation === 'StartInstanceRefresh')))
    return 'on';
  const group = review.groups.find((g) => g.app === plan.app);
  const feedsGroups = group?.consumers.some(
    (c) => c.kind === 'launch-template' && c.autoScalingGroups.length > 0,
  );
  return feedsGroups ? 'available' : undefined;
}

/**
 * Review cutover: the thread recorded, the phase plans every application (a dry run: nothing
 * changes in AWS), one message per application in the thread. Returns how many were posted.
 */
export async function postCutoverReview(
  deps: ListenerDeps,
  target: BuildTarget,
  migrationId: string,
): Promise<number> {
  const cutover = cutoverServiceOf(deps);
  await recordCutoverThread(deps, target, migrationId);
  const review = await cutover.phase.review(migrationId, { actor: target.userId });
  const apps = applicationReviews(review);
  for (const app of apps) {
    const message = applicationReviewMessage(app);
    const posted = await target.client.chat.postMessage({
      channel: target.channel,
      thread_ts: target.threadTs,
      ...message,
    });
    if (posted.ts) reviewMessages.remember(target.channel, posted.ts, message.blocks);
  }
  // Several applications go one at a time: the thread says in which order, and admins may change it.
  if (apps.length >= 2)
    await target.client.chat.postMessage({
      channel: target.channel,
      thread_ts: target.threadTs,
      ...cutoverOrderMessage(migrationId, {
        apps: apps.map((a) => a.plan.app),
        ...(review.order ? { chosenBy: review.order.chosenBy } : {}),
      }),
    });
  if (apps.length === 0)
    await target.client.chat.postMessage({
      channel: target.channel,
      thread_ts: target.threadTs,
      ...noConsumersMessage(review),
    });
  deps.logger.info(
    {
      correlationId: target.correlationId,
      userId: target.userId,
      migrationId,
      apps: apps.map((a) => a.plan.app),
      consumers: review.report.consumers.length,
    },
    'cutover review posted',
  );
  return apps.length;
}

function noConsumersMessage(review: CutoverReview): SlackMessage {
  const unread = review.report.unreadable.map((u) => `${u.service}:${u.operation} (${u.code})`);
  const text = `:information_source: Nothing to cut over on ${code(review.sourceFileSystemId)}: no ECS, Lambda or EC2 consumer mounts it.${unread.length ? ` Not readable, so not checked: ${unread.join(', ')}.` : ''} Still check by hand: ${review.report.checklist.map((c) => c.title).join('; ') || 'fstab, EKS volumes, on-premises clients'}.`;
  return {
    text: clip(text, SlackLimits.messageText),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(text, SlackLimits.sectionText) } }],
  };
}

/** `/efs-encrypt cutover FS_ID`: the one migration of that file system (or migration ID). */
export async function cutoverMigrationOf(deps: ListenerDeps, ref: string | undefined): Promise<string> {
  if (!ref)
    throw new BadInputError('Say which file system to cut over: `/efs-encrypt cutover <file-system-id>`.');
  const migrations = await cutoverServiceOf(deps).listMigrations();
  const matches = migrations.filter((m) => m.id === ref || m.fileSystemId === ref);
  if (matches.length === 1) return matches[0]!.id;
  throw new BadInputError(
    matches.length === 0
      ? `${ref}: no migration for this file system. Scan, plan, build and copy it first (\`/efs-encrypt status\` shows where each stands).`
      : `${ref}: exists in several accounts or regions; give the migration ID (${matches.map((m) => m.id).join(', ')}).`,
  );
}
