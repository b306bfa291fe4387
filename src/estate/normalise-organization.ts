/**
 * The organisation of an estate file, with its defaults filled (IDs, ARNs, e-mails, states) and
 * the checks a schema cannot make: one entry per account, parents that exist, a management
 * account and delegated administrators that are members.
 */
import type { AccountState, AccountStatus } from '@aws-sdk/client-organizations';
import { stableDate, stableHex } from './ids.ts';
import type { PathPart, Problems } from './normalise.ts';
import type { OrganizationInput } from './schema.ts';
import type { EstateOrganization } from './types.ts';

/**
 * The retiring `Status` member answers what `State` says where it has an equivalent: AWS shows a
 * closed account as SUSPENDED during its post-closure period; PENDING_ACTIVATION has none.
 */
const STATUS_OF_STATE: Partial<Record<AccountState, AccountStatus>> = {
  ACTIVE: 'ACTIVE',
  SUSPENDED: 'SUSPENDED',
  PENDING_CLOSURE: 'PENDING_CLOSURE',
  CLOSED: 'SUSPENDED',
};

export function normaliseOrganization(
  input: OrganizationInput,
  callerAccountId: string,
  problems: Problems,
): EstateOrganization {
  const path: PathPart[] = ['organization'];
  const managementAccountId = input.managementAccountId ?? callerAccountId;
  const id = input.Id ?? `o-${stableHex(`org/${managementAccountId}`, 10)}`;
  const rootId = input.RootId ?? `r-${stableHex(`root/${id}`, 4)}`;
  const orgArn = (kind: string, rest: string) =>
    `arn:aws:organizations::${managementAccountId}:${kind}/${id}/${rest}`;

  const organizationalUnits = (input.organizationalUnits ?? []).map((ou) => ({
    Id: ou.Id,
    Name: ou.Name,
    Arn: ou.Arn ?? orgArn('ou', ou.Id),
    Parent: ou.Parent ?? rootId,
  }));
  const parents = new Set([rootId, ...organizationalUnits.map((ou) => ou.Id)]);
  const seenOus = new Set<string>();
  organizationalUnits.forEach((ou, i) => {
    if (seenOus.has(ou.Id))
      problems.at([...path, 'organizationalUnits', i, 'Id'], `${ou.Id} is listed twice`);
    seenOus.add(ou.Id);
    if (!parents.has(ou.Parent))
      problems.at(
        [...path, 'organizationalUnits', i, 'Parent'],
        `${ou.Parent} is neither the root (${rootId}) nor one of organization.organizationalUnits`,
      );
    else if (underItself(ou.Id, organizationalUnits))
      problems.at(
        [...path, 'organizationalUnits', i, 'Parent'],
        `${ou.Id} is inside itself through its parents; every OU chain must end at the root (${rootId})`,
      );
  });

  const seen = new Set<string>();
  const accounts = input.accounts.map((a, i) => {
    const at = [...path, 'accounts', i];
    if (seen.has(a.Id)) problems.at([...at, 'Id'], `account ${a.Id} is listed twice`);
    seen.add(a.Id);
    const parent = a.Parent ?? rootId;
    if (!parents.has(parent))
      problems.at(
        [...at, 'Parent'],
        `${parent} is neither the root (${rootId}) nor one of organization.organizationalUnits`,
      );
    const state: AccountState =
      a.State ?? (a.Status === 'PENDING_CLOSURE' ? 'PENDING_CLOSURE' : (a.Status ?? 'ACTIVE'));
    const status = a.Status ?? STATUS_OF_STATE[state];
    const name = a.Name ?? `account-${a.Id}`;
    return {
      Id: a.Id,
      Arn: a.Arn ?? orgArn('account', a.Id),
      Email: a.Email ?? `aws+${a.Id}@example.com`,
      Name: name,
      ...(status ? { Status: status } : {}),
      State: state,
      JoinedMethod: a.JoinedMethod ?? (a.Id === managementAccountId ? 'CREATED' : 'INVITED'),
      JoinedTimestamp: a.JoinedTimestamp ?? stableDate(`joined/${a.Id}`),
      Parent: parent,
    };
  });

  if (!seen.has(managementAccountId))
    problems.at(
      [...path, input.managementAccountId ? 'managementAccountId' : 'accounts'],
      `the management account ${managementAccountId} is not one of organization.accounts; list it there`,
    );
  (input.delegatedAdministrators ?? []).forEach((d, i) => {
    if (!seen.has(d))
      problems.at(
        [...path, 'delegatedAdministrators', i],
        `${d} is not one of organization.accounts; a delegated administrator is a member account`,
      );
  });

  return {
    Id: id,
    RootId: rootId,
    managementAccountId,
    delegatedAdministrators: [...(input.delegatedAdministrators ?? [])],
    organizationalUnits,
    accounts,
  };
}

/** Whether following `Parent` up from an OU comes back to it (a cycle never reaches the root). */
function underItself(ouId: string, ous: { Id: string; Parent: string }[]): boolean {
  const parentOf = new Map(ous.map((ou) => [ou.Id, ou.Parent]));
  const seen = new Set<string>();
  for (let at = parentOf.get(ouId); at !== undefined; at = parentOf.get(at)) {
    if (at === ouId || seen.has(at)) return true;
    seen.add(at);
  }
  return false;
}
