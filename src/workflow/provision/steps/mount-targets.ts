import type { MountTargetDescription } from '@aws-sdk/client-efs';
import { awsErrorCode } from '../../../aws/aws-errors.ts';
import { BuildResourceKeys as Keys, type MountTargetPlan } from '../../../domain/build-plan.ts';
import { BuildBlockedError, BuildStepError } from '../build-errors.ts';
import { requestIds, type BuildSession, type BuildStepDeps } from '../build-session.ts';

/**
 * Step `mount-targets`: one per planned zone, each recorded (with its DeleteMountTarget undo)
 * before the next is made. EFS allows one mount target per zone, so the one already there
 * (listed, or reported by MountTargetConflict) is ours from an earlier attempt and is adopted.
 */
export async function createMountTargets(
  deps: BuildStepDeps,
  s: BuildSession,
  twinId: string,
): Promise<void> {
  if (s.plan.mountTargets.length === 0) return;
  let existing = await s.call('DescribeMountTargets', () => deps.writer.describeMountTargets(twinId));
  for (const mt of s.plan.mountTargets) {
    const key = Keys.mountTarget(mt.availabilityZone);
    if (s.record().resources[key]) continue;
    const made = await findOrCreateMountTarget(deps, s, twinId, mt, existing);
    existing = made.listed;
    await s.persist(
      'mount-targets',
      { [key]: made.id },
      `Mount target ${made.id} in ${mt.availabilityZone} (subnet ${mt.input.SubnetId})`,
      {
        awsRequestIds: made.requestIds,
        compensations: [
          s.undo('DeleteMountTarget', made.id, `mount target of ${twinId} in ${mt.availabilityZone}`),
        ],
      },
    );
  }
}

/** The twin's mount target in `mt`'s zone, and the listing it was found in (refreshed after a conflict). */
async function findOrCreateMountTarget(
  deps: BuildStepDeps,
  s: BuildSession,
  twinId: string,
  mt: MountTargetPlan,
  listed: MountTargetDescription[],
): Promise<{ id: string; requestIds: string[]; listed: MountTargetDescription[] }> {
  let existing = listed;
  const inAz = () =>
    existing.find((m) => m.AvailabilityZoneName === mt.availabilityZone || m.SubnetId === mt.input.SubnetId);
  let id = inAz()?.MountTargetId;
  let made: string[] = [];
  if (!id) {
    try {
      const out = await deps.writer.createMountTarget({ FileSystemId: twinId, ...mt.input });
      id = out.MountTargetId;
      made = requestIds(out);
    } catch (e) {
      // One per AZ: a conflict means ours is already there (made before a crash). Adopt it.
      if (awsErrorCode(e) !== 'MountTargetConflict')
        throw new BuildStepError('mount-targets', 'CreateMountTarget', e);
      existing = await s.call('DescribeMountTargets', () => deps.writer.describeMountTargets(twinId));
      id = inAz()?.MountTargetId;
      if (!id) throw new BuildStepError('mount-targets', 'CreateMountTarget', e);
    }
  }
  if (!id) throw new BuildBlockedError('mount-targets', 'CreateMountTarget returned no MountTargetId.');
  return { id, requestIds: made, listed: existing };
}

/** Step `wait-mount-targets`: polls until every mount target this migration made is `available`. */
export async function waitMountTargets(deps: BuildStepDeps, s: BuildSession, twinId: string): Promise<void> {
  if (s.plan.mountTargets.length === 0) return;
  const started = s.clock.now().getTime();
  const ours = new Set(
    s.plan.mountTargets.map((m) => s.record().resources[Keys.mountTarget(m.availabilityZone)]),
  );
  for (;;) {
    const listed = (
      await s.call('DescribeMountTargets', () => deps.writer.describeMountTargets(twinId))
    ).filter((m) => ours.has(m.MountTargetId));
    const bad = listed.find((m) => m.LifeCycleState !== 'creating' && m.LifeCycleState !== 'available');
    if (bad)
      throw new BuildBlockedError(
        'wait-mount-targets',
        `Mount target ${bad.MountTargetId} of ${twinId} is ${bad.LifeCycleState}.`,
        'MountTargetNotAvailable',
      );
    if (listed.length === ours.size && listed.every((m) => m.LifeCycleState === 'available')) {
      await s.persist('wait-mount-targets', {}, `Mount targets of ${twinId} are available`);
      return;
    }
    await s.waitOrGiveUp(started, `the mount targets of ${twinId} to become available`);
  }
}
