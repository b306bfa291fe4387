/** The Auto Scaling binding (signing name `autoscaling`): awsQuery, namespace 2011-01-01. */
import { AwsApiError } from './model/api-error.ts';
import { AutoScalingService, autoScalingErrors } from './model/autoscaling-service.ts';
import type { EstateModel } from './model/estate-model.ts';
import { AwsQueryCodec } from './protocols/aws-query.ts';
import type { ServiceBinding } from './services.ts';

/** Request members the model types as integers and booleans (aws-models/autoscaling). */
const INTEGERS = new Set([
  'MaxRecords',
  'MinHealthyPercentage',
  'MaxHealthyPercentage',
  'InstanceWarmup',
  'CheckpointPercentages',
  'CheckpointDelay',
  'BakeTime',
]);
const BOOLEANS = new Set([
  'IncludeInstances',
  'SkipMatching',
  'AutoRollback',
  'WaitForTransitioningInstances',
]);

/** `bind` is services.ts's `operationsOf` (passed in: importing it would make the two modules a cycle). */
export function autoScalingBinding(
  model: EstateModel,
  bind: (service: object, names: string[]) => ServiceBinding['operations'],
): ServiceBinding {
  return {
    name: 'autoscaling',
    codec: new AwsQueryCodec('http://autoscaling.amazonaws.com/doc/2011-01-01/', INTEGERS, BOOLEANS),
    operations: bind(new AutoScalingService(model), [
      'DescribeAutoScalingGroups',
      'StartInstanceRefresh',
      'DescribeInstanceRefreshes',
      'CancelInstanceRefresh',
    ]),
    throttling: autoScalingErrors.throttling,
    unknownOperation: (op) =>
      new AwsApiError('InvalidAction', `The estate does not implement Auto Scaling ${op} yet.`, 400),
    internalError: (message) => autoScalingErrors.internal(message),
  };
}
