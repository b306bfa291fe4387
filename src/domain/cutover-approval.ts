import { EfsEncryptError, ErrorCode, UnauthorizedError } from './errors.ts';
import type { ApplicationCutoverPlan } from './cutover-plan.ts';

/**
 * Approval of a cutover is evidence (DESIGN.md "Evidence"): it names the migration, the source and
 * twin file systems, the application, the person, the time and the sha256 digest of the plan they
 * reviewed. An approval is checked against the plan about to be applied, field by field, so an
 * approval of an older plan, another application or another migration cannot be replayed.
 */

/** A Slack user ID (`U…`/`W…`) or `cli:<name>` for whoever ran the CLI with `--approved-by`. */
export type Approver = string;

/** Why the approver was allowed: the application's owner, an admin, or the CLI operator. */
export type ApproverRole = 'owner' | 'admin' | 'cli';

/** What an approval and a rejection are bound to. */
export interface ApprovalSubject {
  migrationId: string;
  sourceFileSystemId: string;
  targetFileSystemId: string;
  app: string;
  /** The reviewed plan's digest (ApplicationCutoverPlan.digest). */
  planDigest: string;
  /** The reviewed plan's revision, for a person reading the record. */
  planRevision: number;
}

export interface CutoverApproval extends ApprovalSubject {
  decision: 'approved';
  approver: Approver;
  role: ApproverRole;
  at: string;
}

export interface CutoverRejection extends ApprovalSubject {
  decision: 'rejected';
  approver: Approver;
  role: ApproverRole;
  at: string;
  reason: string;
}

export type CutoverVerdict = CutoverApproval | CutoverRejection;

export function subjectOf(plan: ApplicationCutoverPlan): ApprovalSubject {
  return {
    migrationId: plan.migrationId,
    sourceFileSystemId: plan.sourceFileSystemId,
    targetFileSystemId: plan.targetFileSystemId,
    app: plan.app,
    planDigest: plan.digest,
    planRevision: plan.revision,
  };
}

const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;
const CLI_USER = /^cli:\S.*$/;

export function isApprover(value: string): boolean {
  return SLACK_USER.test(value) || CLI_USER.test(value);
}

/**
 * Who may approve (DESIGN.md safety rule 5): the application's owner once resolved to a Slack user
 * ID, or an admin; an unresolvable owner leaves it to the admins. A CLI approver (`cli:<name>`)
 * already holds the AWS credentials the change is made with, so it is allowed and recorded as such.
 * Refusals name who may approve.
 */
export function approverRole(input: {
  approver: Approver;
  app: string;
  /** The owner's Slack user ID, when the `owner` tag resolved to one. */
  ownerUserId?: string;
  /** Whether the approver is an admin (user or member of an admin group), resolved by the caller. */
  isAdmin: boolean;
}): ApproverRole {
  const { approver, app, ownerUserId } = input;
  if (!isApprover(approver))
    throw new UnauthorizedError(
      `${approver || 'An empty name'} is not a Slack user ID or cli:<name>, so it cannot approve the cutover of ${app}.`,
    );
  if (CLI_USER.test(approver)) return 'cli';
  if (ownerUserId && approver === ownerUserId) return 'owner';
  if (input.isAdmin) return 'admin';
  throw new UnauthorizedError(
    ownerUserId
      ? `Only the owner of ${app} (<@${ownerUserId}>) or an admin can approve or reject its cutover.`
      : `The owner of ${app} could not be resolved to a Slack user, so only an admin can approve or reject its cutover.`,
  );
}

export class ReasonRequiredError extends EfsEncryptError {
  constructor(what: string) {
    super(ErrorCode.ReasonRequired, `${what} needs a reason: say why, so the owner and the audit log know.`);
  }
}

export function approve(
  subject: ApprovalSubject,
  approver: Approver,
  role: ApproverRole,
  at: string,
): CutoverApproval {
  return { ...subject, decision: 'approved', approver, role, at };
}

export function reject(
  subject: ApprovalSubject,
  approver: Approver,
  role: ApproverRole,
  at: string,
  reason: string,
): CutoverRejection {
  const trimmed = reason.trim();
  if (!trimmed) throw new ReasonRequiredError(`Rejecting the cutover of ${subject.app}`);
  return { ...subject, decision: 'rejected', approver, role, at, reason: trimmed };
}

