import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { ConfigError } from '../../src/domain/errors.ts';
import { main } from '../../src/cli/main.ts';

function capture(env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s), env }, out, err };
}

describe('config', () => {
  it('gives defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c.store.tableName).toBeUndefined();
    expect(c.aws.roleName).toBe('EfsEncryptRole');
    expect(c.aws.rateLimitPerSecond).toBe(10);
    expect(c.slack.mode).toBe('http');
    expect(c.digest.schedule).toBe('0 8 * * 1');
  });

  it('scans on worker threads by default from 4 cores (one per core, at most 4), none when set to 0, and refuses nonsense', () => {
    const cores = availableParallelism();
    expect(loadConfig({}).aws.scanWorkers).toBe(cores >= 4 ? Math.min(4, cores) : 0);
    expect(loadConfig({ EFS_ENCRYPT_SCAN_WORKERS: '0' }).aws.scanWorkers).toBe(0);
    expect(loadConfig({ EFS_ENCRYPT_SCAN_WORKERS: '3' }).aws.scanWorkers).toBe(3);
    expect(() => loadConfig({ EFS_ENCRYPT_SCAN_WORKERS: 'many' })).toThrow(ConfigError);
  });

  it('runs at most 2 Slack scans at once by default, and refuses a cap of 0 with the range expected', () => {
    expect(loadConfig({}).slack.maxScans).toBe(2);
    expect(loadConfig({ EFS_ENCRYPT_MAX_SCANS: '5' }).slack.maxScans).toBe(5);
    let caught: unknown;
    try {
      loadConfig({ EFS_ENCRYPT_MAX_SCANS: '0' });
    } catch (e) {
      caught = e;
    }
    expect((caught as ConfigError).problems).toEqual([
      'EFS_ENCRYPT_MAX_SCANS (got "0"): expected at least 1',
    ]);
  });

  it('parses lists and trims them', () => {
    const c = loadConfig({
      EFS_ENCRYPT_ACCOUNTS: '111111111111, 222222222222',
      EFS_ENCRYPT_REGIONS: 'eu-west-1,us-east-1',
      EFS_ENCRYPT_ADMINS: 'U012ABC,S0GROUP',
      SLACK_APP_TOKEN: 'xapp-1',
    });
    expect(c.aws.accounts).toEqual(['111111111111', '222222222222']);
    expect(c.aws.regions).toEqual(['eu-west-1', 'us-east-1']);
    expect(c.admins).toEqual(['U012ABC', 'S0GROUP']);
    expect(c.slack.mode).toBe('socket');
  });

  it('reports one line per problem, naming the variable and what it expects', () => {
    let caught: unknown;
    try {
      loadConfig({ EFS_ENCRYPT_ACCOUNTS: '1234', EFS_ENCRYPT_REGIONS: 'europe', SLACK_PORT: 'abc' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.find((p) => p.startsWith('EFS_ENCRYPT_ACCOUNTS'))).toMatch(/got "1234".*12-digit/);
    expect(problems.find((p) => p.startsWith('EFS_ENCRYPT_REGIONS'))).toMatch(/eu-west-1/);
    expect(problems.find((p) => p.startsWith('SLACK_PORT'))).toMatch(/whole number/);
  });

  it('reads the phases a deployment runs (all by default) and names an unknown one', () => {
    expect(loadConfig({}).phases).toHaveLength(8);
    expect(loadConfig({ EFS_ENCRYPT_PHASES: 'read-only' }).phases).toEqual([
      'scan',
      'decide',
      'validate',
      'digest',
    ]);
    let caught: unknown;
    try {
      loadConfig({ EFS_ENCRYPT_PHASES: 'scan,migrate' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems).toEqual([
      expect.stringMatching(/^EFS_ENCRYPT_PHASES.*unknown phase "migrate"; use all, read-only/),
    ]);
  });

  it('reports every problem at once: a bad policy rule next to a bad account, each variable on one line', () => {
    let caught: unknown;
    try {
      loadConfig({
        EFS_ENCRYPT_ACCOUNTS: 'abc,123',
        EFS_ENCRYPT_POLICY_RULES: 'env=prod:require-everything',
        SLACK_MODE: 'socket',
      });
    } catch (e) {
      caught = e;
    }
    const problems = (caught as ConfigError).problems;
    expect(problems).toEqual([
      'EFS_ENCRYPT_ACCOUNTS (got "abc,123"): expected 12-digit AWS account IDs, comma-separated, or organization (every ACTIVE account of the AWS Organization) or organization:ou-…,ou-… (the accounts directly under those OUs or roots); not valid: abc, 123',
      'SLACK_APP_TOKEN: required when SLACK_MODE=socket',
      expect.stringMatching(/^EFS_ENCRYPT_POLICY_RULES: .*require-everything/),
    ]);
  });

  it('makes serve without a bot token a configuration problem: exit 2, naming the variable', async () => {
    const { io, err } = capture({});
    expect(await main(['node', 'efs-encrypt', 'serve'], io)).toBe(2);
    expect(err.join('')).toMatch(/^config: SLACK_BOT_TOKEN: serve needs the bot token/);
  });

  it('reads the DataSync log group and task report settings, with {account} and {region} placeholders', () => {
    const c = loadConfig({
      EFS_ENCRYPT_DATASYNC_LOG_GROUP: 'arn:aws:logs:{region}:{account}:log-group:/efs-encrypt/datasync',
      EFS_ENCRYPT_DATASYNC_REPORT_S3: 'arn:aws:s3:::efs-evidence/datasync reports/{account}',
      EFS_ENCRYPT_DATASYNC_REPORT_ROLE: 'arn:aws:iam::{account}:role/datasync-reports',
    });
    expect(c.dataSync).toEqual({
      cloudWatchLogGroupArn: 'arn:aws:logs:{region}:{account}:log-group:/efs-encrypt/datasync',
      taskReport: {
        s3BucketArn: 'arn:aws:s3:::efs-evidence',
        subdirectory: 'datasync reports/{account}',
        bucketAccessRoleArn: 'arn:aws:iam::{account}:role/datasync-reports',
      },
    });
    expect(loadConfig({}).dataSync).toBeUndefined();
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (e) {
        return (e as ConfigError).problems;
      }
      return [];
    };
    expect(problems({ EFS_ENCRYPT_DATASYNC_LOG_GROUP: '/efs-encrypt/datasync' })).toEqual([
      expect.stringMatching(
        /^EFS_ENCRYPT_DATASYNC_LOG_GROUP \(got "\/efs-encrypt\/datasync"\): expected a CloudWatch log group ARN/,
      ),
    ]);
    expect(problems({ EFS_ENCRYPT_DATASYNC_REPORT_S3: 'arn:aws:s3:::efs-evidence' })).toEqual([
      expect.stringMatching(
        /^EFS_ENCRYPT_DATASYNC_REPORT_ROLE: required with EFS_ENCRYPT_DATASYNC_REPORT_S3/,
      ),
    ]);
    expect(
      problems({
        EFS_ENCRYPT_DATASYNC_REPORT_S3: 's3://efs-evidence',
        EFS_ENCRYPT_DATASYNC_REPORT_ROLE: 'reports',
      }),
    ).toEqual([
      expect.stringMatching(
        /^EFS_ENCRYPT_DATASYNC_REPORT_S3 \(got "s3:\/\/efs-evidence"\): expected an S3 bucket ARN/,
      ),
      expect.stringMatching(/^EFS_ENCRYPT_DATASYNC_REPORT_ROLE \(got "reports"\): expected an IAM role ARN/),
    ]);
  });

  it('reads the decommission settings: idle hours (default 24) and the backup vault with its role, set together', () => {
    expect(loadConfig({}).decommission).toEqual({ idleHours: 24 });
    expect(
      loadConfig({
        EFS_ENCRYPT_IDLE_HOURS: '48',
        EFS_ENCRYPT_BACKUP_VAULT: 'efs-decommission',
        EFS_ENCRYPT_BACKUP_ROLE_ARN: 'arn:aws:iam::{account}:role/backup',
      }).decommission,
    ).toEqual({
      idleHours: 48,
      backup: {
        vaultName: 'efs-decommission',
        roleArn: 'arn:aws:iam::{account}:role/backup',
        retentionDays: 35,
      },
    });
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (e) {
        return (e as ConfigError).problems;
      }
      return [];
    };
    expect(problems({ EFS_ENCRYPT_BACKUP_VAULT: 'efs-decommission' })).toEqual([
      expect.stringMatching(/EFS_ENCRYPT_BACKUP_VAULT and EFS_ENCRYPT_BACKUP_ROLE_ARN go together/),
    ]);
    expect(problems({ EFS_ENCRYPT_IDLE_HOURS: '0' })).toEqual([
      expect.stringMatching(/^EFS_ENCRYPT_IDLE_HOURS/),
    ]);
    expect(
      problems({ EFS_ENCRYPT_BACKUP_VAULT: 'v v', EFS_ENCRYPT_BACKUP_ROLE_ARN: 'backup' }).join('\n'),
    ).toMatch(/EFS_ENCRYPT_BACKUP_VAULT.*vault name[\s\S]*EFS_ENCRYPT_BACKUP_ROLE_ARN.*IAM role ARN/);
  });

  it('honours the crash-point hook only with EFS_ENCRYPT_TEST_HOOKS=1, and takes a poll interval', () => {
    expect(() => loadConfig({ EFS_ENCRYPT_TEST_CRASH_AFTER_STEP: '3' })).toThrow(
      /EFS_ENCRYPT_TEST_CRASH_AFTER_STEP: a test-only setting \(it kills the process\), honoured only with EFS_ENCRYPT_TEST_HOOKS=1/,
    );
    expect(() => loadConfig({ EFS_ENCRYPT_TEST_HOOKS: 'yes' })).toThrow(
      /EFS_ENCRYPT_TEST_HOOKS .*expected 1/,
    );
    const hooked = loadConfig({ EFS_ENCRYPT_TEST_HOOKS: '1', EFS_ENCRYPT_TEST_CRASH_AFTER_STEP: '3' });
    expect(hooked.crashAfterStep).toBe(3);
    expect(loadConfig({}).crashAfterStep).toBeUndefined();
    expect(loadConfig({}).jobs.pollMs).toBeUndefined();
    expect(loadConfig({ EFS_ENCRYPT_POLL_MS: '20' }).jobs.pollMs).toBe(20);
  });

  it('makes the CLI exit 2 with one line per problem', async () => {
    const { io, err } = capture({ EFS_ENCRYPT_ACCOUNTS: '12', EFS_ENCRYPT_REGIONS: 'nowhere' });
    const code = await main(['node', 'efs-encrypt', 'scan'], io);
    expect(code).toBe(2);
    const lines = err.join('').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.startsWith('config: EFS_ENCRYPT_'))).toBe(true);
  });
});

describe('cli', () => {
  it('lists the commands in --help', async () => {
    const { io, out } = capture({});
    expect(await main(['node', 'efs-encrypt', '--help'], io)).toBe(0);
    for (const c of ['serve', 'demo', 'scan', 'report', 'estate']) expect(out.join('')).toContain(c);
  });

  it('answers an unknown command with usage and exit 2', async () => {
    const { io, err } = capture({});
    expect(await main(['node', 'efs-encrypt', 'frobnicate'], io)).toBe(2);
    expect(err.join('')).toMatch(/unknown command/);
  });
});
