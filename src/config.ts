import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { MAX_SCAN_PAIRS_AT_ONCE, MIN_PAIRS_FOR_WORKERS } from './domain/scan-scope.ts';
import { z } from 'zod';
import { ConfigError } from './domain/errors.ts';
import { parsePolicyRules, type PolicyRule } from './domain/decision.ts';
import { DEFAULT_STUCK_HOURS } from './domain/digest.ts';
import { parseDigestSchedule } from './domain/digest-schedule.ts';
import type { DataSyncSettings } from './domain/copy.ts';
import { parsePhases, type Phase } from './domain/phases.ts';

/**
 * Every setting, read once from the environment and validated. Nothing else reads `process.env`
 * (the AWS SDK itself still honours its own variables such as AWS_ENDPOINT_URL and AWS_PROFILE).
 */

const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const SLACK_PRINCIPAL = /^[UWS][A-Z0-9]{2,}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const csv = (item: z.ZodString) => z.string().optional().transform(list).pipe(z.array(item));

/**
 * The scan is CPU-bound in the AWS SDK, so large scans spread their regions over worker threads:
 * one per core, at most 4 (each holds its own SDK clients and module graph, about 60 MB). Below 4
 * cores, none: on 2 cores two workers added about 200 MB to the 1,000-file-system scan (460 MB
 * against 250 MB) and no measurable speed (issue 19), as the main thread still needs a core.
 */
export function defaultScanWorkers(): number {
  const cores = availableParallelism();
  return cores >= 4 ? Math.min(4, cores) : 0;
}

const intFrom = (def: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === '' ? String(def) : v))
    .pipe(z.string().regex(/^\d+$/, { message: `expected a whole number from ${min} to ${max}` }))
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, { message: `expected at least ${min}` })
        .max(max, { message: `expected at most ${max}` }),
    );

const optional = (schema: z.ZodString) =>
  z
    .string()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .pipe(schema.optional());

