import { randomUUID } from 'node:crypto';

/** One ID per Slack interaction, shown to the user with any error and put on every log line. */
export function newCorrelationId(): string {
  return randomUUID().slice(0, 8);
}
