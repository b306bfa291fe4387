import type { Command } from 'commander';
import type { CliContext } from '../cli-io.ts';
import { NotImplementedError } from '../../domain/errors.ts';

export function registerServe(program: Command, _ctx: CliContext): void {
  program
    .command('serve')
    .description('Run the Slack bot (Socket Mode, HTTP or Lambda receiver, from SLACK_MODE)')
    .action(() => {
      throw new NotImplementedError('efs-encrypt serve');
    });
}
