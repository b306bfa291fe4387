import type { App } from '@slack/bolt';
import { SLASH_COMMAND } from '../../commands.ts';
import type { ListenerDeps } from '../deps.ts';
import { efsEncryptCommand } from './efs-encrypt.ts';

export function registerCommands(app: App, deps: ListenerDeps): void {
  app.command(SLASH_COMMAND, efsEncryptCommand(deps));
}
