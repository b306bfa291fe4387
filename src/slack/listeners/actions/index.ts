import type { App } from '@slack/bolt';
import { onButtons } from './on-buttons.ts';
import { PLAN_OPEN_ACTION_ID } from '#blocks/plan-modal.ts';
import { SCAN_EXPORT_ACTION_ID } from '#blocks/scan-summary.ts';
import { CONSUMERS_FIND_ACTION_ID } from '#blocks/consumers.ts';
import { VALIDATION_EXPORT_ACTION_ID } from '#blocks/validation-report.ts';
import { DIGEST_FULL_REPORT_ACTION_ID, DIGEST_PLAN_ACTION_ID } from '#blocks/digest.ts';
import { digestFullReportAction } from './digest-full-report.ts';
import { digestPlanOpenAction } from './digest-plan-open.ts';
import { SIGN_OFF_CONCERNS_ACTION_ID, SIGN_OFF_OK_ACTION_ID } from '#blocks/sign-off.ts';
import { signOffConcernsAction, signOffOkAction } from './sign-off.ts';
import type { ListenerDeps } from '../deps.ts';
import { registerBuildActions } from './build-register.ts';
import { registerCopyActions } from './copy-register.ts';
import { consumersFindAction } from './consumers-find.ts';
import { registerCutoverActions } from './cutover-register.ts';
import { registerDecommissionActions } from './decommission-register.ts';
import { planOpenAction } from './plan-open.ts';
import { scanExportAction } from './scan-export.ts';
import { validationExportAction } from './validation-export.ts';

/** Block actions (buttons, selects), one file per listener; the migration issues add them here. */
export function registerActions(app: App, deps: ListenerDeps): void {
  onButtons(app, {
    [PLAN_OPEN_ACTION_ID]: planOpenAction(deps),
    [SCAN_EXPORT_ACTION_ID]: scanExportAction(deps),
    [VALIDATION_EXPORT_ACTION_ID]: validationExportAction(deps),
    [DIGEST_FULL_REPORT_ACTION_ID]: digestFullReportAction(deps),
    [DIGEST_PLAN_ACTION_ID]: digestPlanOpenAction(deps),
    [SIGN_OFF_OK_ACTION_ID]: signOffOkAction(deps),
    [SIGN_OFF_CONCERNS_ACTION_ID]: signOffConcernsAction(deps),
    [CONSUMERS_FIND_ACTION_ID]: consumersFindAction(deps),
  });
  registerCopyActions(app, deps);
  registerBuildActions(app, deps);
  registerCutoverActions(app, deps);
  registerDecommissionActions(app, deps);
}
