import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { errorMessage } from '#blocks/error.ts';
import { comingSoonMessage, helpMessage, unknownCommandMessage } from '#blocks/help.ts';
import { COMMANDS, SLASH_COMMAND, parseCommand } from '../../commands.ts';
import { newCorrelationId } from '../../correlation.ts';
import { userMessageOf } from '../../slack-errors.ts';
import type { ListenerDeps } from '../deps.ts';
import type { SlackMessage } from '#blocks/limits.ts';
import { parseScanScope } from '../../../domain/scan-scope.ts';
import { openPlanModal } from '../actions/plan-open.ts';
import { openDecommissionModal } from '../../decommission-in-thread.ts';
import { scanFromCommand, scanInAck } from './scan.ts';
import { statusFromCommand } from './status.ts';
import { handOnCommand, isCommandWork } from './command-work.ts';
import { digestFromCommand } from './digest.ts';
import { isFirstDelivery, requestFingerprint } from '../../request-dedupe.ts';
import { privateReplier } from '../../private-reply.ts';

/** How long a scan's ack waits for its scope check before acking empty (the answer then goes privately). */
export const SCOPE_CHECK_ACK_BUDGET_MS = 1000;

/** True when `work` settles (either way) within the budget, in real time: Slack's 3 s are real. */
function withinAckBudget(work: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>(
    (resolve) => (timer = setTimeout(() => resolve(false), SCOPE_CHECK_ACK_BUDGET_MS)),
  );
  const settled = work.then(
    () => true,
    () => true,
  );
  return Promise.race([settled, late]).finally(() => clearTimeout(timer));
}

/** Subcommands that post in the channel, queue jobs or start a scan: a redelivery must not repeat them. */
const STARTS_WORK = new Set(['scan', 'build', 'export', 'cutover', 'validate', 'digest']);

/**
 * `/efs-encrypt [subcommand]`. Acknowledges first (Slack allows 3 s), answers help privately,
 * and starts a scan in the background: the listener never waits for the scan, so it returns
 * quickly even where the HTTP response waits for the listener (processBeforeResponse, Lambda).
 */
export function efsEncryptCommand(deps: ListenerDeps) {
  return async ({
    command,
    ack,
    respond,
    client,
    context,
  }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    const parsed = parseCommand(command.text ?? '');
    // A first delivery of a scan whose work runs here acks with the admission's answer (a join or a
    // queue place); every other request acks empty at once, as before.
    const answersInAck =
      parsed.kind === 'command' &&
      parsed.command.name === 'scan' &&
      parsed.command.available &&
      deps.work.runsHere === true &&
      context.retryNum === undefined;
    let acked = false;
    /** True when this call acked (and so carried `message`); false when the request was acked already. */
    const ackOnce = async (message?: SlackMessage): Promise<boolean> => {
      if (acked) return false;
      acked = true;
      await ack(message ? { response_type: 'ephemeral', ...message } : undefined);
      return true;
    };
    if (!answersInAck) await ackOnce();
    const correlationId = newCorrelationId();
    const log = deps.logger.child({
      correlationId,
      userId: command.user_id,
      channelId: command.channel_id,
      text: command.text,
    });
    const replyPrivately = privateReplier(deps.responseUrls, {
      responseUrl: command.response_url,
      respond,
      client,
      channel: command.channel_id,
      user: command.user_id,
      log,
    });

    const fingerprint = () =>
      requestFingerprint([
        'command',
        command.command,
        command.text,
        command.user_id,
        command.channel_id,
        command.trigger_id,
      ]);
    try {
      if (parsed.kind === 'help') return await replyPrivately(helpMessage(SLASH_COMMAND, COMMANDS));
      if (parsed.kind === 'unknown')
        return await replyPrivately(unknownCommandMessage(SLASH_COMMAND, parsed.given, COMMANDS));
      if (!parsed.command.available)
        return await replyPrivately(comingSoonMessage(SLASH_COMMAND, parsed.command, COMMANDS));
      // A redelivery (x-slack-retry-num) of a command that posts or queues does nothing again.
      // A scan answered in its ack records its delivery after the ack, in its dispatched work.
      if (
        STARTS_WORK.has(parsed.command.name) &&
        !answersInAck &&
        !(await isFirstDelivery(deps.services.requests, fingerprint(), {
          kind: `command ${parsed.command.name}`,
          actor: command.user_id,
          retryNum: context.retryNum,
          logger: log,
        }))
      )
        return;
      if (parsed.command.name === 'scan') {
        await deps.authorizer.authorize(command.user_id, 'scan');
        // A typo is refused here, privately, before anything is posted or scanned.
        const scope = parseScanScope(parsed.args);
        // Accounts and regions outside the configuration too: refused privately, nothing posted.
        const checked =
          scope.accounts.length || scope.regions.length ? deps.services.scan.checkScope?.(scope) : undefined;
        // The check may ask AWS (an organization's accounts): the ack does not wait on it for long.
        if (answersInAck && checked) void withinAckBudget(checked).then((inTime) => inTime || ackOnce());
        await checked;
        log.info('scan requested');
        const request = {
          client,
          channelId: command.channel_id,
          userId: command.user_id,
          teamDomain: command.team_domain,
          correlationId,
          scope,
          responseUrl: command.response_url,
          replyPrivately,
        };
        if (answersInAck)
          return await scanInAck(deps, { ...request, ack: ackOnce, fingerprint: fingerprint() });
        await scanFromCommand(deps, request);
        return;
      }
      if (parsed.command.name === 'plan') {
        await openPlanModal(deps, {
          client,
          triggerId: command.trigger_id,
          userId: command.user_id,
          scanId: parsed.args[0],
          channelId: command.channel_id,
        });
        return;
      }
      if (parsed.command.name === 'decommission') {
        const ref = parsed.args[0];
        if (!ref)
          return await replyPrivately({
            text: 'Usage: /efs-encrypt decommission <file-system-id>',
            blocks: [
              {
                type: 'section',
                text: { type: 'mrkdwn', text: 'Usage: `/efs-encrypt decommission <file-system-id>`' },
              },
            ],
          });
        await openDecommissionModal(deps, {
          client,
          triggerId: command.trigger_id,
          userId: command.user_id,
          ref,
          channel: command.channel_id,
          correlationId,
        });
        return;
      }
      // Work that outlives the request goes to the dispatcher as the command's text (build,
      // cutover, validate, export): on Lambda the worker function runs it.
      if (isCommandWork(parsed.command.name))
        return await handOnCommand(deps, parsed.command.name, {
          client,
          userId: command.user_id,
          channelId: command.channel_id,
          correlationId,
          args: parsed.args,
          text: command.text ?? '',
          responseUrl: command.response_url,
          replyPrivately,
        });
      if (parsed.command.name === 'digest')
        return await digestFromCommand(deps, {
          client,
          channelId: command.channel_id,
          userId: command.user_id,
          correlationId,
          responseUrl: command.response_url,
          replyPrivately,
        });
      if (parsed.command.name === 'status')
        return await statusFromCommand(deps, { userId: command.user_id, args: parsed.args, replyPrivately });
      return await replyPrivately(helpMessage(SLASH_COMMAND, COMMANDS));
    } catch (err) {
      await ackOnce();
      log.warn({ err }, 'command refused or failed');
      await replyPrivately(
        errorMessage({
          title: `${SLASH_COMMAND} ${command.text}`.trim(),
          userMessage: userMessageOf(err),
          correlationId,
        }),
      );
    } finally {
      // Every path acks; a scan answered in its ack has already.
      await ackOnce();
    }
  };
}
