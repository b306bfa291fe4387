import { summariseAwsError } from '../../../aws/aws-errors.ts';
import { BuildStepError } from '../build-errors.ts';
import { requestIds, type BuildSession, type BuildStepDeps } from '../build-session.ts';

/**
 * Step `backup-policy`: the source's backup status on the twin. When it could not be read, or
 * the endpoint has no PutBackupPolicy, the twin keeps AWS's default and the record says so
 * (not copied) rather than failing the build.
 */
export async function putBackupPolicy(deps: BuildStepDeps, s: BuildSession, twinId: string): Promise<void> {
  const status = s.plan.backupStatus;
  if (!status) {
    await s.notCopied(
      'backup-policy',
      'backupPolicy',
      'the source backup policy could not be read during the scan; the AWS default applies',
    );
    return;
  }
  let out: Awaited<ReturnType<BuildStepDeps['writer']['putBackupPolicy']>>;
  try {
    out = await deps.writer.putBackupPolicy({ FileSystemId: twinId, BackupPolicy: { Status: status } });
  } catch (e) {
    if (!isUnsupportedCall(e)) throw new BuildStepError('backup-policy', 'PutBackupPolicy', e);
    await s.notCopied(
      'backup-policy',
      'backupPolicy',
      `PutBackupPolicy is not supported by this endpoint (${summariseAwsError(e).code}); set backups to ${status} by hand`,
    );
    return;
  }
  // Outside the try: a failed save (a lost lease, a newer version) is the store's error and must stop
  // this runner as such, not be reported as a PutBackupPolicy failure that moves the migration to failed.
  await s.persist('backup-policy', {}, `Backup policy ${status} set on ${twinId}`, {
    awsRequestIds: requestIds(out),
  });
}

/** Codes an endpoint gives for a call it does not implement (moto has no backup policy calls). */
const UNSUPPORTED_CODES = new Set([
  'NotImplemented',
  'NotImplementedError',
  'UnknownOperationException',
  'InvalidAction',
  'UnsupportedOperation',
]);

/**
 * Whether the endpoint does not implement the call at all. AWS always answers EFS calls with a
 * modelled JSON error; an emulator without the route answers 404/501, or an HTML page the SDK
 * cannot parse (moto 5.2 on PutBackupPolicy: HTTP 500, SyntaxError). Never true for a modelled error.
 */
function isUnsupportedCall(e: unknown): boolean {
  const s = summariseAwsError(e);
  if (UNSUPPORTED_CODES.has(s.code) || s.httpStatusCode === 501) return true;
  if (s.code === 'SyntaxError' && /not valid JSON|Deserialization error/i.test(s.message)) return true;
  return s.httpStatusCode === 404 && !/NotFound$/.test(s.code);
}
