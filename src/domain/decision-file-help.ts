import { MIGRATION_METHODS, TEXT_LIMITS } from './decision.ts';

/**
 * The decision file's format as `efs-encrypt plan --help` explains it. Plain text of the domain's
 * own limits, so that `--help` can show it without loading the decide workflow.
 */
export const DECISION_FILE_HELP = `Decision file: JSON or YAML (by extension: .json, .yaml or .yml), either a list of
choices or { scanId, decisions: [choices] }. Each choice:
  fileSystemId  fs-… (required)
  scope         in_scope | excluded (required)
  reason        why it is excluded (required when excluded; at most ${TEXT_LIMITS.exclusionReason} characters)
  targetKey     key ID, key ARN, alias name or alias ARN of the file system's account and
                region (required when in scope)
  method        ${MIGRATION_METHODS.join(' | ')} (required when in scope)
  constraints   optional { maintenanceWindow, expectedChangeRate, notes } (text), and
                bandwidthLimit (DataSync only: 50 MiB/s; KiB/s, MiB/s, GiB/s or B/s)
  accountId     only when the ID is in several accounts or regions; 12 digits, quoted in
  region        YAML ("012345678901": unquoted, YAML reads a number and drops a leading zero)
scanId (optional): decide only among that scan's file systems (default: each account and
region as its newest scan saw it).

Example (YAML):
  decisions:
    - fileSystemId: fs-6348770f841676415
      scope: in_scope
      targetKey: alias/payments-eu-efs
      method: datasync
      constraints: { maintenanceWindow: "Sat 02:00-06:00 UTC" }
    - fileSystemId: fs-ee540fca6f618a444
      accountId: "345678901234"
      region: ap-southeast-2
      scope: excluded
      reason: staging copy, deleted after the cutover

Every problem is reported with its path (decisions[1].reason: an exclusion needs a reason),
and nothing is stored unless every choice is valid.`;
