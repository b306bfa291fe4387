import { App, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BotStack, type BotSettings } from '../lib/bot-stack.ts';
import { MemberRoleStack } from '../lib/member-role-stack.ts';
import { parsePhases } from '../../src/domain/phases.ts';

/**
 * `npx cdk synth|deploy` (cdk.json runs this file through tsx). Every setting is CDK context:
 * `-c accounts=organization -c regions=eu-west-1 -c admins=U0123 -c externalId=… -c
 * digestChannel=C0123 -c digestCron="0 8 ? * MON *" -c digestTimeZone=Europe/Paris -c phases=read-only`.
 */
const app = new App();
const ctx = (name: string, fallback?: string): string => {
  const value = app.node.tryGetContext(name) as string | undefined;
  if (value !== undefined && value !== '') return String(value);
  if (fallback !== undefined) return fallback;
  throw new Error(`cdk context "${name}" is required: pass -c ${name}=… (README, Deploy)`);
};
const list = (v: string) =>
  v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

const digestChannel = ctx('digestChannel', '');
const phases = parsePhases(ctx('phases', 'all'));
if ('problem' in phases) throw new Error(`cdk context "phases": ${phases.problem}`);
const settings: BotSettings = {
  accounts: ctx('accounts'),
  regions: list(ctx('regions')),
  admins: list(ctx('admins')),
  memberRoleName: ctx('memberRoleName', 'EfsEncryptRole'),
  externalId: ctx('externalId'),
  tableName: ctx('tableName', 'efs-encrypt'),
  ...(ctx('slackTeamId', '') ? { slackTeamId: ctx('slackTeamId') } : {}),
  phases: phases.phases,
  ...(digestChannel
    ? {
        digest: {
          channel: digestChannel,
          cron: ctx('digestCron', '0 8 ? * MON *'),
          timeZone: ctx('digestTimeZone', 'UTC'),
        },
      }
    : {}),
};

new BotStack(app, 'EfsEncryptBot', {
  settings,
  code: lambda.Code.fromAsset(ctx('lambdaAsset', 'dist-lambda')),
});
new MemberRoleStack(app, 'EfsEncryptMemberReadOnly', { flavour: 'read-only' });
new MemberRoleStack(app, 'EfsEncryptMemberMigrate', { flavour: 'migrate' });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
