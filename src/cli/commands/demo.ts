import type { Command } from 'commander';
import type { CliContext } from '../cli-io.ts';
import { NotImplementedError } from '../../domain/errors.ts';

export function registerDemo(program: Command, _ctx: CliContext): void {
  program
    .command('demo')
    .description('Start the embedded store and sample estate and run the bot on them')
    .action(() => {
      throw new NotImplementedError('efs-encrypt demo');
    });
}
