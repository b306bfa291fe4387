import { escapeMrkdwn } from './format.ts';
import { SlackLimits, clip, type SlackMessage } from './limits.ts';

/**
 * A failure shown in Slack: what happened and what to fix (the error's userMessage) and a
 * correlation ID to find the detail in the log. Never a stack trace (DESIGN.md safety rule 6).
 */
export function errorMessage(input: {
  title: string;
  userMessage: string;
  correlationId: string;
}): SlackMessage {
  const body = clip(
    `:x: *${escapeMrkdwn(input.title)}*\n${escapeMrkdwn(input.userMessage)}`,
    SlackLimits.sectionText,
  );
  return {
    text: clip(
      `${input.title}: ${input.userMessage} (correlation ID ${input.correlationId})`,
      SlackLimits.messageText,
    ),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: body } },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `Correlation ID \`${escapeMrkdwn(input.correlationId)}\`: quote it when asking for help.`,
          },
        ],
      },
    ],
  };
}
