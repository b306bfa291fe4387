/**
 * One run per work message (the Lambda worker's deduplication). Lambda may deliver an
 * asynchronous invocation more than once, and retries it twice when it fails; each message carries
 * its interaction's correlation ID, so a claim on (kind, correlation ID) in the store lets exactly
 * one delivery run it, whichever sandbox receives it.
 *
 * A claim is `running` (with a lease: the attempt's deadline) until it is `done` or `failed`.
 * `visible` is set, and persisted, before the attempt's first Slack write: an attempt that fails
 * before it is released, so Lambda's retry runs the work again; one that fails after stays
 * `failed`, so no retry posts a second root message or answer.
 */
export type WorkClaimStatus = 'running' | 'done' | 'failed';

export interface WorkClaimRecord {
  status: WorkClaimStatus;
  /** The attempt holding (or that last held) the claim. */
  attempt: string;
  /** Until when a `running` attempt counts as alive (its invocation's deadline). */
  leaseUntil: string;
  /** The attempt wrote to Slack (a post, an update, an answer): running it again would repeat that. */
  visible: boolean;
  at: string;
}

export interface WorkClaimKey {
  kind: string;
  correlationId: string;
}

export interface WorkClaims {
  /**
   * Takes the claim for `attempt`: when none exists, or the holder is `running` past its lease
   * having written nothing to Slack (a sandbox killed before any visible step). Otherwise returns
   * the claim as it stands.
   */
  claim(
    key: WorkClaimKey,
    attempt: { attempt: string; actor: string; leaseUntil: Date },
  ): Promise<{ claimed: true } | { claimed: false; current: WorkClaimRecord | undefined }>;
  /** Records that `attempt` is about to write to Slack (before the write). */
  markVisible(key: WorkClaimKey, attempt: string): Promise<void>;
  /** `done` or `failed`, by the attempt that holds the claim. */
  finish(key: WorkClaimKey, attempt: string, status: 'done' | 'failed', error?: string): Promise<void>;
  /** Gives the claim up (a failure before anything visible): the next delivery runs the work. */
  release(key: WorkClaimKey, attempt: string): Promise<void>;
}

/** Kept a week (TTL): Lambda's retries come within hours (6 h is the longest event age). */
export const WORK_CLAIM_TTL_SECONDS = 7 * 24 * 60 * 60;
