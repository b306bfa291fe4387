import type { LifecyclePolicy } from '@aws-sdk/client-efs';
import { requestIds, type BuildSession, type BuildStepDeps } from '../build-session.ts';

/** Step `lifecycle-configuration`: the source's lifecycle policies on the twin; nothing when the source has none. */
export async function putLifecycleConfiguration(
  deps: BuildStepDeps,
  s: BuildSession,
  twinId: string,
): Promise<void> {
  if (!s.plan.lifecyclePolicies) return;
  // The values are the source's, as EFS itself reported them (DescribeLifecycleConfiguration).
  const policies = s.plan.lifecyclePolicies as LifecyclePolicy[];
  const out = await s.call('PutLifecycleConfiguration', () =>
    deps.writer.putLifecycleConfiguration({ FileSystemId: twinId, LifecyclePolicies: policies }),
  );
  await s.persist('lifecycle-configuration', {}, `Lifecycle configuration copied to ${twinId}`, {
    awsRequestIds: requestIds(out),
  });
}
