/** The estate's AWS Organizations (JSON 1.1) through the real OrganizationsClient. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  AccessDeniedException,
  AWSOrganizationsNotInUseException,
  InvalidInputException,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  OrganizationsClient,
  paginateListAccounts,
  ParentNotFoundException,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { parseEstate } from '../../src/estate/load.ts';
import { startEstateServer, type EstateServer } from '../../src/estate/server.ts';
import { BASE_CREDENTIALS, SMALL_ESTATE } from './helpers.ts';

const MANAGEMENT = '111111111111';
const MEMBER = '222222222222';
const DELEGATED = '333333333333';
const OU = 'ou-ab12-11111111';

const ORGANIZATION_ESTATE = {
  callerAccountId: MANAGEMENT,
  accounts: [MANAGEMENT, MEMBER, DELEGATED].map((accountId) => ({ accountId, regions: {} })),
  organization: {
    Id: 'o-ab12cd34ef',
    RootId: 'r-ab12',
    delegatedAdministrators: [DELEGATED],
    organizationalUnits: [{ Id: OU, Name: 'Workloads' }] as { Id: string; Name: string; Parent?: string }[],
    accounts: [
      { Id: MANAGEMENT, Name: 'management' },
      { Id: MEMBER, Name: 'member', Parent: OU },
      { Id: DELEGATED, Name: 'security', Parent: OU },
      { Id: '444444444444', Name: 'old', State: 'SUSPENDED', Parent: OU },
      { Id: '555555555555', Name: 'closing', State: 'PENDING_CLOSURE' },
    ],
  },
};

const servers: EstateServer[] = [];
afterAll(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function serve(estateJson: unknown): Promise<EstateServer> {
  const server = await startEstateServer({ estate: parseEstate(estateJson, 'test'), defaultPageSize: 2 });
  servers.push(server);
  return server;
}

function organizations(server: EstateServer, credentials: AwsCredentialIdentity = BASE_CREDENTIALS) {
  // Organizations is global: us-east-1 is where its aws-partition endpoint signs.
  return new OrganizationsClient({
    region: 'us-east-1',
    endpoint: server.endpoint,
    credentials,
    maxAttempts: 1,
  });
}

async function credentialsIn(server: EstateServer, accountId: string): Promise<AwsCredentialIdentity> {
  const sts = new STSClient({
    region: 'us-east-1',
    endpoint: server.endpoint,
    credentials: BASE_CREDENTIALS,
  });
  const out = await sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/Admin`, RoleSessionName: 'test' }),
  );
  return {
    accessKeyId: out.Credentials!.AccessKeyId!,
    secretAccessKey: out.Credentials!.SecretAccessKey!,
    sessionToken: out.Credentials!.SessionToken!,
  };
}

let server: EstateServer;
beforeAll(async () => {
  server = await serve(ORGANIZATION_ESTATE);
});

describe('Organizations ListAccounts', () => {
  test('pages with NextToken and MaxResults, every account with State and the retiring Status', async () => {
    const client = organizations(server);
    const pages = [];
    for await (const page of paginateListAccounts({ client, pageSize: 2 }, {})) pages.push(page);
    expect(pages.map((p) => p.Accounts!.length)).toEqual([2, 2, 1]);
    expect(pages.slice(0, 2).every((p) => typeof p.NextToken === 'string')).toBe(true);
    expect(pages[2]!.NextToken).toBeUndefined();
    const accounts = pages.flatMap((p) => p.Accounts!);
    expect(accounts.map((a) => [a.Id, a.State, a.Status])).toEqual([
      [MANAGEMENT, 'ACTIVE', 'ACTIVE'],
      [MEMBER, 'ACTIVE', 'ACTIVE'],
      [DELEGATED, 'ACTIVE', 'ACTIVE'],
      ['444444444444', 'SUSPENDED', 'SUSPENDED'],
      ['555555555555', 'PENDING_CLOSURE', 'PENDING_CLOSURE'],
    ]);
    expect(accounts[1]).toMatchObject({
      Arn: `arn:aws:organizations::${MANAGEMENT}:account/o-ab12cd34ef/${MEMBER}`,
      Name: 'member',
      JoinedMethod: 'INVITED',
    });
    expect(accounts[1]!.JoinedTimestamp).toBeInstanceOf(Date);
    expect(accounts[1]).not.toHaveProperty('Parent');
  });

  test('without MaxResults the estate pages smaller than AWS, so a caller that ignores NextToken shows', async () => {
    const first = await organizations(server).send(new ListAccountsCommand({}));
    expect(first.Accounts).toHaveLength(2);
    expect(first.NextToken).toBeDefined();
  });

  test('refuses MaxResults above the model maximum of 20 and a token of another listing', async () => {
    const client = organizations(server);
    await expect(client.send(new ListAccountsCommand({ MaxResults: 21 }))).rejects.toMatchObject({
      name: 'InvalidInputException',
      Reason: 'MAX_VALUE_EXCEEDED',
    });
    const { NextToken } = await client.send(new ListAccountsCommand({ MaxResults: 1 }));
    const call = client.send(new ListAccountsForParentCommand({ ParentId: OU, NextToken }));
    await expect(call).rejects.toBeInstanceOf(InvalidInputException);
    await expect(call).rejects.toMatchObject({ Reason: 'INVALID_NEXT_TOKEN' });
  });

  test('a delegated administrator may list; any other member gets AccessDeniedException', async () => {
    const delegated = await organizations(server, await credentialsIn(server, DELEGATED)).send(
      new ListAccountsCommand({ MaxResults: 20 }),
    );
    expect(delegated.Accounts).toHaveLength(5);
    const member = organizations(server, await credentialsIn(server, MEMBER)).send(
      new ListAccountsCommand({}),
    );
    await expect(member).rejects.toBeInstanceOf(AccessDeniedException);
    await expect(member).rejects.toThrow("You don't have permissions to access this resource.");
  });

  test('an estate without an organisation answers AWSOrganizationsNotInUseException', async () => {
    const plain = await serve(SMALL_ESTATE);
    const call = organizations(plain).send(new ListAccountsCommand({}));
    await expect(call).rejects.toBeInstanceOf(AWSOrganizationsNotInUseException);
    await expect(call).rejects.toThrow(/not a member of an organization/);
  });
});

describe('Organizations ListAccountsForParent', () => {
  test('lists the accounts directly under an OU or the root, paged', async () => {
    const client = organizations(server);
    const first = await client.send(new ListAccountsForParentCommand({ ParentId: OU, MaxResults: 2 }));
    expect(first.Accounts!.map((a) => a.Id)).toEqual([MEMBER, DELEGATED]);
    const second = await client.send(
      new ListAccountsForParentCommand({ ParentId: OU, MaxResults: 2, NextToken: first.NextToken }),
    );
    expect(second.Accounts!.map((a) => [a.Id, a.State])).toEqual([['444444444444', 'SUSPENDED']]);
    expect(second.NextToken).toBeUndefined();
    const root = await client.send(new ListAccountsForParentCommand({ ParentId: 'r-ab12', MaxResults: 20 }));
    expect(root.Accounts!.map((a) => a.Id)).toEqual([MANAGEMENT, '555555555555']);
  });

  test('an unknown OU answers ParentNotFoundException; a malformed one InvalidInputException', async () => {
    const client = organizations(server);
    const missing = client.send(new ListAccountsForParentCommand({ ParentId: 'ou-ab12-99999999' }));
    await expect(missing).rejects.toBeInstanceOf(ParentNotFoundException);
    await expect(missing).rejects.toThrow("We can't find a root or OU with the ParentId that you specified.");
    await expect(
      client.send(new ListAccountsForParentCommand({ ParentId: 'workloads' })),
    ).rejects.toMatchObject({ name: 'InvalidInputException', Reason: 'INVALID_PATTERN' });
  });
});

describe('Organizations ListOrganizationalUnitsForParent', () => {
  test('lists the OUs directly under a root or OU, paged, without their parent', async () => {
    const nested = structuredClone(ORGANIZATION_ESTATE);
    nested.organization.organizationalUnits = [
      { Id: OU, Name: 'Workloads' },
      { Id: 'ou-ab12-22222222', Name: 'Prod', Parent: OU },
      { Id: 'ou-ab12-33333333', Name: 'Dev', Parent: OU },
      { Id: 'ou-ab12-44444444', Name: 'Team', Parent: 'ou-ab12-22222222' },
    ];
    const client = organizations(await serve(nested));
    const root = await client.send(new ListOrganizationalUnitsForParentCommand({ ParentId: 'r-ab12' }));
    expect(root.OrganizationalUnits).toEqual([
      { Id: OU, Name: 'Workloads', Arn: `arn:aws:organizations::${MANAGEMENT}:ou/o-ab12cd34ef/${OU}` },
    ]);
    const first = await client.send(
      new ListOrganizationalUnitsForParentCommand({ ParentId: OU, MaxResults: 1 }),
    );
    const second = await client.send(
      new ListOrganizationalUnitsForParentCommand({
        ParentId: OU,
        MaxResults: 1,
        NextToken: first.NextToken,
      }),
    );
    expect([...first.OrganizationalUnits!, ...second.OrganizationalUnits!].map((ou) => ou.Name)).toEqual([
      'Prod',
      'Dev',
    ]);
    expect(second.NextToken).toBeUndefined();
    const leaf = await client.send(
      new ListOrganizationalUnitsForParentCommand({ ParentId: 'ou-ab12-44444444' }),
    );
    expect(leaf.OrganizationalUnits).toEqual([]);
    await expect(
      client.send(new ListOrganizationalUnitsForParentCommand({ ParentId: 'ou-ab12-99999999' })),
    ).rejects.toBeInstanceOf(ParentNotFoundException);
  });

  test('an estate file whose OUs form a cycle or name an unknown parent is refused, with paths', () => {
    const bad = structuredClone(ORGANIZATION_ESTATE);
    bad.organization.organizationalUnits = [
      { Id: OU, Name: 'Workloads', Parent: 'ou-ab12-22222222' },
      { Id: 'ou-ab12-22222222', Name: 'Prod', Parent: OU },
      { Id: 'ou-ab12-33333333', Name: 'Lost', Parent: 'ou-ab12-99999999' },
    ];
    expect(() => parseEstate(bad, 'bad.json')).toThrow(
      /organization\.organizationalUnits\[0\]\.Parent: ou-ab12-11111111 is inside itself[\s\S]*organization\.organizationalUnits\[2\]\.Parent: ou-ab12-99999999 is neither the root/,
    );
  });
});

describe('the estate file organisation', () => {
  test('refuses an unknown parent, a duplicate account and a management account outside it, with paths', () => {
    const bad = structuredClone(ORGANIZATION_ESTATE);
    bad.organization.accounts[1]!.Parent = 'ou-ab12-99999999';
    bad.organization.accounts.push({ Id: MEMBER, Name: 'again' });
    bad.organization.accounts.shift();
    expect(() => parseEstate(bad, 'bad.json')).toThrow(
      /organization\.accounts\[0\]\.Parent: ou-ab12-99999999 is neither the root \(r-ab12\)[\s\S]*organization\.accounts\[4\]\.Id: account 222222222222 is listed twice[\s\S]*organization\.accounts: the management account 111111111111 is not one of organization\.accounts/,
    );
  });
});

describe('the generated estate with an organisation (the 300-account benchmark shape)', () => {
  test('300 accounts × 4 regions, 3,000 file systems, listed by ListAccounts with the suspended ones', async () => {
    const { generateEstate } = await import('../../src/estate/generate.ts');
    const estate = generateEstate({
      accounts: 300,
      regions: 4,
      fileSystems: 3000,
      seed: 7,
      organization: { organizationalUnits: 12, suspended: 3 },
    });
    expect(estate.organization!.accounts).toHaveLength(303);
    const big = await startEstateServer({ estate });
    servers.push(big);
    const client = organizations(big);
    const listed = [];
    for await (const page of paginateListAccounts({ client, pageSize: 20 }, {}))
      listed.push(...page.Accounts!);
    expect(listed).toHaveLength(303);
    expect(listed.filter((a) => a.State === 'SUSPENDED')).toHaveLength(3);
    expect(big.stats().byOperation['organizations:ListAccounts']).toBe(16);
  });
});
