import type { CommandHelp } from '#blocks/help.ts';

export const SLASH_COMMAND = '/efs-encrypt';

/** Every subcommand, in the order help lists them; later issues flip `available`. */
export const COMMANDS: CommandHelp[] = [
  {
    name: 'scan',
    usage: 'scan [account-id…] [region…]',
    description:
      'Inventory EFS file systems in every configured account and region (or only those named); summary here, progress in the thread.',
    available: true,
  },
  {
    name: 'plan',
    usage: 'plan [scan-id]',
    description: 'Decide per unencrypted file system: scope, target KMS key, copy method (admins).',
    available: true,
  },
  {
    name: 'build',
    usage: 'build <file-system-id>|all',
    description:
      'Create the encrypted twin (file system, mount targets, access points, policies) of decided file systems; progress in the thread (admins).',
    available: true,
  },
  {
    name: 'cutover',
    usage: 'cutover <file-system-id>',
    description:
      'Review the cutover of a verified migration: per application the exact changes, for its owner to approve in the thread (admins).',
    available: true,
  },
  {
    name: 'status',
    usage: 'status [file-system-id]',
    description:
      'Show where each migration stands, or everything about one file system (only you see the answer).',
    available: true,
  },
  {
    name: 'export',
    usage: 'export [scan-id]',
    description: 'Upload the inventory of the latest scan (or the one named) here as CSV and JSON files.',
    available: true,
  },
  {
    name: 'validate',
    usage: 'validate',
    description:
      'Build the validation report from a fresh scan: the verdict (goal met or not), exceptions and findings here, the full report as CSV, JSON and Markdown files (anyone; it only reads).',
    available: true,
  },
  {
    name: 'decommission',
    usage: 'decommission <file-system-id>',
    description:
      'Open the typed confirmation to delete a cut over source: every guard, what will be deleted, the backup first (admins).',
    available: true,
  },
  {
    name: 'digest',
    usage: 'digest',
    description:
      'Post the digest here now: migrations by state and what moved, stuck ones, failures, approvals waiting, new unencrypted file systems, keys at risk, the verdict (anyone).',
    available: true,
  },
  { name: 'help', usage: 'help', description: 'Show this list.', available: true },
];

export type ParsedCommand =
  | { kind: 'help' }
  | { kind: 'command'; command: CommandHelp; args: string[] }
  | { kind: 'unknown'; given: string };

/** `text` as Slack sends it after the command name; empty means help. */
export function parseCommand(text: string, commands: CommandHelp[] = COMMANDS): ParsedCommand {
  const [first, ...args] = text.trim().split(/\s+/).filter(Boolean);
  if (first === undefined) return { kind: 'help' };
  const name = first.toLowerCase();
  if (name === 'help') return { kind: 'help' };
  const command = commands.find((c) => c.name === name);
  return command ? { kind: 'command', command, args } : { kind: 'unknown', given: first };
}
