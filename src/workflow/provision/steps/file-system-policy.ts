import { BuildResourceKeys as Keys, buildMappingOf, rewritePolicyArns } from '../../../domain/build-plan.ts';
import { requestIds, type BuildSession, type BuildStepDeps } from '../build-session.ts';

/**
 * Step `file-system-policy`: the source's policy with its ARNs rewritten to the twin's. Put last,
 * once, because it must name the twin's access points (new IDs), which exist only then; its
 * purpose is NFS client access, and the twin has no clients to protect before it. Access points
 * of another file system are left as written and recorded as not copied.
 */
export async function putFileSystemPolicy(
  deps: BuildStepDeps,
  s: BuildSession,
  twinId: string,
): Promise<void> {
  const source = s.plan.sourceFileSystemPolicy;
  if (!source) return;
  const record = s.record();
  const rewrite = rewritePolicyArns(
    source,
    { source: record.fileSystemId, twin: twinId },
    buildMappingOf(record).accessPoints,
  );
  const out = await s.call('PutFileSystemPolicy', () =>
    deps.writer.putFileSystemPolicy({ FileSystemId: twinId, Policy: rewrite.policy }),
  );
  await s.persist(
    'file-system-policy',
    rewrite.unmapped.length
      ? {
          [Keys.notCopied('policyAccessPoints')]:
            `the policy names access points of another file system, left as written: ${rewrite.unmapped.join(', ')}`,
        }
      : {},
    `File system policy copied to ${twinId} (${rewrite.replaced} ARN(s) rewritten to the twin's)`,
    { awsRequestIds: requestIds(out) },
  );
}
