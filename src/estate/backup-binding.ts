/**
 * AWS Backup on the estate's server (signing name `backup`): REST-JSON routes with the method and
 * URI of each operation in aws-models/backup, bound to the handlers.
 */
import { BackupService, backupErrorBody, backupErrors } from './model/backup-service.ts';
import type { EstateModel } from './model/estate-model.ts';
import { RestJsonCodec, type RestRoute } from './protocols/rest-json.ts';
import type { ServiceBinding } from './services.ts';

const BACKUP_ROUTES: RestRoute[] = [
  { method: 'PUT', uri: '/backup-jobs', operation: 'StartBackupJob' },
  { method: 'GET', uri: '/backup-jobs/{BackupJobId}', operation: 'DescribeBackupJob' },
];

export function backupBinding(model: EstateModel): ServiceBinding {
  const service = new BackupService(model);
  return {
    name: 'backup',
    codec: new RestJsonCodec(BACKUP_ROUTES, backupErrorBody),
    operations: {
      StartBackupJob: service.startBackupJob.bind(service),
      DescribeBackupJob: service.describeBackupJob.bind(service),
    },
    throttling: backupErrors.throttling,
    unknownOperation: (op) => backupErrors.invalid(`The estate does not implement Backup ${op} yet.`),
    internalError: (message) => backupErrors.internal(message),
  };
}
