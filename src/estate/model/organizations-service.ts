/**
 * AWS Organizations (read side): the accounts of the estate's organisation, typed with the SDK's
 * shapes; errors as Organizations' JSON 1.1 `__type` codes with their `Message` member. Only the
 * management account and delegated administrators may list; any other member is refused, and an
 * account outside the organisation (or an estate without one) is told Organizations is not in use.
 */
import type {
  Account,
  ListAccountsForParentRequest,
  ListAccountsForParentResponse,
  ListAccountsRequest,
  ListAccountsResponse,
  ListOrganizationalUnitsForParentRequest,
  ListOrganizationalUnitsForParentResponse,
  OrganizationalUnit,
} from '@aws-sdk/client-organizations';
import type { EstateOrganization, EstateOrganizationAccount } from '../types.ts';
import { AwsApiError } from './api-error.ts';
import type { CallContext, EstateModel } from './estate-model.ts';
import { pageOf } from './paging.ts';

/** MaxResults of ListAccounts and ListAccountsForParent (aws-models/organizations: 1 to 20). */
const MAX_RESULTS = 20;

const error = (code: string, message: string, members: Record<string, unknown> = {}, status = 400) =>
  new AwsApiError(code, message, status, undefined, { Message: message, ...members });

export const organizationsErrors = {
  notInUse: () =>
    error(
      'AWSOrganizationsNotInUseException',
      'Your account is not a member of an organization. To make this request, you must use the credentials of an account that belongs to an organization.',
    ),
  accessDenied: () => error('AccessDeniedException', "You don't have permissions to access this resource."),
  parentNotFound: () =>
    error('ParentNotFoundException', "We can't find a root or OU with the ParentId that you specified."),
  invalidInput: (reason: string, message: string) =>
    error('InvalidInputException', message, { Reason: reason }),
  throttling: () =>
    error('TooManyRequestsException', 'AWS Organizations is throttling your requests. Try again later.', {
      Type: 'TooManyRequests',
    }),
  internal: (message: string) => error('ServiceException', message, {}, 500),
};

export class OrganizationsService {
  constructor(private readonly model: EstateModel) {}

  listAccounts(ctx: CallContext, input: ListAccountsRequest): ListAccountsResponse {
    const organization = this.organizationFor(ctx);
    const page = this.page(organization.accounts, 'accounts', input);
    return {
      Accounts: page.items.map(accountOf),
      ...(page.next !== undefined ? { NextToken: page.next } : {}),
    } satisfies ListAccountsResponse;
  }

  listAccountsForParent(
    ctx: CallContext,
    input: ListAccountsForParentRequest,
  ): ListAccountsForParentResponse {
    const organization = this.organizationFor(ctx);
    const parentId = knownParent(organization, input.ParentId);
    const children = organization.accounts.filter((a) => a.Parent === parentId);
    const page = this.page(children, `parent:${parentId}`, input);
    return {
      Accounts: page.items.map(accountOf),
      ...(page.next !== undefined ? { NextToken: page.next } : {}),
    } satisfies ListAccountsForParentResponse;
  }

  /** The OUs directly under a root or OU (not their children: callers walk down themselves). */
  listOrganizationalUnitsForParent(
    ctx: CallContext,
    input: ListOrganizationalUnitsForParentRequest,
  ): ListOrganizationalUnitsForParentResponse {
    const organization = this.organizationFor(ctx);
    const parentId = knownParent(organization, input.ParentId);
    const children = organization.organizationalUnits.filter((ou) => ou.Parent === parentId);
    const page = this.page(children, `ous:${parentId}`, input);
    return {
      OrganizationalUnits: page.items.map(
        ({ Id, Arn, Name }) => ({ Id, Arn, Name }) satisfies OrganizationalUnit,
      ),
      ...(page.next !== undefined ? { NextToken: page.next } : {}),
    } satisfies ListOrganizationalUnitsForParentResponse;
  }

  /** The organisation, if the caller may list it. */
  private organizationFor(ctx: CallContext): EstateOrganization {
    const organization = this.model.organization;
    if (!organization || !organization.accounts.some((a) => a.Id === ctx.accountId))
      throw organizationsErrors.notInUse();
    if (
      ctx.accountId !== organization.managementAccountId &&
      !organization.delegatedAdministrators.includes(ctx.accountId)
    )
      throw organizationsErrors.accessDenied();
    return organization;
  }

  private page<T>(items: T[], scope: string, input: { NextToken?: string; MaxResults?: number }) {
    if (input.MaxResults !== undefined && input.MaxResults > MAX_RESULTS)
      throw organizationsErrors.invalidInput(
        'MAX_VALUE_EXCEEDED',
        `MaxResults ${input.MaxResults} is above the maximum of ${MAX_RESULTS}.`,
      );
    const page = pageOf(items, {
      token: input.NextToken,
      limit: input.MaxResults,
      defaultSize: this.model.options.defaultPageSize,
      maxSize: MAX_RESULTS,
      scope,
      invalidToken: () =>
        organizationsErrors.invalidInput(
          'INVALID_NEXT_TOKEN',
          'The NextToken is not valid for this request.',
        ),
      invalidLimit: (n) =>
        organizationsErrors.invalidInput('MIN_VALUE_EXCEEDED', `MaxResults ${n} is below the minimum of 1.`),
    });
    return { items: page.items, next: page.next };
  }
}

/** The ParentId of a request, checked as Organizations checks it: present, well formed, known. */
function knownParent(organization: EstateOrganization, parentId: string | undefined): string {
  if (!parentId)
    throw organizationsErrors.invalidInput('INPUT_REQUIRED', 'You must specify a value for ParentId.');
  if (!/^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/.test(parentId))
    throw organizationsErrors.invalidInput(
      'INVALID_PATTERN',
      `The ParentId ${parentId} does not match the pattern of a root (r-…) or OU (ou-…-…) ID.`,
    );
  const known =
    parentId === organization.RootId || organization.organizationalUnits.some((ou) => ou.Id === parentId);
  if (!known) throw organizationsErrors.parentNotFound();
  return parentId;
}

function accountOf(account: EstateOrganizationAccount): Account {
  const { Parent: _parent, ...listed } = account;
  return listed;
}
