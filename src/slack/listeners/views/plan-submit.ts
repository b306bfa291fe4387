import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import {
  PLAN_CALLBACK_ID,
  decodePlanMetadata,
  pageCount,
  pageOf,
  planErrors,
  planModal,
  readPlanSubmission,
  type ViewStateValues,
} from '#blocks/plan-modal.ts';
import { planSummaryMessages } from '#blocks/plan-summary.ts';
import { BadInputError } from '../../../domain/errors.ts';
import { describeBasis, planCandidates } from '../../../workflow/decide/index.ts';
import { newCorrelationId } from '../../correlation.ts';
import { userMessageOf } from '../../slack-errors.ts';
import type { ListenerDeps } from '../deps.ts';
import { parseOptionalScanId } from '../../payload-ids.ts';
import { registerViewWork } from '../../view-work.ts';

/**
 * A page of the plan modal submitted: check every choice against AWS, answer problems next to
 * their fields (`response_action: errors`), else store the page and show the next one; after the
 * last page, post the plan summary in the thread. Slack waits 3 s for the answer, so the checks
 * of one page (at most PLAN_PAGE_SIZE file systems) run in parallel.
 */
export function planSubmitView(deps: ListenerDeps) {
  // After the last page, here or on the worker: the summary is of now (decisions stored meanwhile
  // and scans finished since included), in the thread the plan was opened from.
  const postSummary = registerViewWork(deps, {
    key: PLAN_CALLBACK_ID,
    title: 'Plan summary',
    metadata: decodePlanMetadata,
    input: z.object({}),
    async run({ client, meta }) {
      const decide = deps.services.decide;
      if (!decide || !meta.channelId) return;
      for (const message of planSummaryMessages(await decide.workflow.summary({ scanId: meta.scanId })))
        await client.chat.postMessage({
          channel: meta.channelId,
          ...(meta.threadTs ? { thread_ts: meta.threadTs } : {}),
          ...message,
        });
    },
  });
  return async ({
    ack,
    body,
    view,
    client,
  }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs): Promise<void> => {
    const correlationId = newCorrelationId();
    const userId = body.user.id;
    const log = deps.logger.child({ correlationId, userId, view: view.callback_id });
    // Errors can only sit on input blocks; a refusal goes on the first one. A forged submission may
    // carry no blocks at all: then the refusal is a plain ack (it must never throw before the ack).
    const blocks: unknown = (view as { blocks?: unknown }).blocks;
    const firstInput = Array.isArray(blocks)
      ? (blocks as { type?: unknown; block_id?: string }[]).find((b) => b?.type === 'input')?.block_id
      : undefined;
    const refuse = async (message: string) => {
      if (firstInput) await ack({ response_action: 'errors', errors: { [firstInput]: message } });
      else await ack();
    };
    try {
      await deps.authorizer.authorize(userId, 'plan');
      const meta = decodePlanMetadata(view.private_metadata);
      const decide = deps.services.decide;
      if (!meta || !decide)
        throw new BadInputError('This plan form is out of date; close it and open the plan again.');
      // Parsed before it names a partition to read: `ARBITRARY#…` is no scan.
      const request = { scanId: parseOptionalScanId(meta.scanId, 'This plan form'), asOf: meta.asOf };
      const basis = await decide.workflow.basisFor(request);
      const candidates = planCandidates(basis);
      const page = pageOf(candidates, meta.page);
      const read = readPlanSubmission(view.state.values as ViewStateValues, page);
      if (Object.keys(read.errors).length)
        return await ack({ response_action: 'errors', errors: read.errors });
      if (read.choices.length) {
        const result = await decide.workflow.record(read.choices, userId, request);
        if (!result.ok) {
          log.info({ invalid: result.invalid.length }, 'plan choices refused');
          return await ack({
            response_action: 'errors',
            errors: planErrors(
              read,
              result.invalid.map((v) => ({ fileSystemId: v.choice.fileSystemId, errors: v.errors })),
            ),
          });
        }
        log.info(
          { recorded: result.recorded.map((r) => [r.fileSystem.fileSystemId, r.outcome]) },
          'plan page stored',
        );
      }
      if (meta.page + 1 < pageCount(candidates.length)) {
        const next = { ...meta, page: meta.page + 1 };
        const statuses = await decide.workflow.statusOf(pageOf(candidates, next.page));
        return await ack({
          response_action: 'update',
          view: planModal({ metadata: next, candidates, statuses, origin: describeBasis(basis) }),
        });
      }
      await ack();
      if (meta.channelId)
        await postSummary({
          client,
          userId,
          correlationId,
          privateMetadata: view.private_metadata,
          input: {},
        });
    } catch (err) {
      log.warn({ err }, 'plan submission refused or failed');
      await refuse(`${userMessageOf(err)} (ref ${correlationId})`);
    }
  };
}
