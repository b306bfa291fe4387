import { awsErrorCode } from '../../../aws/aws-errors.ts';
import { existingFileSystemId } from '../../../aws/efs-writer.ts';
import { BuildResourceKeys as Keys } from '../../../domain/build-plan.ts';
import { BuildBlockedError, BuildStepError } from '../build-errors.ts';
import type { BuildSession, BuildStepDeps } from '../build-session.ts';

/**
 * Step `create-file-system`: the encrypted twin, made with the CreationToken derived from the
 * migration, so a second attempt finds the first one's file system instead of making another.
 * Returns the twin's ID; recorded (with its DeleteFileSystem undo) before it is announced.
 */
export async function createFileSystem(deps: BuildStepDeps, s: BuildSession): Promise<string> {
  const known = s.record().resources[Keys.targetFileSystemId];
  if (known) return known;
  let id: string | undefined;
  let arn: string | undefined;
  let requestId: string | undefined;
  let adopted = false;
  try {
    const out = await deps.writer.createFileSystem(s.plan.createFileSystem);
    id = out.FileSystemId;
    arn = out.FileSystemArn;
    requestId = out.$metadata.requestId;
  } catch (e) {
    id = await adoptedFileSystemId(deps, s, e);
    adopted = true;
  }
  if (!id) throw new BuildBlockedError('create-file-system', 'CreateFileSystem returned no FileSystemId.');
  const source = s.record().fileSystemId;
  await s.persist(
    'create-file-system',
    { [Keys.targetFileSystemId]: id, ...(arn ? { [Keys.targetFileSystemArn]: arn } : {}) },
    adopted
      ? `Adopted encrypted file system ${id} for ${source}: it already existed with this migration's creation token`
      : `Created encrypted file system ${id} for ${source}`,
    {
      awsRequestIds: requestId ? [requestId] : [],
      compensations: [s.undo('DeleteFileSystem', id, `encrypted twin of ${source}`)],
    },
  );
  return id;
}

/**
 * Same CreationToken: an earlier attempt made it (a crash before it was recorded), so its ID is
 * adopted. Any other failure of CreateFileSystem is rethrown as the step's error.
 */
async function adoptedFileSystemId(deps: BuildStepDeps, s: BuildSession, e: unknown): Promise<string> {
  if (awsErrorCode(e) !== 'FileSystemAlreadyExists')
    throw new BuildStepError('create-file-system', 'CreateFileSystem', e);
  // The model requires FileSystemId on the error; an endpoint that leaves it out (moto 5.2)
  // still lets us find the file system by its creation token.
  const id =
    existingFileSystemId(e) ??
    (
      await s.call('DescribeFileSystems', () =>
        deps.writer.findByCreationToken(s.plan.createFileSystem.CreationToken),
      )
    ).FileSystems?.[0]?.FileSystemId;
  if (!id) throw new BuildStepError('create-file-system', 'CreateFileSystem', e);
  return id;
}

/** Step `wait-file-system`: polls until the twin is `available` (recording its ARN), or blocks on any other end state. */
export async function waitFileSystem(deps: BuildStepDeps, s: BuildSession, twinId: string): Promise<void> {
  const started = s.clock.now().getTime();
  for (;;) {
    const fs = await s.call('DescribeFileSystems', () => deps.writer.describeFileSystem(twinId));
    if (!fs)
      throw new BuildBlockedError(
        'wait-file-system',
        `The twin ${twinId} no longer exists; it was deleted outside the bot. Clear it from the record before retrying.`,
        'FileSystemNotFound',
      );
    if (fs.LifeCycleState === 'available') {
      const arn = fs.FileSystemArn ?? s.record().resources[Keys.targetFileSystemArn];
      await s.persist(
        'wait-file-system',
        arn ? { [Keys.targetFileSystemArn]: arn } : {},
        `File system ${twinId} is available`,
      );
      return;
    }
    if (fs.LifeCycleState !== 'creating' && fs.LifeCycleState !== 'updating')
      throw new BuildBlockedError(
        'wait-file-system',
        `The twin ${twinId} is ${fs.LifeCycleState}, not available.`,
        'FileSystemNotAvailable',
      );
    await s.waitOrGiveUp(started, `file system ${twinId} to become available`);
  }
}
