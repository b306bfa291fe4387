import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { BOT_ACCOUNT_ACTIONS } from '../../src/aws/permissions.ts';
import { PHASES, type Phase } from '../../src/domain/phases.ts';
import { GSI1 } from '../../src/store/index.ts';

export interface BotSettings {
  /** Member accounts to scan (EFS_ENCRYPT_ACCOUNTS): IDs, or `organization[:ou-…]`. */
  accounts: string;
  regions: string[];
  /** Slack user or user-group IDs (EFS_ENCRYPT_ADMINS). */
  admins: string[];
  /** Role assumed in each member account, and the external ID it requires. */
  memberRoleName: string;
  externalId: string;
  tableName: string;
  digest?: { channel: string; cron: string; timeZone: string };
  slackTeamId?: string;
  /** EFS_ENCRYPT_PHASES: the phases the bot runs (default all); without `digest`, no digest schedule. */
  phases?: readonly Phase[];
}

export interface BotStackProps extends StackProps {
  settings: BotSettings;
  /** The Lambda bundle (default: the dist-lambda/ directory `npm run build:lambda` writes). */
  code: lambda.Code;
}

/**
 * The bot in its own account: the DynamoDB table (KMS), the Slack handler behind a Function URL,
 * the worker it invokes asynchronously, the job runner's tick every minute and the digest from
 * EventBridge Scheduler, the Slack secret in Secrets Manager, and the bot role that enters members.
 */
