import { BadInputError } from './errors.ts';

/** A subset of the configured accounts and regions for one scan; empty lists mean "all". */
export interface ScanScope {
  accounts: string[];
  regions: string[];
}

/**
 * Account/region pairs a scan reads at once by default: all of them, up to this many. AWS's rate
 * limits are per account, region and operation, so pairs do not compete for them: running them all
 * at once costs no throttling, and a scan takes as long as its slowest pair instead of the sum of
 * waves of pairs. What a pair in flight does cost is memory (its file systems' records and pending
 * calls) and sockets: about 8 operations paced at 10 calls/s each, so with AWS's typical 20–100 ms
 * answers a pair keeps 2–8 calls in flight, and 128 pairs stay around 1,000 sockets, within the
 * 1,024 open files many systems allow a process by default. Beyond 128, pairs wait their turn.
 */
export const MAX_SCAN_PAIRS_AT_ONCE = 128;

const ACCOUNT_ID = /^\d{12}$/;
/** AWS region names: `eu-west-1`, `us-gov-west-1`, `ap-southeast-5`, `cn-north-1`. */
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/**
 * Reads account IDs and region names, in any order, separated by spaces or commas, as typed after
 * `/efs-encrypt scan` or given to `efs-encrypt scan --account/--region`. Anything else is refused
 * with what was expected, so a typo never silently widens the scan to everything.
 */
export function parseScanScope(tokens: string[]): ScanScope {
  const accounts: string[] = [];
  const regions: string[] = [];
  const unknown: string[] = [];
  for (const token of tokens
    .flatMap((t) => t.split(','))
    .map((t) => t.trim())
    .filter(Boolean)) {
    const lower = token.toLowerCase();
    if (ACCOUNT_ID.test(token)) accounts.push(token);
    else if (REGION_NAME.test(lower)) regions.push(lower);
    else unknown.push(token);
  }
  if (unknown.length)
    throw new BadInputError(
      `${echoTokens(unknown)} ${unknown.length === 1 ? 'is' : 'are'} neither an AWS account ID ` +
        '(12 digits) nor a region name (like eu-west-1). Name accounts and regions to scan only those, or nothing to scan all.',
    );
  return { accounts: [...new Set(accounts)], regions: [...new Set(regions)] };
}

/** At most five of what was typed, each cut to 40 characters: a refusal never echoes a megabyte back. */
function echoTokens(tokens: string[]): string {
  const shown = tokens
    .slice(0, 5)
    .map((t) => `\`${t.length > 40 ? `${t.slice(0, 39).replace(/[\uD800-\uDBFF]$/, '')}…` : t}\``);
  const more = tokens.length > 5 ? ` and ${tokens.length - 5} more` : '';
  return `${shown.join(', ')}${more}`;
}

/** "111122223333 in eu-west-1, us-east-1": how a scope reads in messages; empty for a full scan. */
export function describeScanScope(scope: Partial<ScanScope>): string {
  const accounts = scope.accounts ?? [];
  const regions = scope.regions ?? [];
  if (!accounts.length && !regions.length) return '';
  const a = accounts.length ? accounts.join(', ') : 'every configured account';
  const r = regions.length ? regions.join(', ') : 'every configured region';
  return `${a} in ${r}`;
}

/**
 * Scans of fewer account/region pairs stay on the main thread: starting workers (loading the SDK
 * in each, about half a second) costs more than it saves there. A rule of the domain, not of the
 * scan workflow alone: the settings' help text states it too.
 */
export const MIN_PAIRS_FOR_WORKERS = 16;
