import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { errorMessage } from '#blocks/error.ts';
import { PLAN_PAGE_SIZE, pageOf, planModal } from '#blocks/plan-modal.ts';
import { BadInputError } from '../../../domain/errors.ts';
import { describeBasis, planCandidates } from '../../../workflow/decide/index.ts';
import { newCorrelationId } from '../../correlation.ts';
import { userMessageOf } from '../../slack-errors.ts';
import type { ListenerDeps } from '../deps.ts';
import { parseOptionalScanId } from '../../payload-ids.ts';
import { privateReplier } from '../../private-reply.ts';

type WebClient = AllMiddlewareArgs['client'];

export interface OpenPlanRequest {
  client: WebClient;
  /** Valid for 3 seconds: everything before views.open must be quick. */
  triggerId: string;
  userId: string;
  /** Default: the newest scan of each account and region (a scoped scan replaces only its part). */
  scanId?: string;
  /** Where the summary goes when the plan is saved; in `threadTs`'s thread when given. */
  channelId?: string;
  threadTs?: string;
  /** Open on the page holding this file system (the digest's Plan migration button). */
  focus?: { accountId: string; region: string; fileSystemId: string };
}

/** Opens the plan modal on its first page, prefilled with the stored decisions; admins only. */
export async function openPlanModal(deps: ListenerDeps, req: OpenPlanRequest): Promise<void> {
  await deps.authorizer.authorize(req.userId, 'plan');
  const decide = deps.services.decide;
  if (!decide)
    throw new BadInputError(
      'Planning is not set up in this deployment (no decide service); ask whoever runs the bot.',
    );
  const basis = await decide.workflow.basisFor({ scanId: req.scanId });
  const candidates = planCandidates(basis);
  const page = req.focus ? focusPage(candidates, req.focus) : 0;
  const statuses = await decide.workflow.statusOf(pageOf(candidates, page));
  await req.client.views.open({
    trigger_id: req.triggerId,
    view: planModal({
      metadata: {
        ...(basis.scanId ? { scanId: basis.scanId } : { asOf: basis.asOf }),
        page,
        channelId: req.channelId,
        threadTs: req.threadTs,
      },
      candidates,
      statuses,
      origin: describeBasis(basis),
    }),
  });
}

/** The page of the modal that shows `focus`; a clear refusal when the latest scans do not list it unencrypted. */
function focusPage(
  candidates: { accountId: string; region: string; fileSystemId: string }[],
  focus: { accountId: string; region: string; fileSystemId: string },
): number {
  const index = candidates.findIndex(
    (c) =>
      c.fileSystemId === focus.fileSystemId && c.accountId === focus.accountId && c.region === focus.region,
  );
  if (index < 0)
    throw new BadInputError(
      `${focus.fileSystemId} (${focus.accountId} ${focus.region}) is not unencrypted in the latest scan: it may be encrypted or deleted since. Run \`/efs-encrypt scan\` to see it as it is now.`,
    );
  return Math.floor(index / PLAN_PAGE_SIZE);
}

/** What a plan button's value says about where the modal opens. */
type PlanButtonTarget = Pick<OpenPlanRequest, 'scanId' | 'focus'>;

/**
 * A button that opens the plan modal (the scan summary's Plan, the digest's Plan migration): ack,
 * open it (admins only), or tell the person privately why not, with the correlation ID.
 */
export function planModalButton(
  deps: ListenerDeps,
  button: { title: string; target(value: string): PlanButtonTarget },
) {
  return async ({
    ack,
    body,
    action,
    respond,
    client,
  }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const correlationId = newCorrelationId();
    const log = deps.logger.child({ correlationId, userId: body.user.id, action: action.action_id });
    const channelId = body.channel?.id ?? body.container?.channel_id;
    try {
      const target = button.target(action.value ?? '');
      await openPlanModal(deps, {
        client,
        triggerId: body.trigger_id,
        userId: body.user.id,
        ...target,
        channelId,
        threadTs: body.message?.thread_ts ?? body.message?.ts ?? body.container?.message_ts,
      });
      log.info({ fileSystemId: target.focus?.fileSystemId }, `${button.title}: plan modal opened`);
    } catch (err) {
      log.warn({ err }, `${button.title}: refused or failed`);
      await privateReplier(deps.responseUrls, {
        responseUrl: body.response_url,
        respond,
        client,
        channel: channelId,
        user: body.user.id,
        log,
        keepOriginal: true,
      })(errorMessage({ title: button.title, userMessage: userMessageOf(err), correlationId }));
    }
  };
}

/** The Plan button on a scan summary: the summary's thread receives the plan summary. */
export function planOpenAction(deps: ListenerDeps) {
  return planModalButton(deps, {
    title: 'Plan',
    target: (value) => ({ scanId: parseOptionalScanId(value) }),
  });
}
