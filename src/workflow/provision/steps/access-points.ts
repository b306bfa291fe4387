import type { AccessPointDescription } from '@aws-sdk/client-efs';
import { existingAccessPointId } from '../../../aws/efs-writer.ts';
import { BuildResourceKeys as Keys, type AccessPointPlan } from '../../../domain/build-plan.ts';
import { BuildBlockedError, BuildStepError } from '../build-errors.ts';
import { requestIds, type BuildSession, type BuildStepDeps } from '../build-session.ts';

/**
 * Step `access-points`: the twin of each source access point, made with the ClientToken derived
 * from the migration and the source access point, so one made before a crash is found by its
 * token (listed, or named by AccessPointAlreadyExists) instead of made again. Each is recorded,
 * with its DeleteAccessPoint undo and the old → new mapping, before the next.
 */
export async function createAccessPoints(
  deps: BuildStepDeps,
  s: BuildSession,
  twinId: string,
): Promise<void> {
  if (s.plan.accessPoints.length === 0) return;
  const existing = await s.call('DescribeAccessPoints', () => deps.writer.describeAccessPoints(twinId));
  for (const ap of s.plan.accessPoints) {
    const key = Keys.accessPoint(ap.sourceAccessPointId);
    if (s.record().resources[key]) continue;
    const made = await findOrCreateAccessPoint(deps, twinId, ap, existing);
    await s.persist(
      'access-points',
      { [key]: made.id },
      `Access point ${ap.sourceAccessPointId} → ${made.id}`,
      {
        awsRequestIds: made.requestIds,
        compensations: [
          s.undo('DeleteAccessPoint', made.id, `twin of access point ${ap.sourceAccessPointId}`),
        ],
      },
    );
  }
}

/** The twin of `ap`: the one listed with its ClientToken, or a new one (adopted on AccessPointAlreadyExists). */
async function findOrCreateAccessPoint(
  deps: BuildStepDeps,
  twinId: string,
  ap: AccessPointPlan,
  existing: AccessPointDescription[],
): Promise<{ id: string; requestIds: string[] }> {
  let id = existing.find((a) => a.ClientToken === ap.input.ClientToken)?.AccessPointId;
  let made: string[] = [];
  if (!id) {
    try {
      const out = await deps.writer.createAccessPoint({ FileSystemId: twinId, ...ap.input });
      id = out.AccessPointId;
      made = requestIds(out);
    } catch (e) {
      id = existingAccessPointId(e);
      if (!id) throw new BuildStepError('access-points', 'CreateAccessPoint', e);
    }
  }
  if (!id) throw new BuildBlockedError('access-points', 'CreateAccessPoint returned no AccessPointId.');
  return { id, requestIds: made };
}
