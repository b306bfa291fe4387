import { validationSummaryMessage } from '#blocks/validation-report.ts';
import { BadInputError } from '../../../domain/errors.ts';
import { backgroundButton } from '../../background-button.ts';
import { parseReportId } from '../../payload-ids.ts';
import { exportValidationReport } from '../../validation-export.ts';
import type { ListenerDeps } from '../deps.ts';

/**
 * Full report on a digest: the validation report the digest was built with (stored, so what the
 * digest's verdict line summarised), its verdict and lists in the digest's thread, then the three
 * export files with their SHA-256, as `/efs-encrypt validate`'s Export does. Open to everyone.
 */
export function digestFullReportAction(deps: ListenerDeps) {
  return backgroundButton(deps, 'Full report', async ({ target, value }) => {
    await deps.authorizer.authorize(target.userId, 'report');
    const validate = deps.services.validate;
    if (!validate) throw new BadInputError('Validation reports are not available in this deployment.');
    const report = await validate.get(parseReportId(value));
    await target.client.chat.postMessage({
      channel: target.channel,
      thread_ts: target.threadTs,
      ...validationSummaryMessage(report),
    });
    await exportValidationReport(deps, target, report.reportId);
  });
}
