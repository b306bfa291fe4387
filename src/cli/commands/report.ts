import type { Command } from 'commander';
import type { CliContext } from '../cli-io.ts';
import { NotImplementedError } from '../../domain/errors.ts';

export function registerReport(program: Command, _ctx: CliContext): void {
  program
    .command('report')
    .description('Print the validation report (every in-scope file system encrypted with its intended key)')
    .action(() => {
      throw new NotImplementedError('efs-encrypt report');
    });
}