const EnvSchema = z.object({
  SLACK_BOT_TOKEN: optional(
    z.string().regex(/^xoxb-/, { message: 'expected a bot token starting with xoxb-' }),
  ),
  SLACK_SIGNING_SECRET: optional(z.string().min(8, { message: 'expected the app signing secret' })),
  SLACK_APP_TOKEN: optional(
    z.string().regex(/^xapp-/, { message: 'expected an app-level token starting with xapp-' }),
  ),
  SLACK_MODE: z
    .enum(['socket', 'http', 'lambda'], { message: 'expected one of socket, http, lambda' })
    .optional(),
  SLACK_PORT: intFrom(3000, 1, 65535),
  SLACK_HOST: optional(
    z.string().refine((v) => v === 'localhost' || isIP(v) !== 0, {
      message: 'expected an IP address to listen on, such as 127.0.0.1 or 0.0.0.0',
    }),
  ),
  SLACK_TEAM_ID: optional(z.string().regex(/^T[A-Z0-9]{2,}$/, { message: 'expected a workspace ID (T…)' })),
  SLACK_ENTERPRISE_ID: optional(
    z.string().regex(/^E[A-Z0-9]{2,}$/, { message: 'expected an Enterprise Grid organisation ID (E…)' }),
  ),
  SLACK_API_URL: optional(z.string().url({ message: 'expected a URL such as https://slack.com/api/' })),
  EFS_ENCRYPT_ACCOUNTS: csv(
    z.string().regex(ACCOUNT_ID, {
      message:
        'expected 12-digit AWS account IDs, comma-separated, or organization (every ACTIVE account of the AWS Organization) or organization:ou-…,ou-… (the accounts directly under those OUs or roots)',
    }),
  ),
  EFS_ENCRYPT_EXCLUDE_ACCOUNTS: csv(
    z.string().regex(ACCOUNT_ID, { message: 'expected 12-digit AWS account IDs, comma-separated' }),
  ),
  EFS_ENCRYPT_ROLE_NAME: z
    .string()
    .optional()
    .transform((v) => v || 'EfsEncryptRole')
    .pipe(z.string().regex(ROLE_NAME, { message: 'expected an IAM role name' })),
  EFS_ENCRYPT_EXTERNAL_ID: optional(z.string().min(2).max(1224)),
  EFS_ENCRYPT_REGIONS: csv(
    z.string().regex(REGION, { message: 'expected AWS region names such as eu-west-1, comma-separated' }),
  ),
  EFS_ENCRYPT_WORKER_FUNCTION: optional(
    z.string().regex(/^[A-Za-z0-9:_-]{1,170}$/, { message: 'expected a Lambda function name or ARN' }),
  ),
  EFS_ENCRYPT_SLACK_SECRET: optional(z.string().min(1)),
  EFS_ENCRYPT_HEALTH_PORT: intFrom(0, 0, 65535),
  EFS_ENCRYPT_TABLE: optional(
    z.string().regex(/^[\w.-]{3,255}$/, { message: 'expected a DynamoDB table name' }),
  ),
  EFS_ENCRYPT_DATA_DIR: optional(z.string().min(1)),
  EFS_ENCRYPT_ADMINS: csv(
    z.string().regex(SLACK_PRINCIPAL, { message: 'expected Slack user (U…/W…) or user group (S…) IDs' }),
  ),
  EFS_ENCRYPT_PHASES: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const parsed = parsePhases(value);
      if ('phases' in parsed) return parsed.phases;
      ctx.addIssue({ code: 'custom', message: parsed.problem });
      return z.NEVER;
    }),
  EFS_ENCRYPT_DIGEST_CHANNEL: optional(
    z.string().regex(/^[CGD][A-Z0-9]{2,}$/, { message: 'expected a Slack channel ID such as C0123456' }),
  ),
  EFS_ENCRYPT_DIGEST_SCHEDULE: z
    .string()
    .optional()
    .transform((v) => v || '0 8 * * 1')
    .superRefine((v, ctx) => {
      // croner parses it (src/domain/digest-schedule.ts): a bad field or zone is named at start-up.
      try {
        parseDigestSchedule(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: e instanceof Error ? e.message : String(e) });
      }
    }),
  EFS_ENCRYPT_STUCK_HOURS: intFrom(DEFAULT_STUCK_HOURS, 1, 24 * 365),
  EFS_ENCRYPT_SCAN_CONCURRENCY: intFrom(0, 0, 256),
  EFS_ENCRYPT_SCAN_WORKERS: intFrom(defaultScanWorkers(), 0, 64),
  EFS_ENCRYPT_MAX_SCANS: intFrom(2, 1, 32),
  EFS_ENCRYPT_RATE_LIMIT: intFrom(10, 1, 1000),
  EFS_ENCRYPT_POLICY_RULES: z.string().optional(),
  EFS_ENCRYPT_DATASYNC_LOG_GROUP: optional(z.string()),
  EFS_ENCRYPT_DATASYNC_REPORT_S3: optional(z.string()),
  EFS_ENCRYPT_DATASYNC_REPORT_ROLE: optional(z.string()),
  EFS_ENCRYPT_POLL_MS: intFrom(0, 0, 600_000),
  EFS_ENCRYPT_IDLE_HOURS: intFrom(24, 1, 24 * 14),
  EFS_ENCRYPT_BACKUP_VAULT: optional(
    z.string().regex(/^[a-zA-Z0-9\-_]{2,50}$/, { message: 'expected an AWS Backup vault name' }),
  ),
  EFS_ENCRYPT_BACKUP_ROLE_ARN: optional(
    z
      .string()
      .refine(
        (v) => /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(v.replaceAll('{account}', '123456789012')),
        {
          message:
            "expected an IAM role ARN, arn:aws:iam::ACCOUNT:role/NAME ({account} stands for each file system's account)",
        },
      ),
  ),
  EFS_ENCRYPT_BACKUP_RETENTION_DAYS: intFrom(35, 1, 36_500),
  EFS_ENCRYPT_TEST_HOOKS: optional(
    z.string().regex(/^1$/, { message: 'expected 1 (test runs only) or unset' }),
  ),
  EFS_ENCRYPT_TEST_CRASH_AFTER_STEP: intFrom(0, 0, 100_000),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'expected one of fatal, error, warn, info, debug, trace, silent',
    })
    .optional()
    .default('info'),
});

