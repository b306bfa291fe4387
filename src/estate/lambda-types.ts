/**
 * Lambda in the estate: each function is its unpublished configuration ($LATEST), the published
 * versions (each a frozen configuration) and the aliases pointing at them, all typed with the
 * SDK's own output shapes so what the handlers answer is what AWS answers.
 */
import type { AliasConfiguration, FunctionConfiguration } from '@aws-sdk/client-lambda';
import type { WithRequired } from './types.ts';

export type EstateFunctionConfiguration = WithRequired<
  FunctionConfiguration,
  | 'FunctionName'
  | 'FunctionArn'
  | 'Runtime'
  | 'Role'
  | 'Handler'
  | 'CodeSize'
  | 'CodeSha256'
  | 'Version'
  | 'RevisionId'
  | 'LastModified'
  | 'State'
  | 'LastUpdateStatus'
  | 'PackageType'
>;

export type EstateAlias = WithRequired<
  AliasConfiguration,
  'AliasArn' | 'Name' | 'FunctionVersion' | 'RevisionId'
>;

export interface EstateLambdaFunction {
  /** $LATEST, the only configuration UpdateFunctionConfiguration changes. */
  Configuration: EstateFunctionConfiguration;
  /** Published versions, oldest first; their configuration never changes. */
  Versions: EstateFunctionConfiguration[];
  Aliases: EstateAlias[];
  /** As GetFunction and ListTags answer them (a map, unlike EFS's list). */
  Tags: Record<string, string>;
}

export interface EstateLambda {
  functions: EstateLambdaFunction[];
}

/**
 * The estate's marker for a function whose next configuration updates fail: the tag value is
 * `true` (reason code `EFSMountFailure`) or the `LastUpdateStatusReasonCode` to report.
 */
export const FAIL_UPDATE_TAG = 'estate:fail-update';

/** Lambda writes times as `2024-05-01T12:00:00.000+0000` (a string member, not a timestamp). */
export function lambdaTimestamp(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}

export function functionArn(region: string, account: string, name: string, qualifier?: string): string {
  return `arn:aws:lambda:${region}:${account}:function:${name}${qualifier !== undefined ? `:${qualifier}` : ''}`;
}

/** `arn:aws:elasticfilesystem:<region>:<account>:access-point/<id>` in parts, or undefined. */
export function parseAccessPointArn(
  arn: string,
): { region: string; accountId: string; accessPointId: string } | undefined {
  const m = /^arn:aws[a-zA-Z-]*:elasticfilesystem:([a-z0-9-]+):(\d{12}):access-point\/(fsap-[0-9a-f]+)$/.exec(
    arn,
  );
  return m ? { region: m[1]!, accountId: m[2]!, accessPointId: m[3]! } : undefined;
}
