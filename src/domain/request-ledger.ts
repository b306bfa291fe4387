/**
 * Requests already handled, so a redelivered one does its work once (DESIGN.md safety rule 4).
 * Slack redelivers a slash command or an interaction whose first response was late, with
 * `x-slack-retry-num`; with several replicas the redelivery may reach another process, so the
 * record lives in the store (a conditional write), never in memory.
 */
export interface RequestLedger {
  /**
   * Records `fingerprint` (a stable digest of the request) as handled; true for the first claim,
   * false when it was already claimed (a redelivery).
   */
  claim(fingerprint: string, detail: { kind: string; actor: string }): Promise<boolean>;
}

/** How long a claim is kept: Slack retries within about a minute; a day covers any clock skew. */
export const REQUEST_CLAIM_TTL_SECONDS = 24 * 60 * 60;