export interface Config {
  slack: {
    botToken?: string;
    signingSecret?: string;
    appToken?: string;
    /** socket when an app token is set, else http, unless told. */
    mode: 'socket' | 'http' | 'lambda';
    port: number;
    /**
     * Where the HTTP receiver listens: loopback unless told (the container image sets 0.0.0.0), so a
     * bot started on a laptop or a shared host is not reachable from the network by accident.
     */
    host: string;
    apiUrl?: string;
    /** When set, requests from any other workspace or Enterprise Grid organisation are refused. */
    teamId?: string;
    enterpriseId?: string;
    /** Scans from Slack one process runs at once; more wait in a queue (a scan of a running scope joins it). */
    maxScans: number;
  };
  aws: {
    /** Accounts to scan through `roleName`; empty (and no organization) means the caller's own account only. */
    accounts: string[];
    /** EFS_ENCRYPT_ACCOUNTS=organization[:parents]: the organisation's ACTIVE accounts instead of a list. */
    organization?: { parents: string[] };
    /** Never scanned, whichever source lists them. */
    excludeAccounts: string[];
    roleName: string;
    externalId?: string;
    /** Regions to scan; empty means "as the source of accounts says" (the estate's, or AWS_REGION). */
    regions: string[];
    /** Account/region pairs at once; undefined: every pair, up to MAX_SCAN_PAIRS_AT_ONCE. */
    scanConcurrency?: number;
    /** Worker threads for scans of MIN_PAIRS_FOR_WORKERS account/region pairs or more; 0 or 1: none. */
    scanWorkers: number;
    /** Client-side calls per second per account, region and operation. */
    rateLimitPerSecond: number;
  };
  store: {
    /** A real DynamoDB table; undefined starts the embedded server. */
    tableName?: string;
    /** Where the embedded server persists; undefined keeps it in memory. */
    dataDir?: string;
  };
  /** Lambda: the worker function listeners hand long work to, and the Slack secrets' Secrets Manager ID. */
  lambda: { workerFunction?: string; slackSecretId?: string };
  /** A health listener's port beside Socket Mode (0: none; the HTTP receiver answers /healthz itself). */
  healthPort: number;
  admins: string[];
  /** The phases this deployment runs (EFS_ENCRYPT_PHASES); Slack refuses the others, saying so. */
  phases: Phase[];
  /** Rules every decision must follow, e.g. env=prod requires a customer-managed key. */
  policy: { rules: PolicyRule[] };
  /** `schedule`: five cron fields and an optional IANA zone; `stuckHours`: no progress for that long is stuck. */
  digest: { channel?: string; schedule: string; stuckHours: number };
  /** DataSync copies: the log group and task report every task gets (unset: neither). */
  dataSync?: DataSyncSettings;
  /** CLI build and copy jobs: delay between AWS lifecycle polls (unset: each command's own default). */
  jobs: { pollMs?: number };
  /** Decommission: hours the source must stay idle after the cutover, and the backup taken first (unset: none). */
  decommission: { idleHours: number; backup?: { vaultName: string; roleArn: string; retentionDays: number } };
  /** Test runs only (EFS_ENCRYPT_TEST_HOOKS=1): SIGKILL this process right after its Nth job checkpoint. */
  crashAfterStep?: number;
  logLevel: string;
}

// Patterns of the DataSync API model (LogGroupArn, S3BucketArn, S3Subdirectory, IamRoleArn).
const PARTITION = '(aws|aws-cn|aws-us-gov|aws-eusc|aws-iso|aws-iso-b)';
const LOG_GROUP_ARN = new RegExp(
  `^arn:${PARTITION}:logs:[a-z\\-0-9]+:[0-9]{12}:log-group:([^:\\*]*)(:\\*)?$`,
);
const BUCKET_ARN_WITH_PREFIX = new RegExp(`^(arn:${PARTITION}:s3:::[a-zA-Z0-9.\\-_]{1,255})(?:/(.*))?$`);
const S3_SUBDIRECTORY = /^[a-zA-Z0-9_\-+./()\p{Zs}]*$/u;
const ROLE_ARN = new RegExp(`^arn:${PARTITION}:iam::[0-9]{12}:role/.+$`);
/** `{account}` and `{region}` stand for each task's; checked with sample values. */
const sample = (v: string) => v.replaceAll('{account}', '123456789012').replaceAll('{region}', 'us-east-1');

