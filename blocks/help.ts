import { escapeMrkdwn } from './format.ts';
import { SlackLimits, clip, packLines, type Block, type SlackMessage } from './limits.ts';

/** One entry of the command list; `available: false` shows it as coming. */
export interface CommandHelp {
  name: string;
  usage: string;
  description: string;
  available: boolean;
}

function commandLine(slashCommand: string, c: CommandHelp): string {
  const coming = c.available ? '' : ' _(coming)_';
  return `• \`${slashCommand} ${c.usage}\`${coming}: ${escapeMrkdwn(c.description)}`;
}

function commandSections(slashCommand: string, commands: CommandHelp[]): Block[] {
  return packLines(commands.map((c) => commandLine(slashCommand, c))).map((text) => ({
    type: 'section',
    text: { type: 'mrkdwn', text },
  }));
}

/** The answer to `/efs-encrypt` and `/efs-encrypt help`. */
export function helpMessage(slashCommand: string, commands: CommandHelp[]): SlackMessage {
  return {
    text: `${slashCommand} commands: ${commands.map((c) => c.name).join(', ')}`,
    blocks: [
      {
        type: 'header',
        text: { type: 'plain_text', text: clip(`${slashCommand} commands`, SlackLimits.headerText) },
      },
      ...commandSections(slashCommand, commands),
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: 'Finds unencrypted Amazon EFS file systems and migrates them to encrypted twins. Scans are read-only.',
          },
        ],
      },
    ],
  };
}

/** The answer to a subcommand that does not exist: say so, then list what does. */
export function unknownCommandMessage(
  slashCommand: string,
  given: string,
  commands: CommandHelp[],
): SlackMessage {
  const shown = clip(given, 100).replace(/`/g, "'");
  const intro = `I don't know \`${escapeMrkdwn(shown)}\`. The commands are: ${commands
    .map((c) => (c.available ? c.name : `${c.name} (coming)`))
    .join(', ')}.`;
  return {
    text: intro,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: intro } },
      ...commandSections(slashCommand, commands),
    ],
  };
}

/** The answer to a known subcommand whose feature has not shipped yet. */
export function comingSoonMessage(
  slashCommand: string,
  command: CommandHelp,
  commands: CommandHelp[],
): SlackMessage {
  const text = `\`${slashCommand} ${command.name}\` is coming and not available yet. Available now: ${commands
    .filter((c) => c.available)
    .map((c) => c.name)
    .join(', ')}.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
