import type { KeyMetadata } from '@aws-sdk/client-kms';
import { awsErrorCode } from '../../../aws/aws-errors.ts';
import { keyProblems, type KeyFacts } from '../../../domain/decision.ts';
import { AWS_MANAGED_EFS_KEY_ALIAS } from '../../../domain/inventory.ts';
import type { MigrationRecord } from '../../../domain/migration.ts';
import { BuildBlockedError, BuildStepError } from '../build-errors.ts';
import type { BuildSession, BuildStepDeps } from '../build-session.ts';

/**
 * Step `check-key`: DescribeKey before anything is made, so a key disabled since the decision
 * stops the build here. Returns the key's ARN (an alias resolves to it once the key exists).
 */
export async function checkKey(deps: BuildStepDeps, s: BuildSession): Promise<string> {
  const intended = s.plan.intendedKeyArn;
  let meta: KeyMetadata | undefined;
  try {
    meta = (await deps.writer.describeKey(intended)).KeyMetadata;
  } catch (e) {
    // The AWS-managed EFS key exists only after EFS first uses it; CreateFileSystem makes it.
    if (awsErrorCode(e) === 'NotFoundException' && intended.endsWith(`:${AWS_MANAGED_EFS_KEY_ALIAS}`))
      return intended;
    throw new BuildStepError('check-key', 'kms:DescribeKey', e);
  }
  const arn = meta?.Arn ?? intended;
  const record = s.record();
  const problems = keyProblems({ kind: 'found', key: foundKey(meta, arn, record) }, record);
  if (problems.length)
    throw new BuildBlockedError(
      'check-key',
      `${problems.join(' ')} Nothing was created for ${record.fileSystemId}; fix the key or change the decision, then retry.`,
      'KeyNotUsable',
    );
  return arn;
}

/** The key as the decision's rules see it; what KMS left out falls back to the migration's account and region. */
function foundKey(meta: KeyMetadata | undefined, arn: string, record: MigrationRecord): KeyFacts {
  return {
    keyId: meta?.KeyId ?? '',
    arn,
    accountId: meta?.AWSAccountId ?? record.accountId,
    region: arn.split(':')[3] || record.region,
    keyState: meta?.KeyState ?? (meta?.Enabled ? 'Enabled' : 'Disabled'),
    keySpec: meta?.KeySpec,
    keyUsage: meta?.KeyUsage,
    keyManager: meta?.KeyManager,
    aliases: [],
    crossAccountAccess: true,
  };
}
