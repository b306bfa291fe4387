/**
 * What every Lambda handler shares: the errors of aws-models/lambda (codes, HTTP statuses and AWS's
 * messages), finding a function from any of the name forms Lambda accepts (name, `name:qualifier`,
 * partial ARN, ARN), and the configuration a qualifier ($LATEST, a version, an alias) selects.
 */
import { randomUUID } from 'node:crypto';
import {
  functionArn,
  type EstateAlias,
  type EstateFunctionConfiguration,
  type EstateLambdaFunction,
} from '../lambda-types.ts';
import { AwsApiError } from './api-error.ts';
import type { CallContext, EstateModel } from './estate-model.ts';

/** Lambda's REST-JSON errors carry `Type` (User or Service) besides the message. */
const error = (code: string, message: string, status: number) =>
  new AwsApiError(code, message, status, status >= 500 ? 'Receiver' : 'Sender', {
    Type: status >= 500 ? 'Service' : 'User',
  });

export const lambdaErrors = {
  invalidParameter: (message: string) => error('InvalidParameterValueException', message, 400),
  notFound: (message: string) => error('ResourceNotFoundException', message, 404),
  functionNotFound: (arn: string) => error('ResourceNotFoundException', `Function not found: ${arn}`, 404),
  /** AWS's text when an update (or creation) has not finished. */
  updateInProgress: (arn: string) =>
    error(
      'ResourceConflictException',
      `The operation cannot be performed at this time. An update is in progress for resource: ${arn}`,
      409,
    ),
  staleRevision: () =>
    error(
      'PreconditionFailedException',
      'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
      412,
    ),
  throttling: () =>
    new AwsApiError('TooManyRequestsException', 'Rate exceeded', 429, 'Sender', {
      Type: 'User',
      Reason: 'CallerRateLimitExceeded',
    }),
  internal: (message: string) => error('ServiceException', message, 500),
};

/** The message member of each Lambda error shape (most say `message`, two say `Message`). */
export function lambdaErrorBody(e: AwsApiError): Record<string, unknown> {
  const messageMember =
    e.code === 'ResourceNotFoundException' || e.code === 'ServiceException' ? 'Message' : 'message';
  return { Type: e.httpStatus >= 500 ? 'Service' : 'User', ...e.members, [messageMember]: e.message };
}

export interface ResolvedFunction {
  fn: EstateLambdaFunction;
  /** The qualifier the caller gave, in the name or as `Qualifier` (undefined: unqualified). */
  qualifier: string | undefined;
}

/**
 * `my-function`, `my-function:v1`, `123456789012:function:my-function`, and
 * `arn:aws:lambda:us-west-2:123456789012:function:my-function[:qualifier]` (the API reference's forms).
 */
const NAME_FORMS =
  /^(?:arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):function:|(\d{12}):function:)?([a-zA-Z0-9_-]+)(?::(\$LATEST|[a-zA-Z0-9_-]+))?$/;

export class LambdaStore {
  constructor(private readonly model: EstateModel) {}

  functions(ctx: Pick<CallContext, 'accountId' | 'region'>): EstateLambdaFunction[] {
    return this.model.region(ctx).lambda.functions;
  }

  resolve(ctx: CallContext, functionName: string | undefined, qualifier?: string): ResolvedFunction {
    const m = NAME_FORMS.exec(functionName ?? '');
    if (!m)
      throw lambdaErrors.invalidParameter(
        `1 validation error detected: Value '${functionName ?? ''}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern`,
      );
    const [, arnRegion, arnAccount, partialAccount, name, nameQualifier] = m;
    if (arnRegion !== undefined && arnRegion !== ctx.region)
      throw lambdaErrors.invalidParameter(
        `The function ARN names region ${arnRegion}, but the request was sent to ${ctx.region}.`,
      );
    if (nameQualifier !== undefined && qualifier !== undefined && nameQualifier !== qualifier)
      throw lambdaErrors.invalidParameter(
        'The derived qualifier from the function name does not match the specified qualifier.',
      );
    const accountId = arnAccount ?? partialAccount ?? ctx.accountId;
    const fn = this.functions({ accountId, region: ctx.region }).find(
      (f) => f.Configuration.FunctionName === name,
    );
    const q = nameQualifier ?? qualifier;
    if (!fn) throw lambdaErrors.functionNotFound(functionArn(ctx.region, accountId, name!, q));
    return { fn, qualifier: q };
  }

  /** The configuration the qualifier selects, with the ARN as AWS answers it for that qualifier. */
  configuration({ fn, qualifier }: ResolvedFunction): EstateFunctionConfiguration {
    const latest = fn.Configuration;
    if (qualifier === undefined) return latest;
    if (qualifier === '$LATEST') return { ...latest, FunctionArn: `${latest.FunctionArn}:$LATEST` };
    if (/^\d+$/.test(qualifier)) {
      const version = fn.Versions.find((v) => v.Version === qualifier);
      if (!version) throw lambdaErrors.functionNotFound(`${latest.FunctionArn}:${qualifier}`);
      return version;
    }
    const alias = this.alias(fn, qualifier);
    const target =
      alias.FunctionVersion === '$LATEST'
        ? latest
        : fn.Versions.find((v) => v.Version === alias.FunctionVersion)!;
    return { ...target, FunctionArn: alias.AliasArn };
  }

  alias(fn: EstateLambdaFunction, name: string | undefined): EstateAlias {
    const alias = fn.Aliases.find((a) => a.Name === name);
    if (!alias)
      throw lambdaErrors.notFound(`Cannot find alias arn: ${fn.Configuration.FunctionArn}:${name ?? ''}`);
    return alias;
  }

  newRevisionId(): string {
    return randomUUID();
  }
}
