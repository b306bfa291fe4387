import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isSeq, parseDocument, type Document } from 'yaml';
import { BadInputError } from '../domain/errors.ts';
import { UsageError } from './usage-error.ts';

/**
 * manifest.yml with the deployed request URL in every place Slack calls the bot over HTTP: the
 * slash commands' `url`, interactivity's `request_url` and the options load URL the plan modal's key
 * picker uses. Socket Mode is turned off, since Slack ignores request URLs while it is on.
 */

/** The paths in the manifest that hold a request URL; test/cli/manifest.test.ts checks each is set. */
export const REQUEST_URL_PATHS = [
  ['features', 'slash_commands', '*', 'url'],
  ['settings', 'interactivity', 'request_url'],
  ['settings', 'interactivity', 'message_menu_options_url'],
] as const;

/** An absolute https URL with a host and no credentials, as Slack accepts for request URLs. */
export function requestUrlFrom(text: string): string {
  const fix =
    'Give the https URL Slack should call: the SlackRequestUrl output of `npx cdk deploy` ' +
    '(https://<id>.lambda-url.<region>.on.aws/), or https://<your host>/slack/events for `efs-encrypt serve` over HTTP.';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--url "${text}" is not a URL. ${fix}`);
  }
  if (url.protocol !== 'https:')
    throw new UsageError(
      `--url "${text}" is ${url.protocol.replace(/:$/, '')}, and Slack calls only https. ${fix}`,
    );
  if (url.username || url.password)
    throw new UsageError(
      `--url must not carry a user name or password: Slack signs its requests instead. ${fix}`,
    );
  if (url.hostname.endsWith('.invalid') || url.hostname === 'example.com')
    throw new UsageError(`--url "${text}" is the manifest's placeholder, not your deployment. ${fix}`);
  return url.href;
}

/** manifest.yml of this checkout: the first one up from this module (src/cli/ or dist/). */
export function defaultManifestPath(from = dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'manifest.yml');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

export async function readManifest(path: string | undefined): Promise<string> {
  if (!path)
    throw new BadInputError(
      'No manifest.yml found next to efs-encrypt (the container image leaves it out): pass --from <manifest.yml>.',
    );
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new BadInputError(
      `Cannot read the manifest ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}.`,
      { cause: e },
    );
  }
}

/** The manifest text with every request URL set to `url` and Socket Mode off; comments are kept. */
export function manifestWithRequestUrl(manifestText: string, url: string): string {
  const doc = parseDocument(manifestText);
  if (doc.errors.length) throw new BadInputError(`The manifest is not valid YAML: ${doc.errors[0]!.message}`);
  const commands = doc.getIn(['features', 'slash_commands']);
  if (!isSeq(commands) || commands.items.length === 0)
    throw new BadInputError('The manifest declares no features.slash_commands to point at the URL.');
  for (const command of commands.items) {
    if (!isMap(command)) throw new BadInputError('A features.slash_commands entry is not a mapping.');
    command.set('url', url);
  }
  setExisting(doc, ['settings', 'interactivity', 'request_url'], url);
  setExisting(doc, ['settings', 'interactivity', 'message_menu_options_url'], url);
  doc.setIn(['settings', 'socket_mode_enabled'], false);
  return doc.toString({ lineWidth: 0 });
}

/** Sets a URL the manifest has a place for; a manifest without it is not the bot's. */
function setExisting(doc: Document, path: string[], url: string): void {
  if (!doc.hasIn(path)) throw new BadInputError(`The manifest has no ${path.join('.')} to point at the URL.`);
  doc.setIn(path, url);
}
