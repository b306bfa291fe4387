import { z } from 'zod';
import { REASON_ACTION_ID, REASON_BLOCK_ID } from '#blocks/cutover-modals.ts';
import type { SlackMessage } from '#blocks/limits.ts';
import type { BuildTarget } from './build-in-thread.ts';
import type { CutoverThread } from './cutover-payloads.ts';
import type { ListenerDeps } from './listeners/deps.ts';
import { threadViewSubmission, type ViewStateValues } from './thread-view-submission.ts';

/** The reason typed in a cutover modal, trimmed; undefined when blank (it is required). */
export function readReason(values: ViewStateValues): string | undefined {
  const reason = values[REASON_BLOCK_ID]?.[REASON_ACTION_ID]?.value?.trim();
  return reason ? reason : undefined;
}

/** Slack caps a plain text input at 3,000 characters. */
const ReasonInput = z.object({ reason: z.string().trim().min(1).max(3000) });

/**
 * The shape Reject and Waive share (threadViewSubmission's): stale metadata or a blank reason are
 * answered next to the field; the work runs after the ack (here or on the worker), answering the
 * submitter privately in the thread (a refusal by the phase included).
 */
export function cutoverReasonSubmission<M extends CutoverThread>(
  deps: ListenerDeps,
  callbackId: string,
  title: string,
  parse: (metadata: string | undefined) => M,
  work: (target: BuildTarget, meta: M, reason: string) => Promise<SlackMessage>,
) {
  return threadViewSubmission(deps, {
    callbackId,
    title,
    fieldBlockId: REASON_BLOCK_ID,
    metadata: parse,
    async read(values) {
      const reason = readReason(values);
      return reason
        ? { ok: true, input: { reason } }
        : { ok: false, error: 'A reason is required: say why, so the owner and the audit log know.' };
    },
    input: ReasonInput,
    work: (target, meta, { reason }) => work(target, meta, reason),
  });
}
