import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { BotStack } from '../../infra/lib/bot-stack.ts';
import { MemberRoleStack } from '../../infra/lib/member-role-stack.ts';
import {
  MEMBER_ACTIONS,
  MIGRATE_PHASES,
  PASSED_TO_SERVICES,
  memberActionsFor,
} from '../../src/aws/permissions.ts';
import type { Phase } from '../../src/domain/phases.ts';

/** Synthesised offline: no account, no bootstrap, an inline stand-in for the Lambda bundle. */
function botTemplate(digest = true, phases?: readonly Phase[]): Template {
  const app = new App();
  const stack = new BotStack(app, 'Bot', {
    code: lambda.Code.fromInline('export const slackHandler = () => {};'),
    settings: {
      accounts: 'organization',
      regions: ['eu-west-1', 'us-east-1'],
      admins: ['U0ADMIN1'],
      memberRoleName: 'EfsEncryptRole',
      externalId: 'external-id-0123456789',
      tableName: 'efs-encrypt',
      ...(digest
        ? { digest: { channel: 'C0DIGEST1', cron: '0 8 ? * MON *', timeZone: 'Europe/Paris' } }
        : {}),
      ...(phases ? { phases } : {}),
    },
  });
  return Template.fromStack(stack);
}

describe('the bot stack', () => {
  const t = botTemplate();

  it('keeps state in an on-demand DynamoDB table with PITR, deletion protection and a KMS key', () => {
    t.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'efs-encrypt',
      BillingMode: 'PAY_PER_REQUEST',
      DeletionProtectionEnabled: true,
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'gsi1' })],
    });
    t.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
  });

  it('runs three functions from one bundle, the Slack one behind a public Function URL', () => {
    for (const handler of ['index.slackHandler', 'index.workerHandler', 'index.tickHandler'])
      t.hasResourceProperties('AWS::Lambda::Function', { Handler: handler, Runtime: 'nodejs22.x' });
    t.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
    // The request URL `efs-encrypt manifest --url` takes (README, Deploy).
    const [urlId] = Object.keys(t.findResources('AWS::Lambda::Url'));
    t.hasOutput('SlackRequestUrl', { Value: { 'Fn::GetAtt': [urlId, 'FunctionUrl'] } });
    t.hasOutput('BotRoleArn', {});
    t.hasOutput('SlackSecretArn', {});
    t.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.slackHandler',
      Timeout: 10,
      Environment: {
        Variables: Match.objectLike({ SLACK_MODE: 'lambda', EFS_ENCRYPT_WORKER_FUNCTION: Match.anyValue() }),
      },
    });
  });

  it('reads the Slack secrets from Secrets Manager: only the secret ARN is in the environment', () => {
    t.resourceCountIs('AWS::SecretsManager::Secret', 1);
    const fns = t.findResources('AWS::Lambda::Function');
    for (const fn of Object.values(fns)) {
      const vars = (fn.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment
        .Variables;
      expect(Object.keys(vars)).toContain('EFS_ENCRYPT_SLACK_SECRET');
      expect(Object.keys(vars)).not.toContain('SLACK_BOT_TOKEN');
      expect(Object.keys(vars)).not.toContain('SLACK_SIGNING_SECRET');
    }
  });

  it('hands work on by asynchronous invocation with two retries', () => {
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2 });
  });

  it('ticks the job runner every minute and sends the digest on a cron in the given time zone', () => {
    t.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(1 minute)' });
    t.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 8 ? * MON *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      State: 'ENABLED',
      Target: Match.objectLike({
        Input: JSON.stringify({
          kind: 'digest',
          channelId: 'C0DIGEST1',
          slot: '<aws.scheduler.scheduled-time>',
          correlationId: '<aws.scheduler.execution-id>',
        }),
      }),
    });
    botTemplate(false).resourcePropertiesCountIs(
      'AWS::Scheduler::Schedule',
      { ScheduleExpression: Match.stringLikeRegexp('^cron') },
      0,
    );
  });

  it('runs only the phases given in context: EFS_ENCRYPT_PHASES on every function, no digest schedule without digest', () => {
    const narrow = botTemplate(true, ['scan', 'decide', 'build']);
    const fns = narrow.findResources('AWS::Lambda::Function');
    const phaseSettings = Object.values(fns).map(
      (f) =>
        (f as { Properties: { Environment?: { Variables?: Record<string, string> } } }).Properties.Environment
          ?.Variables?.EFS_ENCRYPT_PHASES,
    );
    expect(phaseSettings.filter((v) => v !== undefined)).toEqual([
      'scan,decide,build',
      'scan,decide,build',
      'scan,decide,build',
    ]);
    narrow.resourcePropertiesCountIs(
      'AWS::Scheduler::Schedule',
      { ScheduleExpression: Match.stringLikeRegexp('^cron') },
      0,
    );
    narrow.resourcePropertiesCountIs('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(1 minute)' }, 1);
  });

  it('keeps logs for a bounded time', () => {
    t.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  it('lets the bot role assume the member role by name only, never any role', () => {
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'EnterMemberAccounts',
            Action: 'sts:AssumeRole',
            Resource: {
              'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::*:role/EfsEncryptRole']],
            },
          }),
        ]),
      },
    });
  });
});

describe('the member role templates', () => {
  const template = (flavour: 'read-only' | 'migrate') =>
    Template.fromStack(new MemberRoleStack(new App(), `Member-${flavour}`, { flavour }));

  it('trusts the bot role only with the external ID', () => {
    template('read-only').hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: 'sts:AssumeRole',
            Principal: { AWS: { Ref: 'BotRoleArn' } },
            Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } },
          }),
        ],
      },
    });
  });

  it('grants read-only exactly the read phases’ actions from src/aws/permissions.ts, no write', () => {
    const actions = memberActionsFor(['scan', 'decide', 'validate', 'digest']);
    template('read-only').hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: actions, Effect: 'Allow' })] },
    });
    expect(actions.filter((a) => /:(Create|Put|Delete|Update|Start|Tag)/.test(a))).toEqual([]);
  });

  it('grants migrate exactly every phase’s actions, iam:PassRole only to the services that take a role', () => {
    const policy = Object.values(template('migrate').findResources('AWS::IAM::Policy'))[0] as {
      Properties: {
        PolicyDocument: {
          Statement: { Sid: string; Action: string | string[]; Condition?: Record<string, unknown> }[];
        };
      };
    };
    const statements = policy.Properties.PolicyDocument.Statement;
    const granted = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
    expect(granted).toEqual(memberActionsFor(MIGRATE_PHASES));
    for (const a of [...MEMBER_ACTIONS.build, ...MEMBER_ACTIONS.copy, ...MEMBER_ACTIONS.cutover])
      expect(granted).toContain(a);
    const passRole = statements.filter((s) => [s.Action].flat().includes('iam:PassRole'));
    expect(passRole).toEqual([
      {
        Sid: 'PassRolesToTheirServices',
        Action: 'iam:PassRole',
        Effect: 'Allow',
        Resource: '*',
        Condition: { StringEquals: { 'iam:PassedToService': [...PASSED_TO_SERVICES] } },
      },
    ]);
  });

  it('needs no bootstrap or assets, so it deploys as a StackSet', () => {
    const t = template('migrate').toJSON() as { Parameters?: Record<string, unknown> };
    expect(Object.keys(t.Parameters ?? {})).not.toContain('BootstrapVersion');
  });
});
