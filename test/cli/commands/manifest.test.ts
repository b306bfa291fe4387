import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { defaultManifestPath } from '../../../src/cli/slack-manifest.ts';
import { COMMANDS, SLASH_COMMAND } from '../../../src/slack/commands.ts';
import { runCli, useCliWorkspace } from '../run-cli.ts';

/** The parts of a Slack app manifest the command writes. */
interface Manifest {
  features: { slash_commands: { command: string; url: string; usage_hint: string }[] };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    interactivity: { is_enabled: boolean; request_url: string; message_menu_options_url: string };
    socket_mode_enabled: boolean;
  };
}

const workspace = useCliWorkspace('manifest-cli-');
const FUNCTION_URL = 'https://abc123def456.lambda-url.eu-west-1.on.aws/';
const checkout = readFileSync(new URL('../../../manifest.yml', import.meta.url), 'utf8');

describe('efs-encrypt manifest --url', () => {
  it('prints the checkout’s manifest with every request URL the deployed URL and Socket Mode off', async () => {
    const { code, out, err } = await runCli('manifest', '--url', FUNCTION_URL);
    expect(err).toBe('');
    expect(code).toBe(0);
    const printed = parse(out) as Manifest;
    expect(printed.features.slash_commands.map((c) => c.url)).toEqual([FUNCTION_URL]);
    expect(printed.settings.interactivity.request_url).toBe(FUNCTION_URL);
    expect(printed.settings.interactivity.message_menu_options_url).toBe(FUNCTION_URL);
    expect(printed.settings.socket_mode_enabled).toBe(false);
    expect(out).not.toContain('example.invalid');
    // Everything else is the checkout's manifest, its comments included.
    const original = parse(checkout) as Manifest;
    expect(printed.oauth_config).toEqual(original.oauth_config);
    const command = printed.features.slash_commands.find((c) => c.command === SLASH_COMMAND)!;
    for (const c of COMMANDS) expect(command.usage_hint).toContain(c.name);
    expect(out).toContain('# The key picker in the plan modal is an external_select');
  });

  it('sets the URL on every slash command of a manifest given with --from', async () => {
    const two = checkout.replace(
      '  slash_commands:\n',
      '  slash_commands:\n    - command: /efs-encrypt-staging\n      description: staging\n      url: https://example.invalid/x\n',
    );
    const path = workspace.path('manifest.yml');
    writeFileSync(path, two);
    const url = 'https://bot.example.org/slack/events';
    const { code, out } = await runCli('manifest', '--url', url, '--from', path);
    expect(code).toBe(0);
    expect((parse(out) as Manifest).features.slash_commands.map((c) => c.url)).toEqual([url, url]);
  });

  it.each([
    ['http://bot.example.org/slack/events', /is http, and Slack calls only https/],
    ['bot.example.org/slack/events', /is not a URL/],
    ['https://user:pw@bot.example.org/slack/events', /must not carry a user name or password/],
    ['https://example.invalid/slack/events', /the manifest's placeholder/],
  ])('refuses --url %s with exit 2 and what to give instead, printing nothing', async (url, why) => {
    const { code, out, err } = await runCli('manifest', '--url', url);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(why);
    expect(err).toContain('SlackRequestUrl output of `npx cdk deploy`');
  });

  it('requires --url', async () => {
    const { code, err } = await runCli('manifest');
    expect(code).toBe(2);
    expect(err).toContain("required option '--url <url>' not specified");
  });

  it('says which file it could not read, and that a manifest without the request URL places is not the bot’s', async () => {
    const missing = await runCli('manifest', '--url', FUNCTION_URL, '--from', workspace.path('none.yml'));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/Cannot read the manifest .*none\.yml: ENOENT/);
    const path = workspace.path('bare.yml');
    writeFileSync(path, 'features:\n  slash_commands:\n    - command: /x\n');
    const bare = await runCli('manifest', '--url', FUNCTION_URL, '--from', path);
    expect(bare.code).toBe(1);
    expect(bare.err).toContain('The manifest has no settings.interactivity.request_url');
  });

  it('finds manifest.yml from the module up, as from dist/', () => {
    expect(defaultManifestPath()).toBe(new URL('../../../manifest.yml', import.meta.url).pathname);
    expect(defaultManifestPath('/')).toBeUndefined();
  });
});
