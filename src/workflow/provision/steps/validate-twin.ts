import type { FileSystemDescription } from '@aws-sdk/client-efs';
import type { KeyMetadata } from '@aws-sdk/client-kms';
import { BuildResourceKeys as Keys } from '../../../domain/build-plan.ts';
import { BuildBlockedError } from '../build-errors.ts';
import type { BuildSession, BuildStepDeps } from '../build-session.ts';
import { checkKey } from './check-key.ts';

/**
 * Step `validate`: the safety check of DESIGN.md rule 1 (encrypted, with the intended key, the key
 * enabled), recorded as the guard fact of `target_ready` in the same write that moves there.
 * A key named by alias is resolved again, since the AWS-managed key may exist only now.
 */
export async function validateTwin(
  deps: BuildStepDeps,
  s: BuildSession,
  twinId: string,
  keyArnAtStart: string,
): Promise<void> {
  const fs = await s.call('DescribeFileSystems', () => deps.writer.describeFileSystem(twinId));
  const keyArn = keyArnAtStart.includes(':alias/') ? await checkKey(deps, s) : keyArnAtStart;
  const meta = (await s.call('kms:DescribeKey', () => deps.writer.describeKey(keyArn))).KeyMetadata;
  const problems = twinProblems(twinId, fs, keyArn, meta);
  if (problems.length)
    throw new BuildBlockedError(
      'validate',
      `The twin failed validation: ${problems.join('; ')}.`,
      'TwinValidationFailed',
    );
  const validatedKey = meta?.Arn ?? keyArn;
  await s.transition({
    to: 'target_ready',
    facts: { targetValidated: true },
    resources: { [Keys.targetKmsKeyArn]: validatedKey, [Keys.buildStep]: 'validate' },
    detail: `Twin ${twinId} validated: Encrypted=true, KmsKeyId=${validatedKey}, key Enabled`,
  });
  await s.ctx.checkpoint('validate');
}

/** Every way the twin fails rule 1; empty when it passes. */
function twinProblems(
  twinId: string,
  fs: FileSystemDescription | undefined,
  keyArn: string,
  meta: KeyMetadata | undefined,
): string[] {
  const problems: string[] = [];
  if (!fs?.Encrypted) problems.push(`${twinId} reports Encrypted=${String(fs?.Encrypted ?? 'unknown')}`);
  const reportedKey = fs?.KmsKeyId;
  if (reportedKey !== (meta?.Arn ?? keyArn))
    problems.push(`${twinId} reports KmsKeyId ${reportedKey ?? 'none'}, not ${meta?.Arn ?? keyArn}`);
  if (meta?.KeyState !== 'Enabled')
    problems.push(`key ${keyArn} is ${meta?.KeyState ?? 'unknown'}, not Enabled`);
  return problems;
}
