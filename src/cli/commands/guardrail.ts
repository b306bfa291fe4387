import { Option, type Command } from 'commander';
import type { CliContext } from '../cli-io.ts';

/**
 * `efs-encrypt guardrail [--scp|--iam]`: prints the policy that denies creating an unencrypted EFS
 * file system (src/domain/guardrail-policy.ts), as a service control policy or an identity policy.
 * No AWS call: it only prints; attaching it is the organisation's change to make.
 */
export function registerGuardrail(program: Command, ctx: CliContext): void {
  program
    .command('guardrail')
    .description('Print the policy that denies creating unencrypted EFS file systems (SCP or IAM)')
    .addOption(
      new Option('--scp', 'as a service control policy for AWS Organizations (the default)').conflicts('iam'),
    )
    .addOption(new Option('--iam', 'as an IAM identity policy (users, groups, roles, permission boundaries)'))
    .addHelpText(
      'after',
      '\nThe SCP goes on the organisation root, an OU or an account (it binds everyone there, admins too);\n' +
        'the identity policy on the IAM principals of one account. Neither can pin a KMS key: EFS has no\n' +
        'condition key for it, so `efs-encrypt report` still checks that each file system uses its intended key.\n',
    )
    .action(async (opts: { scp?: boolean; iam?: boolean }) => {
      const { guardrailJson } = await import('../../domain/guardrail-policy.ts');
      ctx.io.out(guardrailJson(opts.iam ? 'iam' : 'scp'));
    });
}