export class BotStack extends Stack {
  readonly table: dynamodb.Table;
  readonly botRole: iam.Role;
  readonly slackFunction: lambda.Function;
  readonly workerFunction: lambda.Function;
  readonly tickFunction: lambda.Function;
  readonly functionUrl: lambda.FunctionUrl;
  readonly slackSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: BotStackProps) {
    super(scope, id, props);
    const s = props.settings;

    const key = new kms.Key(this, 'DataKey', {
      description: 'efs-encrypt: the state table and the Slack secret',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.table = new dynamodb.Table(this, 'State', {
      tableName: s.tableName,
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      // Request-ledger claims carry expiresAt (one day): DynamoDB deletes them.
      timeToLiveAttribute: 'expiresAt',
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: GSI1,
      partitionKey: { name: 'gsi1pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'gsi1sk', type: dynamodb.AttributeType.STRING },
    });

    // Filled by hand after deploy (README, Deploy): {"botToken":"xoxb-…","signingSecret":"…"}.
    this.slackSecret = new secretsmanager.Secret(this, 'SlackSecret', {
      description: 'efs-encrypt Slack bot token and signing secret (JSON: botToken, signingSecret)',
      encryptionKey: key,
    });

    // One role for the three functions: they are one program that enters the member accounts.
    this.botRole = new iam.Role(this, 'BotRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'efs-encrypt bot: assumes the member role in each account',
    });
    this.botRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'EnterMemberAccounts',
        actions: ['sts:AssumeRole'],
        resources: [`arn:${this.partition}:iam::*:role/${s.memberRoleName}`],
      }),
    );
    this.botRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'OwnAccountAndOrganization',
        actions: [...BOT_ACCOUNT_ACTIONS],
        // These List and Get calls support no resource-level permissions.
        resources: ['*'],
      }),
    );
    this.table.grantReadWriteData(this.botRole);
    this.slackSecret.grantRead(this.botRole);

    const environment: Record<string, string> = {
      SLACK_MODE: 'lambda',
      EFS_ENCRYPT_TABLE: this.table.tableName,
      EFS_ENCRYPT_SLACK_SECRET: this.slackSecret.secretArn,
      EFS_ENCRYPT_ACCOUNTS: s.accounts,
      EFS_ENCRYPT_REGIONS: s.regions.join(','),
      EFS_ENCRYPT_ADMINS: s.admins.join(','),
      EFS_ENCRYPT_ROLE_NAME: s.memberRoleName,
      EFS_ENCRYPT_EXTERNAL_ID: s.externalId,
      ...(s.slackTeamId ? { SLACK_TEAM_ID: s.slackTeamId } : {}),
      ...(s.digest ? { EFS_ENCRYPT_DIGEST_CHANNEL: s.digest.channel } : {}),
      ...(s.phases ? { EFS_ENCRYPT_PHASES: s.phases.join(',') } : {}),
    };
    const fn = (
      name: string,
      handler: string,
      timeout: Duration,
      extra: Record<string, string> = {},
      functionName?: string,
    ) =>
      new lambda.Function(this, name, {
        ...(functionName ? { functionName } : {}),
        // Node 22: Lambda deprecated nodejs20.x on 2026-04-30; the code runs on Node 20.11 and later.
        runtime: lambda.Runtime.NODEJS_22_X,
        architecture: lambda.Architecture.ARM_64,
        code: props.code,
        handler: `index.${handler}`,
        role: this.botRole,
        timeout,
        memorySize: 1024,
        environment: { ...environment, ...extra },
        logGroup: new logs.LogGroup(this, `${name}Logs`, {
          retention: logs.RetentionDays.THREE_MONTHS,
          removalPolicy: RemovalPolicy.RETAIN,
        }),
      });

    // Jobs outlive one invocation through their lease: a worker cut off at 15 min is taken over by the tick.
    // Named, so the shared role can be granted invoke by ARN without a role -> function -> role cycle.
    const workerName = `${s.tableName}-worker`;
    this.workerFunction = fn('Worker', 'workerHandler', Duration.minutes(15), {}, workerName);
    this.tickFunction = fn('Tick', 'tickHandler', Duration.minutes(15));
    // Slack waits 3 s; the handler acks and hands on, so 10 s bounds a cold start without hiding a hang.
    this.slackFunction = fn('Slack', 'slackHandler', Duration.seconds(10), {
      EFS_ENCRYPT_WORKER_FUNCTION: workerName,
    });
    this.botRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'HandWorkToTheWorker',
        actions: ['lambda:InvokeFunction'],
        resources: [`arn:${this.partition}:lambda:${this.region}:${this.account}:function:${workerName}`],
      }),
    );
    // Asynchronous invocations: Lambda's own queue, two retries, and events older than an hour dropped.
    this.workerFunction.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(1) });

    // Slack signs every request; Bolt verifies the signature, so the URL itself is public.
    this.functionUrl = this.slackFunction.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    new CfnOutput(this, 'SlackRequestUrl', {
      value: this.functionUrl.url,
      description: 'The Slack request URL: efs-encrypt manifest --url <this> prints the manifest to paste',
    });
    new CfnOutput(this, 'BotRoleArn', { value: this.botRole.roleArn });
    new CfnOutput(this, 'SlackSecretArn', { value: this.slackSecret.secretArn });

    const schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
    });
    this.tickFunction.grantInvoke(schedulerRole);
    this.workerFunction.grantInvoke(schedulerRole);
    new scheduler.CfnSchedule(this, 'JobTick', {
      description: 'efs-encrypt: the job runner takes queued jobs and jobs whose lease expired',
      scheduleExpression: 'rate(1 minute)',
      flexibleTimeWindow: { mode: 'OFF' },
      target: { arn: this.tickFunction.functionArn, roleArn: schedulerRole.roleArn, input: '{}' },
    });
    if (s.digest && (s.phases ?? PHASES).includes('digest'))
      new scheduler.CfnSchedule(this, 'Digest', {
        description: 'efs-encrypt: the scheduled digest',
        // The worker posts the digest (src/slack/digest-in-channel.ts). The slot is the scheduled time, so a
        // retried invocation claims the same slot in the table and posts nothing twice.
        state: 'ENABLED',
        scheduleExpression: `cron(${s.digest.cron})`,
        scheduleExpressionTimezone: s.digest.timeZone,
        flexibleTimeWindow: { mode: 'OFF' },
        target: {
          arn: this.workerFunction.functionArn,
          roleArn: schedulerRole.roleArn,
          input: JSON.stringify({
            kind: 'digest',
            channelId: s.digest.channel,
            slot: '<aws.scheduler.scheduled-time>',
            correlationId: '<aws.scheduler.execution-id>',
          }),
        },
      });

    // cdk-nag (AwsSolutions), each acknowledgement with its reason.
    const iam5 = (construct: Construct, findings: string[], reason: string) => {
      for (const f of findings)
        Validations.of(construct).acknowledge({ id: `AwsSolutions-IAM5[${f}]`, reason });
    };
    iam5(
      this.botRole,
      [`Resource::arn:<AWS::Partition>:iam::*:role/${s.memberRoleName}`],
      'The member role, by its one name, in whichever accounts the scan covers (chosen at run time, ' +
        'possibly the whole organisation); the member role trusts this role only with the external ID.',
    );
    iam5(
      this.botRole,
      ['Resource::*'],
      'sts:GetCallerIdentity, organizations:ListAccounts, ListAccountsForParent and ListOrganizationalUnitsForParent ' +
        'support no resource-level permissions.',
    );
    iam5(
      this.botRole,
      ['Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*', 'Resource::<State1C20CC9A.Arn>/index/*'],
      "CDK's own grants for the table (its KMS key and its one index, gsi1): the narrowest they come.",
    );
    iam5(
      schedulerRole,
      ['Resource::<Tick6513F4AE.Arn>:*', 'Resource::<Worker11F36D0F.Arn>:*'],
      "CDK's grantInvoke: the function and its versions or aliases, nothing else.",
    );
    Validations.of(this.slackSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'A Slack bot token and signing secret are rotated in Slack, not by a Lambda rotator.',
    });
    for (const f of [this.slackFunction, this.workerFunction, this.tickFunction])
      Validations.of(f).acknowledge({
        id: 'AwsSolutions-L1',
        reason: 'Node 22 is the newest runtime the project is tested on; Node 24 once CI runs it.',
      });
  }
}
