import { EfsEncryptError, ErrorCode } from './errors.ts';
import type { ConsumerKind } from './consumers.ts';
import type { CutoverCall } from './cutover-calls.ts';
import { ReasonRequiredError } from './cutover-approval.ts';

/**
 * The saga record of one consumer's change (DESIGN.md: "Cutover changes are recorded with their
 * inverse before they are made"). The record is written `planned` with its inverse before the first
 * call, and every status change is a conditional write on its version, so a resumed or duplicated
 * apply can never make a call twice.
 */
export const ChangeStatuses = [
  'planned',
  'applying',
  'applied',
  'verified',
  'failed',
  'rolled_back',
] as const;
export type ChangeStatus = (typeof ChangeStatuses)[number];

export const ChangeTransitions: Readonly<Record<ChangeStatus, readonly ChangeStatus[]>> = {
  planned: ['applying'],
  // A crash mid-apply leaves `applying`: the job resumes it, or it fails and is rolled back.
  applying: ['applied', 'failed', 'rolled_back'],
  // Applied but not yet watched to the end (deployment COMPLETED, LastUpdateStatus Successful).
  applied: ['verified', 'failed', 'rolled_back'],
  verified: ['rolled_back'],
  failed: ['rolled_back'],
  // A new cutover after a rollback is a new plan with new records.
  rolled_back: [],
};

export interface ChangeRecord {
  migrationId: string;
  app: string;
  consumerId: string;
  kind: ConsumerKind;
  name: string;
  /** The plan the change belongs to. */
  planDigest: string;
  status: ChangeStatus;
  /** 1 when planned, +1 on every write; every write is conditional on it. */
  version: number;
  calls: CutoverCall[];
  /** Recorded with the plan, before any call: how to undo it. */
  inverse: CutoverCall[];
  /** Placeholder values filled by the calls made so far (e.g. the registered revision ARN). */
  outputs: Record<string, string>;
  /** How many calls have completed, so a resumed apply continues after the last one. */
  callsDone: number;
  lastError?: { code: string; message: string; at: string };
  awsRequestIds: string[];
  updatedAt: string;
  updatedBy: string;
}

export class InvalidChangeTransitionError extends EfsEncryptError {
  constructor(
    readonly consumerId: string,
    readonly from: ChangeStatus,
    readonly to: ChangeStatus,
  ) {
    const allowed = ChangeTransitions[from];
    super(
      ErrorCode.InvalidChangeTransition,
      `The change to ${consumerId} cannot move from ${from} to ${to}: ${allowed.length ? `from ${from} it can only move to ${allowed.join(', ')}` : `${from} is final`}.`,
    );
  }
}

export function checkChangeTransition(consumerId: string, from: ChangeStatus, to: ChangeStatus): void {
  if (!ChangeTransitions[from].includes(to)) throw new InvalidChangeTransitionError(consumerId, from, to);
}

/** An admin's decision that a consumer need not be cut over (it is retired, it moves by hand). */
export interface ConsumerWaiver {
  migrationId: string;
  consumerId: string;
  waivedBy: string;
  reason: string;
  at: string;
}

export function waive(input: Omit<ConsumerWaiver, 'reason'> & { reason: string }): ConsumerWaiver {
  const reason = input.reason.trim();
  if (!reason) throw new ReasonRequiredError(`Waiving the cutover of ${input.consumerId}`);
  return { ...input, reason };
}

/**
 * The consumers found that are neither cut over (change `verified`) nor waived: the migration may
 * be `cut_over` only when this is empty (MigrationFacts.consumersRemaining).
 */
export function consumersRemaining(
  consumerIds: string[],
  changes: Pick<ChangeRecord, 'consumerId' | 'status'>[],
  waivers: Pick<ConsumerWaiver, 'consumerId'>[],
): string[] {
  const done = new Set([
    ...changes.filter((c) => c.status === 'verified').map((c) => c.consumerId),
    ...waivers.map((w) => w.consumerId),
  ]);
  return [...new Set(consumerIds)].filter((id) => !done.has(id));
}
