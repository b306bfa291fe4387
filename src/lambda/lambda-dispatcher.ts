import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { InternalError } from '../domain/errors.ts';
import type { WorkDispatcher, WorkMessage } from '../slack/work-dispatch.ts';

/**
 * On Lambda nothing runs after the response, so a listener's long work becomes an asynchronous
 * invocation of the worker function (InvocationType Event): Lambda queues it, answers 202 at once,
 * retries a failed run twice and can send the event to an on-failure destination. The listener
 * awaits only the hand-over (tens of milliseconds), inside Slack's 3 s.
 */
export function lambdaWorkDispatcher(options: {
  client: Pick<LambdaClient, 'send'>;
  functionName: string;
  /** Called with each message handed on, for the log. */
  onDispatched?(message: WorkMessage): void;
}): WorkDispatcher {
  return {
    async dispatch(message) {
      const out = await options.client.send(
        new InvokeCommand({
          FunctionName: options.functionName,
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(JSON.stringify(message)),
        }),
      );
      if (out.StatusCode !== 202)
        throw new InternalError(
          `the worker function ${options.functionName} did not accept the ${message.kind} work (status ${out.StatusCode})`,
        );
      options.onDispatched?.(message);
    },
  };
}
