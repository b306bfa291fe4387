import { EXPORT_FORMATS, reportExport } from '../domain/validation-export.ts';
import { BadInputError } from '../domain/errors.ts';
import type { ExportTarget } from './scan-export.ts';
import type { ListenerDeps } from './listeners/deps.ts';

/**
 * Export on a validation report: the stored report as three files (CSV, JSON, Markdown) in the
 * report message's thread, each with the SHA-256 recorded in the stored report, so whoever
 * downloads a copy can check it. Reads the store only; open to everyone, as the report is.
 */
export async function exportValidationReport(
  deps: Pick<ListenerDeps, 'services' | 'authorizer' | 'logger'>,
  target: ExportTarget,
  reportId: string,
): Promise<string[]> {
  await deps.authorizer.authorize(target.userId, 'report');
  const validate = deps.services.validate;
  if (!validate) throw new BadInputError('Validation reports are not available in this deployment.');
  const report = await validate.get(reportId);
  const files = EXPORT_FORMATS.map((format) => reportExport(report, format));
  const recorded = files.map((f) => `${f.filename}: sha256 \`${report.exports[f.format].sha256}\``);
  await target.client.filesUploadV2({
    channel_id: target.channel,
    ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
    initial_comment:
      `<@${target.userId}> exported validation report \`${report.reportId}\` (${report.generatedAt}): ` +
      `${report.verdict.goalMet ? 'goal met' : 'goal not met'}. SHA-256 recorded with the report:\n${recorded.join('\n')}`,
    file_uploads: files.map((f) => ({
      filename: f.filename,
      title: `Validation report ${report.reportId} (${f.format.toUpperCase()})`,
      content: f.content,
    })),
  });
  deps.logger.info(
    { correlationId: target.correlationId, userId: target.userId, reportId: report.reportId },
    'validation report exported',
  );
  return files.map((f) => f.filename);
}
