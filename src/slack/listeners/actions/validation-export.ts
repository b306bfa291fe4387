import { backgroundButton } from '../../background-button.ts';
import { parseReportId } from '../../payload-ids.ts';
import { exportValidationReport } from '../../validation-export.ts';
import type { ListenerDeps } from '../deps.ts';

/** Export CSV + JSON + Markdown on a validation report: the three files in the report's thread. */
export function validationExportAction(deps: ListenerDeps) {
  // Keyed apart from the scan's Export (same title): the registry finds button work by key.
  return backgroundButton(
    deps,
    'Export',
    async ({ target, value }) => {
      await exportValidationReport(deps, target, parseReportId(value));
    },
    'Export validation report',
  );
}