/** The approval does not prove consent to this plan; `mismatches` names each field that differs. */
export class ApprovalMismatchError extends EfsEncryptError {
  constructor(
    readonly app: string,
    readonly mismatches: string[],
  ) {
    super(
      ErrorCode.ApprovalMismatch,
      `The approval does not cover this cutover of ${app} (${mismatches.join('; ')}). Review the cutover again and ask for a new approval.`,
    );
  }
}

/** Throws unless `verdict` approves exactly this plan of this application of this migration. */
export function checkApprovalCovers(
  verdict: CutoverVerdict | undefined,
  plan: ApplicationCutoverPlan,
): CutoverApproval {
  if (!verdict) throw new ApprovalMismatchError(plan.app, ['no approval is recorded']);
  const expected = subjectOf(plan);
  const mismatches: string[] = [];
  if (verdict.decision !== 'approved')
    mismatches.push(`it was rejected by ${verdict.approver}: ${verdict.reason}`);
  for (const key of ['migrationId', 'sourceFileSystemId', 'targetFileSystemId', 'app', 'planDigest'] as const)
    if (verdict[key] !== expected[key])
      mismatches.push(`${key} is ${verdict[key]}, the plan has ${expected[key]}`);
  if (mismatches.length) throw new ApprovalMismatchError(plan.app, mismatches);
  return verdict as CutoverApproval;
}

/**
 * Phased cutover: the admin chooses the order of the applications; one is cut over at a time, and
 * each is approved on its own. An application may start when every application before it is done
 * and none is in progress.
 */
export interface CutoverOrder {
  apps: string[];
  chosenBy: string;
  chosenAt: string;
}

export type ApplicationCutoverStatus =
  'planned' | 'approved' | 'rejected' | 'applying' | 'cut_over' | 'failed' | 'rolled_back';

const DONE: ApplicationCutoverStatus[] = ['cut_over'];
const IN_PROGRESS: ApplicationCutoverStatus[] = ['applying', 'failed'];

export class CutoverOutOfOrderError extends EfsEncryptError {
  constructor(message: string) {
    super(ErrorCode.CutoverOutOfOrder, message);
  }
}

/** Checks an order an admin chose: every application of the migration exactly once. */
export function checkCutoverOrder(order: string[], apps: string[]): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const app of order) {
    if (seen.has(app)) problems.push(`${app} is listed twice`);
    seen.add(app);
    if (!apps.includes(app)) problems.push(`${app} is not an application of this migration`);
  }
  for (const app of apps) if (!seen.has(app)) problems.push(`${app} is missing`);
  if (problems.length)
    throw new CutoverOutOfOrderError(
      `The cutover order must name each application once (${apps.join(', ')}): ${problems.join('; ')}.`,
    );
}

/** Throws unless `app` may start its cutover now, naming what must happen first. */
export function checkMayStart(
  app: string,
  order: CutoverOrder,
  statuses: Record<string, ApplicationCutoverStatus | undefined>,
): void {
  const position = order.apps.indexOf(app);
  if (position < 0)
    throw new CutoverOutOfOrderError(
      `${app} is not in the cutover order ${order.apps.join(' → ')} chosen by ${order.chosenBy}. Ask an admin to add it.`,
    );
  const busy = order.apps.find((a) => a !== app && IN_PROGRESS.includes(statuses[a] ?? 'planned'));
  if (busy)
    throw new CutoverOutOfOrderError(
      `${busy} is being cut over (${statuses[busy]}); one application at a time. Finish or roll it back first.`,
    );
  const waiting = order.apps.slice(0, position).filter((a) => !DONE.includes(statuses[a] ?? 'planned'));
  if (waiting.length)
    throw new CutoverOutOfOrderError(
      `${app} comes after ${waiting.join(', ')} in the cutover order ${order.apps.join(' → ')}; cut ${waiting.length > 1 ? 'those' : 'that'} over first.`,
    );
}

/** The next application to cut over, or undefined when all are done. */
export function nextApplication(
  order: CutoverOrder,
  statuses: Record<string, ApplicationCutoverStatus | undefined>,
): string | undefined {
  return order.apps.find((a) => !DONE.includes(statuses[a] ?? 'planned'));
}
