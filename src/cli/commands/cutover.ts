import type { Command } from 'commander';
import type { CliContext } from '../cli-io.ts';
import { registerCutoverRefs } from './cutover-refs.ts';
import { registerCutoverApplyCommands } from './cutover-apply.ts';

/**
 * `efs-encrypt cutover …`: moving a migration's consumers to its twin. `refs` finds them; plan,
 * apply, rollback, status, waive and order move them (cutover-apply.ts).
 */
export function registerCutover(program: Command, ctx: CliContext): void {
  const cutover = program.command('cutover').description("Move a verified migration's consumers to its twin");
  registerCutoverRefs(cutover, ctx);
  registerCutoverApplyCommands(cutover, ctx);
}
