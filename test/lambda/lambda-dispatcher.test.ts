import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { lambdaWorkDispatcher } from '../../src/lambda/lambda-dispatcher.ts';
import { parseWorkMessage, type WorkMessage } from '../../src/slack/work-dispatch.ts';

const message: WorkMessage = {
  kind: 'button',
  work: 'Build',
  correlationId: 'abcd1234',
  userId: 'U0ADMIN1',
  channelId: 'C0CHAN01',
  responseUrl: 'https://hooks.slack.com/actions/T0/1/xyz',
  actionId: 'build_one',
  actionTs: '1767225601.000001',
  value: 'fs-0123456789abcdef0',
  messageTs: '1767225600.000001',
  threadTs: '1767225600.000001',
};

describe('lambdaWorkDispatcher', () => {
  it('invokes the worker asynchronously with the message as its JSON payload, never running it here', async () => {
    const lambda = mockClient(LambdaClient);
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    let ranHere = false;
    await lambdaWorkDispatcher({ client: new LambdaClient({}), functionName: 'efs-encrypt-worker' }).dispatch(
      message,
      async () => {
        ranHere = true;
      },
    );
    const [call] = lambda.commandCalls(InvokeCommand);
    expect(call?.args[0].input.FunctionName).toBe('efs-encrypt-worker');
    expect(call?.args[0].input.InvocationType).toBe('Event');
    const payload: unknown = JSON.parse(new TextDecoder().decode(call?.args[0].input.Payload as Uint8Array));
    expect(parseWorkMessage(payload)).toEqual(message);
    expect(ranHere).toBe(false);
    lambda.restore();
  });

  it('fails when Lambda does not accept the event (anything but 202), so the listener tells the person', async () => {
    const lambda = mockClient(LambdaClient);
    lambda.on(InvokeCommand).resolves({ StatusCode: 200 });
    await expect(
      lambdaWorkDispatcher({ client: new LambdaClient({}), functionName: 'w' }).dispatch(
        message,
        async () => {},
      ),
    ).rejects.toThrow(/did not accept the button work \(status 200\)/);
    lambda.restore();
  });
});
