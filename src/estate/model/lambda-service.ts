/**
 * Lambda reads: ListFunctions, GetFunction, GetFunctionConfiguration, ListVersionsByFunction,
 * ListAliases, GetAlias, ListTags. Typed with the SDK's own request and response shapes; pages
 * follow aws-models/lambda (`Marker` in, `NextMarker` out, `MaxItems`).
 */
import type {
  FunctionConfiguration,
  GetAliasCommandOutput,
  GetAliasRequest,
  GetFunctionCommandOutput,
  GetFunctionConfigurationCommandOutput,
  GetFunctionConfigurationRequest,
  GetFunctionRequest,
  ListAliasesCommandOutput,
  ListAliasesRequest,
  ListFunctionsCommandOutput,
  ListFunctionsRequest,
  ListTagsCommandOutput,
  ListTagsRequest,
  ListVersionsByFunctionCommandOutput,
  ListVersionsByFunctionRequest,
} from '@aws-sdk/client-lambda';
import type { EstateFunctionConfiguration } from '../lambda-types.ts';
import type { CallContext, EstateModel } from './estate-model.ts';
import { lambdaErrors, LambdaStore } from './lambda-store.ts';
import { pageOf } from './paging.ts';

type Body<T> = Omit<T, '$metadata'>;

/** "Lambda returns up to 50 functions per call" (ListFunctions); the same cap for the other lists. */
const MAX_PAGE = 50;

/**
 * "The ListFunctions operation returns a subset of the FunctionConfiguration fields. To get the
 * additional fields (State, StateReasonCode, StateReason, LastUpdateStatus, LastUpdateStatusReason,
 * LastUpdateStatusReasonCode, RuntimeVersionConfig) for a function or version, use GetFunction."
 */
function listed(c: EstateFunctionConfiguration): FunctionConfiguration {
  const {
    State: _state,
    StateReason: _stateReason,
    StateReasonCode: _stateReasonCode,
    LastUpdateStatus: _status,
    LastUpdateStatusReason: _reason,
    LastUpdateStatusReasonCode: _reasonCode,
    RuntimeVersionConfig: _runtime,
    ...rest
  } = c;
  return structuredClone(rest);
}

export class LambdaService {
  private readonly store: LambdaStore;

  constructor(private readonly model: EstateModel) {
    this.store = new LambdaStore(model);
  }

  private paging(scope: string, token: string | undefined, limit: number | undefined) {
    return {
      token,
      limit,
      defaultSize: this.model.options.defaultPageSize,
      maxSize: MAX_PAGE,
      scope,
      invalidToken: () =>
        lambdaErrors.invalidParameter('Invalid Marker: it was not issued for this listing.'),
      invalidLimit: (n: number) =>
        lambdaErrors.invalidParameter(`MaxItems ${n} is not valid: give 1 to 10000.`),
    };
  }

  listFunctions(ctx: CallContext, input: ListFunctionsRequest): Body<ListFunctionsCommandOutput> {
    if (input.FunctionVersion !== undefined && input.FunctionVersion !== 'ALL')
      throw lambdaErrors.invalidParameter(
        `FunctionVersion ${input.FunctionVersion} is not valid: the only value is ALL.`,
      );
    const all = input.FunctionVersion === 'ALL';
    const list = this.store
      .functions(ctx)
      .flatMap((fn) =>
        all ? [this.store.configuration({ fn, qualifier: '$LATEST' }), ...fn.Versions] : [fn.Configuration],
      );
    const page = pageOf(list, this.paging(`functions:${all}`, input.Marker, input.MaxItems));
    return {
      Functions: page.items.map(listed),
      ...(page.next !== undefined ? { NextMarker: page.next } : {}),
    } satisfies Body<ListFunctionsCommandOutput>;
  }

  getFunctionConfiguration(
    ctx: CallContext,
    input: GetFunctionConfigurationRequest,
  ): Body<GetFunctionConfigurationCommandOutput> {
    const resolved = this.store.resolve(ctx, input.FunctionName, input.Qualifier);
    return structuredClone(
      this.store.configuration(resolved),
    ) satisfies Body<GetFunctionConfigurationCommandOutput>;
  }

  getFunction(ctx: CallContext, input: GetFunctionRequest): Body<GetFunctionCommandOutput> {
    const resolved = this.store.resolve(ctx, input.FunctionName, input.Qualifier);
    const configuration = structuredClone(this.store.configuration(resolved));
    const { FunctionName, CodeSha256 } = configuration;
    return {
      Configuration: configuration,
      // A presigned S3 URL in AWS, valid for ten minutes; nothing is served behind this one.
      Code: {
        RepositoryType: 'S3',
        Location: `https://awslambda-${ctx.region}-tasks.s3.${ctx.region}.amazonaws.com/snapshots/${ctx.accountId}/${FunctionName}-${Buffer.from(CodeSha256).toString('hex').slice(0, 32)}`,
      },
      Tags: { ...resolved.fn.Tags },
    } satisfies Body<GetFunctionCommandOutput>;
  }

  listVersionsByFunction(
    ctx: CallContext,
    input: ListVersionsByFunctionRequest,
  ): Body<ListVersionsByFunctionCommandOutput> {
    const { fn } = this.store.resolve(ctx, input.FunctionName);
    const list = [this.store.configuration({ fn, qualifier: '$LATEST' }), ...fn.Versions];
    const page = pageOf(
      list,
      this.paging(`versions:${fn.Configuration.FunctionArn}`, input.Marker, input.MaxItems),
    );
    return {
      Versions: page.items.map((v) => structuredClone(v)),
      ...(page.next !== undefined ? { NextMarker: page.next } : {}),
    } satisfies Body<ListVersionsByFunctionCommandOutput>;
  }

  listAliases(ctx: CallContext, input: ListAliasesRequest): Body<ListAliasesCommandOutput> {
    const { fn } = this.store.resolve(ctx, input.FunctionName);
    const list = fn.Aliases.filter(
      (a) => input.FunctionVersion === undefined || a.FunctionVersion === input.FunctionVersion,
    );
    const page = pageOf(
      list,
      this.paging(
        `aliases:${fn.Configuration.FunctionArn}:${input.FunctionVersion}`,
        input.Marker,
        input.MaxItems,
      ),
    );
    return {
      Aliases: page.items.map((a) => structuredClone(a)),
      ...(page.next !== undefined ? { NextMarker: page.next } : {}),
    } satisfies Body<ListAliasesCommandOutput>;
  }

  getAlias(ctx: CallContext, input: GetAliasRequest): Body<GetAliasCommandOutput> {
    const { fn } = this.store.resolve(ctx, input.FunctionName);
    return structuredClone(this.store.alias(fn, input.Name)) satisfies Body<GetAliasCommandOutput>;
  }

  /** Tags belong to the function: its unqualified ARN (a version or alias ARN is refused, as AWS does). */
  listTags(ctx: CallContext, input: ListTagsRequest): Body<ListTagsCommandOutput> {
    const resource = input.Resource ?? '';
    if (!resource.startsWith('arn:'))
      throw lambdaErrors.invalidParameter(`Resource ${resource} is not an ARN: give the function's ARN.`);
    const resolved = this.store.resolve(ctx, resource);
    if (resolved.qualifier !== undefined)
      throw lambdaErrors.invalidParameter(
        `Tags apply to the function, not to a version or alias: use ${resolved.fn.Configuration.FunctionArn}.`,
      );
    return { Tags: { ...resolved.fn.Tags } } satisfies Body<ListTagsCommandOutput>;
  }
}
