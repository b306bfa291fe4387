import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMMANDS, SLASH_COMMAND } from '../../src/slack/commands.ts';

/** manifest.yml creates the app in one step: it must stay in line with what the bot does. */
interface Manifest {
  features: { slash_commands: { command: string; usage_hint: string }[] };
  oauth_config: { scopes: { bot: string[] } };
  settings: { interactivity: { is_enabled: boolean; message_menu_options_url?: string } };
}

const manifest = parse(readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8')) as Manifest;

describe('manifest.yml', () => {
  it('declares the slash command with every subcommand in its usage hint', () => {
    const command = manifest.features.slash_commands.find((c) => c.command === SLASH_COMMAND);
    expect(command).toBeDefined();
    for (const c of COMMANDS) expect(command!.usage_hint).toContain(c.name);
  });

  it('asks for the scopes the bot uses: posting, file uploads (runbooks, exports), user groups for admins', () => {
    expect(manifest.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining([
        'commands',
        'chat:write',
        'files:write',
        'usergroups:read',
        'users:read.email',
      ]),
    );
  });

  it('turns on interactivity and the options URL the plan modal’s key picker loads from', () => {
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.interactivity.message_menu_options_url).toMatch(/\/slack\/events$/);
  });
});
