import {
  paginateListAccounts,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  type Account,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { summariseAwsError } from './aws-errors.ts';

/**
 * The accounts of an AWS Organization, for `EFS_ENCRYPT_ACCOUNTS=organization`: listed with the
 * bot's own credentials (the management account or a delegated administrator), so a team with
 * hundreds of accounts keeps no hand list. Nothing here is fatal: an account that is not ACTIVE and
 * a listing that fails come back as skipped entries, which the scan reports as failures.
 */

/** Where the accounts come from: the whole organisation, or the accounts directly under some OUs. */
export interface OrganizationScope {
  /**
   * Root (r-…) or OU (ou-…-…) IDs, each with every OU below it; empty: every account of the
   * organisation (ListAccounts).
   */
  parents: string[];
}

/** An account (or an OU, or the organisation) the listing could not hand on for scanning, and why. */
export interface SkippedAccount {
  accountId: string;
  operation: string;
  code: string;
  message: string;
}

export interface OrganizationAccounts {
  /** ACTIVE accounts, not excluded, in listing order, each once. */
  accounts: string[];
  skipped: SkippedAccount[];
}

/** The model's MaxResults maximum for both listings: fewer calls under Organizations' low rate limit. */
const PAGE_SIZE = 20;

const LISTING_ADVICE =
  'EFS_ENCRYPT_ACCOUNTS=organization lists accounts with the bot’s own credentials: run it in the management ' +
  'account or a delegated administrator, allowed organizations:ListAccounts, organizations:ListAccountsForParent and ' +
  'organizations:ListOrganizationalUnitsForParent.';

export async function listOrganizationAccounts(
  client: OrganizationsClient,
  scope: OrganizationScope,
  exclude: ReadonlySet<string>,
): Promise<OrganizationAccounts> {
  const listed: Account[] = [];
  const skipped: SkippedAccount[] = [];
  /** Runs one paginated listing; a failure is reported against `where` and ends that listing only. */
  const collect = async <T>(where: string, operation: string, pages: () => AsyncIterable<T[]>) => {
    const items: T[] = [];
    try {
      for await (const page of pages()) items.push(...page);
    } catch (e) {
      const s = summariseAwsError(e);
      const advice =
        s.code === 'ParentNotFoundException'
          ? `${where} is not a root or OU of this organisation: check EFS_ENCRYPT_ACCOUNTS.`
          : LISTING_ADVICE;
      skipped.push({ accountId: where, operation, code: s.code, message: `${s.message} ${advice}` });
    }
    return items;
  };

  if (scope.parents.length === 0)
    listed.push(
      ...(await collect('(organization)', 'organizations:ListAccounts', () =>
        pagesOf(paginateListAccounts({ client, pageSize: PAGE_SIZE }, {}), (p) => p.Accounts),
      )),
    );
  // Each named root or OU and every OU below it, breadth first, each parent listed once (a root
  // named beside one of its OUs, or an OU named twice, is not walked again).
  const pending = [...scope.parents];
  const walked = new Set<string>();
  for (let parentId = pending.shift(); parentId !== undefined; parentId = pending.shift()) {
    if (walked.has(parentId)) continue;
    walked.add(parentId);
    const ParentId = parentId;
    listed.push(
      ...(await collect(parentId, 'organizations:ListAccountsForParent', () =>
        pagesOf(
          paginateListAccountsForParent({ client, pageSize: PAGE_SIZE }, { ParentId }),
          (p) => p.Accounts,
        ),
      )),
    );
    // A parent that could not be listed (not found, refused) is reported once, not twice.
    if (skipped.some((s) => s.accountId === parentId)) continue;
    const children = await collect(parentId, 'organizations:ListOrganizationalUnitsForParent', () =>
      pagesOf(
        paginateListOrganizationalUnitsForParent({ client, pageSize: PAGE_SIZE }, { ParentId }),
        (p) => p.OrganizationalUnits,
      ),
    );
    for (const ou of children) if (ou.Id) pending.push(ou.Id);
  }

  const accounts: string[] = [];
  const seen = new Set<string>();
  for (const account of listed) {
    const id = account.Id;
    if (!id || seen.has(id) || exclude.has(id)) continue;
    seen.add(id);
    // `State` replaces `Status` (retired from the API on 2026-09-09): read it first.
    const state = account.State ?? account.Status ?? 'UNKNOWN';
    if (state === 'ACTIVE') accounts.push(id);
    else
      skipped.push({
        accountId: id,
        operation: scope.parents.length
          ? 'organizations:ListAccountsForParent'
          : 'organizations:ListAccounts',
        code: `Account${state.charAt(0)}${state
          .slice(1)
          .toLowerCase()
          .replace(/_(\w)/g, (_, c: string) => c.toUpperCase())}`,
        message:
          `Account ${id}${account.Name ? ` (${account.Name})` : ''} is ${state} in the organisation, not ACTIVE: not scanned. ` +
          'Add it to EFS_ENCRYPT_EXCLUDE_ACCOUNTS to stop this report.',
      });
  }
  return { accounts, skipped };
}

async function* pagesOf<P, T>(pages: AsyncIterable<P>, items: (page: P) => T[] | undefined) {
  for await (const page of pages) yield items(page) ?? [];
}
