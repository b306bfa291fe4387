/**
 * Lambda on the estate's server (signing name `lambda`): REST-JSON routes with the method, URI and
 * success status of each operation in aws-models/lambda, bound to the Lambda handlers.
 */
import type { EstateModel } from './model/estate-model.ts';
import { LambdaService } from './model/lambda-service.ts';
import { lambdaErrorBody, lambdaErrors } from './model/lambda-store.ts';
import { LambdaWrites } from './model/lambda-writes.ts';
import { RestJsonCodec, type RestRoute } from './protocols/rest-json.ts';
import type { ServiceBinding } from './services.ts';

const FN = '/2015-03-31/functions/{FunctionName}';

const LAMBDA_ROUTES: RestRoute[] = [
  { method: 'GET', uri: '/2015-03-31/functions', operation: 'ListFunctions', integers: ['MaxItems'] },
  { method: 'GET', uri: FN, operation: 'GetFunction' },
  { method: 'GET', uri: `${FN}/configuration`, operation: 'GetFunctionConfiguration' },
  { method: 'PUT', uri: `${FN}/configuration`, operation: 'UpdateFunctionConfiguration' },
  { method: 'POST', uri: `${FN}/versions`, operation: 'PublishVersion', status: 201 },
  { method: 'GET', uri: `${FN}/versions`, operation: 'ListVersionsByFunction', integers: ['MaxItems'] },
  { method: 'GET', uri: `${FN}/aliases`, operation: 'ListAliases', integers: ['MaxItems'] },
  { method: 'GET', uri: `${FN}/aliases/{Name}`, operation: 'GetAlias' },
  { method: 'PUT', uri: `${FN}/aliases/{Name}`, operation: 'UpdateAlias' },
  { method: 'GET', uri: '/2017-03-31/tags/{Resource}', operation: 'ListTags' },
];

export function lambdaBinding(model: EstateModel): ServiceBinding {
  const reads = new LambdaService(model);
  const writes = new LambdaWrites(model);
  return {
    name: 'lambda',
    codec: new RestJsonCodec(LAMBDA_ROUTES, lambdaErrorBody),
    operations: {
      ListFunctions: reads.listFunctions.bind(reads),
      GetFunction: reads.getFunction.bind(reads),
      GetFunctionConfiguration: reads.getFunctionConfiguration.bind(reads),
      ListVersionsByFunction: reads.listVersionsByFunction.bind(reads),
      ListAliases: reads.listAliases.bind(reads),
      GetAlias: reads.getAlias.bind(reads),
      ListTags: reads.listTags.bind(reads),
      UpdateFunctionConfiguration: writes.updateFunctionConfiguration.bind(writes),
      PublishVersion: writes.publishVersion.bind(writes),
      UpdateAlias: writes.updateAlias.bind(writes),
    },
    throttling: lambdaErrors.throttling,
    unknownOperation: (op) =>
      lambdaErrors.invalidParameter(`The estate does not implement Lambda ${op} yet.`),
    internalError: (message) => lambdaErrors.internal(message),
  };
}
