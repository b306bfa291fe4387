import type { Command } from 'commander';
import type { CliContext } from '../cli-io.ts';
import { NotImplementedError } from '../../domain/errors.ts';

export function registerEstate(program: Command, _ctx: CliContext): void {
  const estate = program.command('estate').description('Run or capture a local AWS estate (a stateful AWS double)');
  estate
    .command('serve')
    .description('Serve an estate file on loopback for the real AWS SDK clients (AWS_ENDPOINT_URL)')
    .action(() => {
      throw new NotImplementedError('efs-encrypt estate serve');
    });
  estate
    .command('capture')
    .description('Write the configured real accounts into an estate file with read-only calls')
    .action(() => {
      throw new NotImplementedError('efs-encrypt estate capture');
    });
}