function dataSyncSettings(
  e: { logGroup?: string; reportS3?: string; reportRole?: string },
  problems: string[],
): DataSyncSettings | undefined {
  const settings: DataSyncSettings = {};
  if (e.logGroup) {
    if (LOG_GROUP_ARN.test(sample(e.logGroup))) settings.cloudWatchLogGroupArn = e.logGroup;
    else
      problems.push(
        `EFS_ENCRYPT_DATASYNC_LOG_GROUP (got "${e.logGroup}"): expected a CloudWatch log group ARN, arn:aws:logs:REGION:ACCOUNT:log-group:NAME ({account} and {region} stand for each task's; a task's log group must be in its account and region)`,
      );
  }
  if (e.reportS3 || e.reportRole) {
    const bucket = BUCKET_ARN_WITH_PREFIX.exec(e.reportS3 ?? '');
    if (!e.reportS3)
      problems.push('EFS_ENCRYPT_DATASYNC_REPORT_S3: required with EFS_ENCRYPT_DATASYNC_REPORT_ROLE');
    else if (!bucket || !S3_SUBDIRECTORY.test(sample(bucket[3] ?? '')))
      problems.push(
        `EFS_ENCRYPT_DATASYNC_REPORT_S3 (got "${e.reportS3}"): expected an S3 bucket ARN with an optional prefix, arn:aws:s3:::BUCKET/PREFIX (prefix: letters, digits, _ - + . / ( ) and spaces)`,
      );
    if (!e.reportRole)
      problems.push(
        'EFS_ENCRYPT_DATASYNC_REPORT_ROLE: required with EFS_ENCRYPT_DATASYNC_REPORT_S3: the IAM role DataSync assumes to upload the report (BucketAccessRoleArn)',
      );
    else if (!ROLE_ARN.test(sample(e.reportRole)))
      problems.push(
        `EFS_ENCRYPT_DATASYNC_REPORT_ROLE (got "${e.reportRole}"): expected an IAM role ARN, arn:aws:iam::ACCOUNT:role/NAME ({account} stands for each task's)`,
      );
    if (bucket && e.reportRole && ROLE_ARN.test(sample(e.reportRole)))
      settings.taskReport = {
        s3BucketArn: bucket[1]!,
        ...(bucket[3] ? { subdirectory: bucket[3] } : {}),
        bucketAccessRoleArn: e.reportRole,
      };
  }
  return Object.keys(settings).length ? settings : undefined;
}

export type Env = Record<string, string | undefined>;

/** Root and OU IDs, as the Organizations model's ParentId pattern says. */
const PARENT_ID = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;

/**
 * `organization` or `organization:ou-abcd-11111111,r-abcd`; undefined when the value is not of
 * that form (an account list, checked by the schema).
 */
function organizationSource(
  value: string | undefined,
  problems: string[],
): { parents: string[] } | undefined {
  const match = /^organi[sz]ation(?::(.*))?$/s.exec((value ?? '').trim());
  if (!match) return undefined;
  if (match[1] === undefined) return { parents: [] };
  const parents = list(match[1]);
  const bad = parents.filter((p) => !PARENT_ID.test(p));
  if (parents.length === 0)
    problems.push(
      `EFS_ENCRYPT_ACCOUNTS (got "${value}"): name OUs after the colon (organization:ou-abcd-11111111,ou-abcd-22222222), or write organization for the whole organisation`,
    );
  else if (bad.length)
    problems.push(
      `EFS_ENCRYPT_ACCOUNTS (got "${value}"): expected OU IDs (ou-abcd-11111111) or root IDs (r-abcd) after organization:; not valid: ${bad.join(', ')}`,
    );
  return { parents: [...new Set(parents)] };
}

