import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { ConfigError } from '../../src/domain/errors.ts';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};

describe('EFS_ENCRYPT_ACCOUNTS=organization and EFS_ENCRYPT_EXCLUDE_ACCOUNTS', () => {
  it('reads the whole organisation, OU-scoped listings and the exclusion list', () => {
    expect(loadConfig({ EFS_ENCRYPT_ACCOUNTS: 'organization' }).aws).toMatchObject({
      accounts: [],
      organization: { parents: [] },
      excludeAccounts: [],
    });
    const scoped = loadConfig({
      EFS_ENCRYPT_ACCOUNTS: ' organization:ou-abcd-11111111, ou-abcd-22222222,r-abcd,ou-abcd-11111111 ',
      EFS_ENCRYPT_EXCLUDE_ACCOUNTS: '111111111111, 222222222222',
    }).aws;
    expect(scoped.organization).toEqual({ parents: ['ou-abcd-11111111', 'ou-abcd-22222222', 'r-abcd'] });
    expect(scoped.excludeAccounts).toEqual(['111111111111', '222222222222']);
    expect(loadConfig({ EFS_ENCRYPT_ACCOUNTS: '111111111111' }).aws.organization).toBeUndefined();
  });

  it('says what to fix, one line per problem', () => {
    expect(
      problemsOf({
        EFS_ENCRYPT_ACCOUNTS: 'organization:ou-abcd-11111111,workloads',
        EFS_ENCRYPT_EXCLUDE_ACCOUNTS: '12345',
      }),
    ).toEqual([
      'EFS_ENCRYPT_ACCOUNTS (got "organization:ou-abcd-11111111,workloads"): expected OU IDs (ou-abcd-11111111) or root IDs (r-abcd) after organization:; not valid: workloads',
      'EFS_ENCRYPT_EXCLUDE_ACCOUNTS (got "12345"): expected 12-digit AWS account IDs, comma-separated; not valid: 12345',
    ]);
    expect(problemsOf({ EFS_ENCRYPT_ACCOUNTS: 'organization:' })).toEqual([
      expect.stringMatching(/^EFS_ENCRYPT_ACCOUNTS \(got "organization:"\): name OUs after the colon/),
    ]);
    expect(problemsOf({ EFS_ENCRYPT_ACCOUNTS: 'org' })).toEqual([
      expect.stringMatching(/or organization \(every ACTIVE account of the AWS Organization\)/),
    ]);
  });
});
