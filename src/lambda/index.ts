import { createLambdaHandlers } from './handlers.ts';

/**
 * The deployed entry points (the CDK stack's three functions name these exports). Configuration
 * comes from the function's environment, the Slack secrets from Secrets Manager at cold start.
 */
const handlers = createLambdaHandlers({ env: process.env });

export const slackHandler = handlers.slackHandler;
export const workerHandler = handlers.workerHandler;
export const tickHandler = handlers.tickHandler;
export { createLambdaHandlers, type LambdaHandlers, type LambdaHandlerOptions } from './handlers.ts';