/** Parses the environment; throws ConfigError with one line per problem, naming the variable. */
export function loadConfig(env: Env = process.env): Config {
  const sourceProblems: string[] = [];
  const organization = organizationSource(env.EFS_ENCRYPT_ACCOUNTS, sourceProblems);
  // An organisation source is not an account list: the schema checks the list form only.
  const parsed = EnvSchema.safeParse(organization ? { ...env, EFS_ENCRYPT_ACCOUNTS: undefined } : env);
  // Every problem at once: the schema's, then the rules across variables (on the raw values, so
  // a bad policy rule shows next to a bad account ID, not only after it is fixed).
  const problems = [...sourceProblems, ...(parsed.success ? [] : schemaProblems(parsed.error.issues, env))];
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  if (env.SLACK_MODE === 'socket' && !set('SLACK_APP_TOKEN'))
    problems.push('SLACK_APP_TOKEN: required when SLACK_MODE=socket');
  if (
    set('SLACK_BOT_TOKEN') &&
    !set('SLACK_SIGNING_SECRET') &&
    env.SLACK_MODE !== 'socket' &&
    !set('SLACK_APP_TOKEN')
  )
    problems.push('SLACK_SIGNING_SECRET: required with SLACK_BOT_TOKEN for the HTTP and Lambda receivers');
  const policy = parsePolicyRules(env.EFS_ENCRYPT_POLICY_RULES);
  for (const p of policy.problems) problems.push(`EFS_ENCRYPT_POLICY_RULES: ${p}`);
  // From the raw values too, so these problems show with the others.
  const raw = (name: string) => (set(name) ? env[name]!.trim() : undefined);
  if (set('EFS_ENCRYPT_BACKUP_VAULT') !== set('EFS_ENCRYPT_BACKUP_ROLE_ARN'))
    problems.push(
      'EFS_ENCRYPT_BACKUP_VAULT and EFS_ENCRYPT_BACKUP_ROLE_ARN go together: set both (a backup is taken before each decommission) or neither',
    );
  const dataSync = dataSyncSettings(
    {
      logGroup: raw('EFS_ENCRYPT_DATASYNC_LOG_GROUP'),
      reportS3: raw('EFS_ENCRYPT_DATASYNC_REPORT_S3'),
      reportRole: raw('EFS_ENCRYPT_DATASYNC_REPORT_ROLE'),
    },
    problems,
  );
  if (set('EFS_ENCRYPT_TEST_CRASH_AFTER_STEP') && env.EFS_ENCRYPT_TEST_HOOKS !== '1')
    problems.push(
      'EFS_ENCRYPT_TEST_CRASH_AFTER_STEP: a test-only setting (it kills the process), honoured only with EFS_ENCRYPT_TEST_HOOKS=1; unset it',
    );
  if (problems.length || !parsed.success) throw new ConfigError(problems);
  const e = parsed.data;

  return {
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      mode: e.SLACK_MODE ?? (e.SLACK_APP_TOKEN ? 'socket' : 'http'),
      port: e.SLACK_PORT,
      host: e.SLACK_HOST ?? '127.0.0.1',
      apiUrl: e.SLACK_API_URL,
      teamId: e.SLACK_TEAM_ID,
      enterpriseId: e.SLACK_ENTERPRISE_ID,
      maxScans: e.EFS_ENCRYPT_MAX_SCANS,
    },
    aws: {
      accounts: [...new Set(e.EFS_ENCRYPT_ACCOUNTS)],
      ...(organization ? { organization } : {}),
      excludeAccounts: [...new Set(e.EFS_ENCRYPT_EXCLUDE_ACCOUNTS)],
      roleName: e.EFS_ENCRYPT_ROLE_NAME,
      externalId: e.EFS_ENCRYPT_EXTERNAL_ID,
      regions: [...new Set(e.EFS_ENCRYPT_REGIONS)],
      // 0 (the default): every pair at once, up to MAX_SCAN_PAIRS_AT_ONCE (the scan applies it).
      scanConcurrency: e.EFS_ENCRYPT_SCAN_CONCURRENCY || undefined,
      scanWorkers: e.EFS_ENCRYPT_SCAN_WORKERS,
      rateLimitPerSecond: e.EFS_ENCRYPT_RATE_LIMIT,
    },
    store: { tableName: e.EFS_ENCRYPT_TABLE, dataDir: e.EFS_ENCRYPT_DATA_DIR },
    lambda: { workerFunction: e.EFS_ENCRYPT_WORKER_FUNCTION, slackSecretId: e.EFS_ENCRYPT_SLACK_SECRET },
    healthPort: e.EFS_ENCRYPT_HEALTH_PORT,
    admins: e.EFS_ENCRYPT_ADMINS,
    phases: e.EFS_ENCRYPT_PHASES,
    policy: { rules: policy.rules },
    digest: {
      channel: e.EFS_ENCRYPT_DIGEST_CHANNEL,
      schedule: e.EFS_ENCRYPT_DIGEST_SCHEDULE,
      stuckHours: e.EFS_ENCRYPT_STUCK_HOURS,
    },
    ...(dataSync ? { dataSync } : {}),
    jobs: { pollMs: e.EFS_ENCRYPT_POLL_MS || undefined },
    decommission: {
      idleHours: e.EFS_ENCRYPT_IDLE_HOURS,
      ...(e.EFS_ENCRYPT_BACKUP_VAULT && e.EFS_ENCRYPT_BACKUP_ROLE_ARN
        ? {
            backup: {
              vaultName: e.EFS_ENCRYPT_BACKUP_VAULT,
              roleArn: e.EFS_ENCRYPT_BACKUP_ROLE_ARN,
              retentionDays: e.EFS_ENCRYPT_BACKUP_RETENTION_DAYS,
            },
          }
        : {}),
    },
    ...(e.EFS_ENCRYPT_TEST_CRASH_AFTER_STEP ? { crashAfterStep: e.EFS_ENCRYPT_TEST_CRASH_AFTER_STEP } : {}),
    logLevel: e.LOG_LEVEL,
  };
}

