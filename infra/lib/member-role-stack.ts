import { BootstraplessSynthesizer, CfnParameter, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import {
  MIGRATE_PHASES,
  PASSED_TO_SERVICES,
  READ_ONLY_PHASES,
  memberActionsFor,
} from '../../src/aws/permissions.ts';

export type MemberRoleFlavour = 'read-only' | 'migrate';

export interface MemberRoleStackProps extends StackProps {
  flavour: MemberRoleFlavour;
}

/**
 * The role the bot assumes in each member account, as a plain CloudFormation template (no assets,
 * no bootstrap): deployable as a service-managed StackSet across the organisation. The bot's role
 * ARN and the external ID are parameters, so one template serves every installation.
 * read-only: scan, decide, validate, digest. migrate: those and build, copy, cutover, decommission.
 */
export class MemberRoleStack extends Stack {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: MemberRoleStackProps) {
    // StackSets deploy plain templates: no bootstrap roles, no asset buckets in member accounts.
    super(scope, id, { ...props, synthesizer: new BootstraplessSynthesizer() });
    const botRoleArn = new CfnParameter(this, 'BotRoleArn', {
      type: 'String',
      description: 'ARN of the efs-encrypt bot role (the BotRoleArn output of the bot stack)',
      allowedPattern: '^arn:aws[a-z-]*:iam::\\d{12}:role/.+$',
    });
    const externalId = new CfnParameter(this, 'ExternalId', {
      type: 'String',
      noEcho: true,
      minLength: 16,
      description: 'External ID the bot passes to AssumeRole (EFS_ENCRYPT_EXTERNAL_ID)',
    });
    const roleName = new CfnParameter(this, 'RoleName', { type: 'String', default: 'EfsEncryptRole' });

    this.role = new iam.Role(this, 'MemberRole', {
      roleName: roleName.valueAsString,
      assumedBy: new iam.ArnPrincipal(botRoleArn.valueAsString).withConditions({
        StringEquals: { 'sts:ExternalId': externalId.valueAsString },
      }),
      description: `efs-encrypt member role (${props.flavour})`,
    });
    const phases = props.flavour === 'migrate' ? MIGRATE_PHASES : READ_ONLY_PHASES;
    const actions = memberActionsFor(phases);
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: props.flavour === 'migrate' ? 'EfsEncryptMigrate' : 'EfsEncryptReadOnly',
        actions: actions.filter((a) => a !== 'iam:PassRole'),
        resources: ['*'],
      }),
    );
    // The backup role, a DataSync task report's bucket role and a task definition's roles are the
    // installation's own, named at run time; passing them is limited to the services that take them.
    if (actions.includes('iam:PassRole'))
      this.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'PassRolesToTheirServices',
          actions: ['iam:PassRole'],
          resources: ['*'],
          conditions: { StringEquals: { 'iam:PassedToService': [...PASSED_TO_SERVICES] } },
        }),
      );
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'The file systems, keys and subnets are discovered at run time in every account of the ' +
        'organisation; the Describe and List actions take no resource, and the write actions are the ' +
        'ones src/aws/permissions.ts lists for the migrate phases; iam:PassRole only to the services ' +
        'in PASSED_TO_SERVICES (iam:PassedToService), for roles the installation names in its settings.',
    });
  }
}
