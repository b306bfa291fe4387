import type { AllMiddlewareArgs } from '@slack/bolt';
import { buildReviewMessages } from '#blocks/build-review.ts';
import { code, escapeMrkdwn } from '#blocks/format.ts';
import { SlackLimits, clip, packLines, type SlackMessage } from '#blocks/limits.ts';
import { BadInputError } from '../domain/errors.ts';
import type { MigrationRecord } from '../domain/migration.ts';
import { buildRetryRefusal, type QueuedBuild } from '../workflow/provision/index.ts';
import { BuildThreads } from './build-threads.ts';
import { parseMigrationId, requireKnownMigration, type MigrationId } from './payload-ids.ts';
import type { ListenerDeps } from './listeners/deps.ts';
import type { BuildService } from './services.ts';

/**
 * What the build buttons and `/efs-encrypt build` share: resolving what to build, recording where
 * its progress goes, queueing through the build phase (idempotent: a double click or a Slack retry
 * gets the existing job and queues nothing), and the dry run in the thread. Admin checks happen
 * here, before anything is read or written, and every refusal is logged (DESIGN.md rule 5).
 */

type WebClient = AllMiddlewareArgs['client'];

export interface BuildTarget {
  client: WebClient;
  userId: string;
  channel: string;
  /** The thread the progress messages go in. */
  threadTs: string;
  correlationId: string;
  /** x-slack-retry-num, when Slack is redelivering the request. */
  retryNum?: number;
}

export function buildServiceOf(deps: ListenerDeps): BuildService {
  const build = deps.services.build;
  if (!build)
    throw new BadInputError(
      'Building is not set up in this deployment (no build service); ask whoever runs the bot.',
    );
  return build;
}

/**
 * The migration a build button names, parsed and found in the store before anything is written
 * under it (a refusal's audit record included); otherwise a BadInputError saying what to do.
 */
export async function buildMigrationOf(deps: ListenerDeps, value: string): Promise<MigrationId> {
  const build = buildServiceOf(deps);
  return requireKnownMigration(parseMigrationId(value), (id) =>
    build.phase.status(id).then(
      () => true,
      (err: unknown) => {
        if (err instanceof BadInputError) return false;
        throw err;
      },
    ),
  );
}

/** The button's migration when it parses and exists; none otherwise (nothing is written under it). */
export const knownBuildMigrations = (deps: ListenerDeps, value: unknown): Promise<string[]> =>
  buildMigrationOf(deps, value as string).then(
    (id) => [id],
    () => [],
  );

/** Admins only; a refusal is logged and recorded on each migration it concerns, then rethrown. */
export async function authorizeBuild(
  deps: ListenerDeps,
  userId: string,
  correlationId: string,
  concerned: string[] | (() => Promise<string[]>) = [],
): Promise<void> {
  try {
    await deps.authorizer.authorize(userId, 'build');
  } catch (err) {
    // Who may act is checked before what the button names is looked up, so a non-admin hears "not
    // an admin" whatever the value; the refusal is recorded only under a migration that exists.
    const migrationIds = typeof concerned === 'function' ? await concerned() : concerned;
    deps.logger.warn({ correlationId, userId, migrationIds, action: 'build' }, 'build refused: not an admin');
    const events = deps.services.build?.events;
    if (events)
      await Promise.all(
        migrationIds.map((id) =>
          events
            .appendEvent(id, {
              kind: 'refused',
              actor: userId,
              detail: 'build refused: not an admin',
              correlationId,
            })
            // The refusal stands and is answered either way; a lost audit record is logged so the
            // refusal is still on record (DESIGN.md rule 5).
            .catch((auditErr: unknown) =>
              deps.logger.error(
                { err: auditErr, correlationId, userId, migrationId: id, action: 'build' },
                'could not record the build refusal in the audit log',
              ),
            ),
        ),
      );
    throw err;
  }
}

/**
 * Migration IDs from what a person typed: `all` (every decided migration), file system IDs, or
 * migration IDs (`FS#account#region#fs-id`, needed when one ID exists in several accounts).
 */
export function resolveBuildTargets(migrations: MigrationRecord[], refs: string[]): string[] {
  if (refs.length === 0)
    throw new BadInputError('Say what to build: `build <file-system-id>` (several allowed) or `build all`.');
  if (refs.length === 1 && refs[0]!.toLowerCase() === 'all') {
    const decided = migrations.filter((m) => m.state === 'decided').map((m) => m.id);
    if (decided.length === 0)
      throw new BadInputError(
        'Nothing is decided and waiting to be built. Decide first with `/efs-encrypt plan`.',
      );
    return decided;
  }
  const problems: string[] = [];
  const ids = refs.flatMap((ref) => {
    const matches = migrations.filter((m) => m.id === ref || m.fileSystemId === ref);
    if (matches.length === 1) return [matches[0]!.id];
    problems.push(
      matches.length === 0
        ? `${ref}: no migration for this file system; scan and decide it first (\`/efs-encrypt plan\`).`
        : `${ref}: exists in several accounts or regions; give the migration ID (${matches.map((m) => m.id).join(', ')}).`,
    );
    return [];
  });
  if (problems.length) throw new BadInputError(problems.join('\n'));
  return ids;
}