/**
 * One line per variable and message: a list such as EFS_ENCRYPT_ACCOUNTS=abc,123 fails once per
 * item with the same message, so the items are named on that one line instead of repeating it.
 */
function schemaProblems(issues: z.core.$ZodIssue[], env: Env): string[] {
  const lines = new Map<string, { name: string; message: string; items: string[] }>();
  for (const i of issues) {
    const name = String(i.path[0] ?? '');
    const key = `${name}\u0000${i.message}`;
    const line = lines.get(key) ?? { name, message: i.message, items: [] };
    const index = i.path[1];
    if (typeof index === 'number') line.items.push(list(env[name])[index] ?? '');
    lines.set(key, line);
  }
  return [...lines.values()].map(({ name, message, items }) => {
    const shown = name && env[name] !== undefined ? ` (got "${env[name]}")` : '';
    const which = items.length ? `; not valid: ${items.join(', ')}` : '';
    return `${name}${shown}: ${message}${which}`;
  });
}

/** Names and meanings of every setting, for `--help` and the README. */
export const SETTINGS_HELP: [string, string][] = [
  ['SLACK_BOT_TOKEN', 'Bot token (xoxb-…). Unset: the demo prints to the terminal instead of Slack.'],
  ['SLACK_SIGNING_SECRET', 'Signing secret, required for the HTTP and Lambda receivers.'],
  ['SLACK_APP_TOKEN', 'App-level token (xapp-…) for Socket Mode.'],
  ['SLACK_MODE', 'socket | http | lambda (default: socket with an app token, else http).'],
  ['SLACK_PORT', 'Port of the HTTP receiver (default 3000).'],
  [
    'SLACK_HOST',
    'Address the HTTP receiver listens on (default 127.0.0.1; 0.0.0.0 for every interface, as in a container).',
  ],
  ['SLACK_TEAM_ID', 'Workspace ID (T…); when set, requests from any other workspace are refused.'],
  [
    'SLACK_ENTERPRISE_ID',
    'Enterprise Grid organisation ID (E…); when set, requests from any other organisation are refused.',
  ],
  ['SLACK_API_URL', 'Slack Web API base URL (tests point it at a recording server).'],
  [
    'EFS_ENCRYPT_ACCOUNTS',
    'Comma-separated 12-digit account IDs to scan through the role below; or organization: every ACTIVE account of the AWS Organization (ListAccounts with the bot’s own credentials, from the management account or a delegated administrator); or organization:ou-…,ou-…: the accounts under those OUs or roots and every OU below them (ListAccountsForParent, ListOrganizationalUnitsForParent).',
  ],
  [
    'EFS_ENCRYPT_EXCLUDE_ACCOUNTS',
    'Comma-separated account IDs never scanned, whichever source lists them (e.g. the management account, a sandbox).',
  ],
  ['EFS_ENCRYPT_ROLE_NAME', 'Role assumed in each account (default EfsEncryptRole).'],
  ['EFS_ENCRYPT_EXTERNAL_ID', 'External ID passed to AssumeRole, if the role requires one.'],
  ['EFS_ENCRYPT_REGIONS', 'Comma-separated regions to scan.'],
  ['EFS_ENCRYPT_TABLE', 'DynamoDB table. Unset: an embedded DynamoDB-compatible server on loopback.'],
  [
    'EFS_ENCRYPT_WORKER_FUNCTION',
    'Lambda: the worker function (name or ARN) the Slack handler invokes asynchronously with each long piece of work.',
  ],
  [
    'EFS_ENCRYPT_SLACK_SECRET',
    'Lambda: Secrets Manager ID of a JSON secret {"botToken","signingSecret"}, read once at cold start.',
  ],
  ['EFS_ENCRYPT_HEALTH_PORT', 'Socket Mode: port of a GET /healthz listener (default 0: none).'],
  ['EFS_ENCRYPT_DATA_DIR', 'Directory where the embedded store persists (unset: in memory).'],
  ['EFS_ENCRYPT_ADMINS', 'Slack user or user-group IDs allowed to scope, build, copy and decommission.'],
  [
    'EFS_ENCRYPT_PHASES',
    'Phases this deployment runs: all (default), read-only (scan, decide, validate, digest) or a list such as scan,decide,build,copy; Slack refuses the others.',
  ],
  ['EFS_ENCRYPT_DIGEST_CHANNEL', 'Channel ID for the scheduled digest.'],
  [
    'EFS_ENCRYPT_DIGEST_SCHEDULE',
    'Digest schedule: five cron fields and an optional IANA time zone (default "0 8 * * 1", UTC).',
  ],
  [
    'EFS_ENCRYPT_STUCK_HOURS',
    'Hours without progress after which the digest lists a migration as stuck (default 48).',
  ],
  [
    'EFS_ENCRYPT_SCAN_CONCURRENCY',
    `Account/region pairs scanned at once (default 0: every pair, at most ${MAX_SCAN_PAIRS_AT_ONCE}; rate limits are per pair, so pairs do not slow each other).`,
  ],
  [
    'EFS_ENCRYPT_SCAN_WORKERS',
    `Worker threads for scans of ${MIN_PAIRS_FOR_WORKERS}+ account/region pairs (default: the cores, at most 4, from 4 cores up; 0 or 1: none).`,
  ],
  [
    'EFS_ENCRYPT_MAX_SCANS',
    'Scans started from Slack that one bot process runs at once (default 2, 1-32); more wait in a queue.',
  ],
  ['EFS_ENCRYPT_RATE_LIMIT', 'Client-side calls per second per account, region and operation (default 10).'],
  [
    'EFS_ENCRYPT_POLICY_RULES',
    'Decision rules by tag, comma-separated tag=value:requirement; requirement require-cmk (must use a customer-managed key) or no-exclusion (must be migrated). E.g. "env=prod:require-cmk".',
  ],
  [
    'EFS_ENCRYPT_DATASYNC_LOG_GROUP',
    "CloudWatch log group ARN for DataSync tasks (LogLevel TRANSFER); {account} and {region} stand for each task's.",
  ],
  [
    'EFS_ENCRYPT_DATASYNC_REPORT_S3',
    'S3 bucket ARN and prefix (arn:aws:s3:::BUCKET/PREFIX) for a DataSync task report of every execution.',
  ],
  [
    'EFS_ENCRYPT_DATASYNC_REPORT_ROLE',
    'IAM role ARN DataSync assumes to write the task report (required with the bucket; {account} allowed).',
  ],
  [
    'EFS_ENCRYPT_POLL_MS',
    'Delay between AWS polls of a build or copy run from the command line (default 2000 for build, 15000 for copy).',
  ],
  [
    'EFS_ENCRYPT_IDLE_HOURS',
    'Hours the source must show no client and no I/O after the cutover before decommission (default 24).',
  ],
  [
    'EFS_ENCRYPT_BACKUP_VAULT',
    'AWS Backup vault of the recovery point taken before a decommission (with the role).',
  ],
  [
    'EFS_ENCRYPT_BACKUP_ROLE_ARN',
    "IAM role AWS Backup assumes for that backup ({account} stands for each file system's account).",
  ],
  ['EFS_ENCRYPT_BACKUP_RETENTION_DAYS', 'Days the recovery point is kept (default 35).'],
  ['EFS_ENCRYPT_TEST_HOOKS', 'Test runs only: 1 allows the EFS_ENCRYPT_TEST_* settings.'],
  [
    'EFS_ENCRYPT_TEST_CRASH_AFTER_STEP',
    'Test runs only (with EFS_ENCRYPT_TEST_HOOKS=1): SIGKILL the process right after its Nth persisted job step.',
  ],
  ['LOG_LEVEL', 'pino level (default info).'],
];
