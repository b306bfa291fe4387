/**
 * EFS access point writes. CreateAccessPoint reference: ClientToken "Amazon EFS uses to ensure
 * idempotent creation"; AccessPointAlreadyExists is "returned if the access point … already
 * exists, with the creation token you provided", carrying its AccessPointId; "a file system can
 * have a maximum of 10,000 access points" (AccessPointLimitExceeded); the file system must be
 * `available` (IncorrectFileSystemLifeCycleState). Access points cannot be modified, only deleted.
 */
import type {
  AccessPointDescription,
  CreateAccessPointRequest,
  DeleteAccessPointRequest,
} from '@aws-sdk/client-efs';
import { arn, stableHex } from '../ids.ts';
import type { EstateAccessPoint } from '../types.ts';
import { checkTags, efsWriteErrors, EfsStore } from './efs-store.ts';
import type { CallContext, EstateModel } from './estate-model.ts';

/** The Path pattern of the EFS model: `/` or up to four subdirectories. */
const ROOT_PATH = /^(\/|(\/(?!\.)+[^$#<>;`|&?{}^*/\n]+){1,4})$/;

export class EfsAccessPointWrites {
  private readonly store: EfsStore;
  private created = 0;

  constructor(private readonly model: EstateModel) {
    this.store = new EfsStore(model);
  }

  createAccessPoint(ctx: CallContext, input: CreateAccessPointRequest): AccessPointDescription {
    const token = input.ClientToken ?? '';
    if (token.length < 1 || token.length > 64)
      throw efsWriteErrors.badRequest('ClientToken must be 1 to 64 characters.');
    const fs = this.store.fileSystem(ctx, input.FileSystemId);
    const existing = fs.AccessPoints.find((a) => a.ClientToken === token);
    if (existing) throw efsWriteErrors.accessPointAlreadyExists(existing.AccessPointId, token);
    this.store.requireAvailable(fs);
    const limit = this.model.limits.accessPointsPerFileSystem;
    if (fs.AccessPoints.length >= limit)
      throw efsWriteErrors.accessPointLimitExceeded(fs.FileSystemId, limit);
    const Tags = checkTags(input.Tags);
    const root = input.RootDirectory;
    if (root?.Path !== undefined && !ROOT_PATH.test(root.Path))
      throw efsWriteErrors.badRequest(
        `RootDirectory.Path '${root.Path}' must be / or an absolute path of at most four directories.`,
      );
    const info = root?.CreationInfo;
    // "When specifying the CreationInfo, you must provide values for all properties."
    if (
      info &&
      (info.OwnerUid === undefined ||
        info.OwnerGid === undefined ||
        !/^[0-7]{3,4}$/.test(info.Permissions ?? ''))
    )
      throw efsWriteErrors.badRequest(
        'CreationInfo needs OwnerUid, OwnerGid and octal Permissions (e.g. 0755).',
      );
    const user = input.PosixUser;
    if (user && (user.Uid === undefined || user.Gid === undefined))
      throw efsWriteErrors.badRequest('PosixUser needs Uid and Gid.');
    const AccessPointId = `fsap-${stableHex(`${fs.FileSystemArn}/${token}/${this.created++}`, 17)}`;
    const name = Tags.find((t) => t.Key === 'Name')?.Value;
    const ap: EstateAccessPoint = {
      ClientToken: token,
      ...(name !== undefined ? { Name: name } : {}),
      Tags,
      AccessPointId,
      AccessPointArn: arn.accessPoint(ctx.region, fs.OwnerId, AccessPointId),
      FileSystemId: fs.FileSystemId,
      ...(user
        ? {
            PosixUser: { ...user, ...(user.SecondaryGids ? { SecondaryGids: [...user.SecondaryGids] } : {}) },
          }
        : {}),
      RootDirectory: {
        Path: root?.Path ?? '/',
        ...(info ? { CreationInfo: { ...info } } : {}),
      },
      OwnerId: fs.OwnerId,
      LifeCycleState: 'creating',
    };
    fs.AccessPoints.push(ap);
    this.model.timeline.at(this.model.now().getTime() + this.model.timing.accessPointCreateMs, () => {
      if (ap.LifeCycleState === 'creating') ap.LifeCycleState = 'available';
    });
    return { ...ap } satisfies AccessPointDescription;
  }

  deleteAccessPoint(ctx: CallContext, input: DeleteAccessPointRequest): void {
    const { fs, ap } = this.store.accessPoint(ctx, input.AccessPointId);
    fs.AccessPoints = fs.AccessPoints.filter((a) => a !== ap);
  }
}
