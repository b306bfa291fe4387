import type { Command } from 'commander';
import type { CliContext } from '../cli-io.ts';
import { NotImplementedError } from '../../domain/errors.ts';

export function registerScan(program: Command, _ctx: CliContext): void {
  program
    .command('scan')
    .description('Inventory every EFS file system in the configured accounts and regions')
    .action(() => {
      throw new NotImplementedError('efs-encrypt scan');
    });
}