/** Decided migrations of a plan (its scan), or every decided one when the plan is unknown. */
export async function decidedMigrations(deps: ListenerDeps, scanId: string | undefined): Promise<string[]> {
  const build = buildServiceOf(deps);
  const decided = (await build.listMigrations()).filter((m) => m.state === 'decided').map((m) => m.id);
  const decide = deps.services.decide;
  if (!scanId || !decide) return decided;
  const inPlan = new Set((await decide.workflow.summary({ scanId })).decided.map((s) => s.migrationId));
  return decided.filter((id) => inPlan.has(id));
}

export interface QueueOutcome {
  queued: QueuedBuild[];
  /** Private answer for whoever clicked. */
  reply: SlackMessage;
}

/**
 * Records the thread, then queues (persisted before announced: the job may start at once on
 * another replica, and its first message must find the thread), then starts the new jobs here.
 */
export async function queueBuilds(
  deps: ListenerDeps,
  target: BuildTarget,
  migrationIds: string[],
): Promise<QueueOutcome> {
  const build = buildServiceOf(deps);
  const threads = new BuildThreads(build.events);
  const location = { channel: target.channel, threadTs: target.threadTs };
  // Only a build this click may queue reports here: one already asked for keeps the thread of the
  // click that queued it (a later Build all from elsewhere must not move its progress). Two first
  // clicks at the same instant may both record; the later record wins, and both threads are the
  // people who asked.
  // (An unknown migration records nothing; requestBuild refuses it with what to do.)
  const statuses = await Promise.all(migrationIds.map((id) => build.phase.status(id).catch(() => undefined)));
  await Promise.all(
    statuses.flatMap((s) =>
      s && !s.job ? [threads.record(s.migrationId, location, target.userId, target.correlationId)] : [],
    ),
  );
  const queued = await build.phase.requestBuild(migrationIds, target.userId);
  return { queued, reply: startQueued(deps, target, queued, 'queued') };
}

/** Retry of a failed build: the next job generation, resuming from what the record says exists. */
export async function retryBuild(
  deps: ListenerDeps,
  target: BuildTarget & { messageTs?: string },
  migrationId: string,
): Promise<QueueOutcome> {
  const build = buildServiceOf(deps);
  // Refused before anything is recorded: Retry resumes a failed build, it never starts one.
  const refusal = buildRetryRefusal(await build.phase.status(migrationId));
  if (refusal) throw new BadInputError(refusal);
  const threads = new BuildThreads(build.events);
  await threads.record(
    migrationId,
    {
      channel: target.channel,
      threadTs: target.threadTs,
      ...(target.messageTs ? { messageTs: target.messageTs } : {}),
    },
    target.userId,
    target.correlationId,
  );
  const queued = [await build.phase.retry(migrationId, target.userId)];
  return { queued, reply: startQueued(deps, target, queued, 'retried') };
}

function startQueued(
  deps: ListenerDeps,
  target: BuildTarget,
  queued: QueuedBuild[],
  verb: 'queued' | 'retried',
): SlackMessage {
  const created = queued.filter((q) => q.created);
  const existing = queued.filter((q) => !q.created);
  const log = deps.logger.child({
    correlationId: target.correlationId,
    userId: target.userId,
    retryNum: target.retryNum,
  });
  if (created.length) deps.services.build?.runNow?.(created.map((q) => q.jobId));
  log.info(
    { created: created.map((q) => q.jobId), existing: existing.map((q) => q.jobId) },
    created.length ? `builds ${verb}` : 'nothing new queued',
  );
  const fsId = (q: QueuedBuild) => code(q.migrationId.split('#').at(-1) ?? q.migrationId);
  const lines: string[] = [];
  if (created.length)
    lines.push(
      `:rocket: ${verb === 'retried' ? 'Retrying' : 'Queued'} ${created.map(fsId).join(', ')}. Progress follows in the thread, one message per file system.`,
    );
  if (existing.length)
    lines.push(
      `:information_source: Already ${verb === 'retried' ? 'running or not failed' : 'queued or built'}, nothing new queued: ${existing.map(fsId).join(', ')}${target.retryNum ? ` (Slack retry ${target.retryNum})` : ''}.`,
    );
  const text = lines.join('\n');
  return {
    text: clip(text, SlackLimits.messageText),
    blocks: packLines(lines).map((t) => ({ type: 'section', text: { type: 'mrkdwn', text: t } })),
  };
}

/** The dry run, posted in the thread in order. */
export async function postBuildReview(
  deps: ListenerDeps,
  target: BuildTarget,
  migrationIds: string[],
): Promise<number> {
  const plans = await buildServiceOf(deps).phase.planBuild(migrationIds);
  const messages = buildReviewMessages(plans);
  for (const message of messages)
    await target.client.chat.postMessage({ channel: target.channel, thread_ts: target.threadTs, ...message });
  deps.logger.info(
    {
      correlationId: target.correlationId,
      userId: target.userId,
      fileSystems: plans.length,
      messages: messages.length,
    },
    'build review posted',
  );
  return messages.length;
}

/** The root message a slash command threads its builds under (commands cannot be sent from a thread). */
export function buildRootMessage(userId: string, migrationIds: string[]): SlackMessage {
  const ids = migrationIds.map((id) => code(id.split('#').at(-1) ?? id));
  const text = `:building_construction: <@${escapeMrkdwn(userId)}> asked to build the encrypted twins of ${ids.join(', ')}. Progress in the thread.`;
  return {
    text: clip(`Build requested for ${migrationIds.length} file system(s)`, SlackLimits.messageText),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(text, SlackLimits.sectionText) } }],
  };
}
