import { limitBreaches, viewLimitBreaches, SlackLimits, type Block } from '#blocks/limits.ts';
import type { types } from '@slack/bolt';
import { imageProblems, pickerProblems, richTextProblems } from './element-rules.ts';

/**
 * What real Slack checks before it accepts a message's blocks or a view: the limits of
 * `blocks/limits.ts` plus the shapes documented on docs.slack.dev (reference/block-kit): known block
 * and element types, required members, text object types, IDs unique where Slack wants them unique,
 * option counts. The recording harness accepts anything; the sandbox answers `invalid_blocks` (or
 * `invalid_arguments` for a view) as Slack does, so a builder's mistake is seen before Slack sees it.
 * One line per problem, each naming a JSON pointer as Slack's `response_metadata.messages` do.
 */

const BLOCK_TYPES = new Set([
  'section',
  'context',
  'divider',
  'header',
  'actions',
  'input',
  'image',
  'rich_text',
  'file',
  'video',
  'markdown',
]);

/** Interactive elements, and where each may appear. */
const ACTION_ELEMENTS = new Set([
  'button',
  'overflow',
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
  'datepicker',
  'timepicker',
  'datetimepicker',
  'checkboxes',
  'radio_buttons',
  'workflow_button',
]);
const INPUT_ONLY_ELEMENTS = new Set([
  'plain_text_input',
  'email_text_input',
  'url_text_input',
  'number_input',
  'rich_text_input',
  'file_input',
]);
const ACCESSORY_ELEMENTS = new Set([...ACTION_ELEMENTS, 'image']);
const INPUT_ELEMENTS = new Set([...ACTION_ELEMENTS, ...INPUT_ONLY_ELEMENTS]);
const SELECTS_WITH_OPTIONS = new Set(['static_select', 'multi_static_select']);
const OPTION_LISTS = new Set(['overflow', 'checkboxes', 'radio_buttons', ...SELECTS_WITH_OPTIONS]);

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A text object: `{ type: plain_text|mrkdwn, text }`; `plainOnly` where Slack allows only plain_text. */
function textProblems(t: unknown, at: string, plainOnly: boolean, required = true): string[] {
  if (t === undefined) return required ? [`missing required field: text [json-pointer:${at}]`] : [];
  if (!isObject(t)) return [`must be a text object [json-pointer:${at}]`];
  const problems: string[] = [];
  if (t.type !== 'plain_text' && t.type !== 'mrkdwn')
    problems.push(`text type must be plain_text or mrkdwn, not ${String(t.type)} [json-pointer:${at}/type]`);
  else if (plainOnly && t.type !== 'plain_text')
    problems.push(`must be plain_text, not mrkdwn [json-pointer:${at}/type]`);
  if (typeof t.text !== 'string') problems.push(`missing required field: text [json-pointer:${at}/text]`);
  else if (t.text.length === 0) problems.push(`must be more than 0 characters [json-pointer:${at}/text]`);
  return problems;
}

function optionProblems(o: unknown, at: string): string[] {
  if (!isObject(o)) return [`must be an option object [json-pointer:${at}]`];
  const problems = textProblems(o.text, `${at}/text`, false);
  if (typeof o.value !== 'string' || o.value.length === 0)
    problems.push(`missing required field: value [json-pointer:${at}/value]`);
  return problems;
}

function elementProblems(e: unknown, at: string, allowed: Set<string>, actionIds: Set<string>): string[] {
  if (!isObject(e)) return [`must be an element object [json-pointer:${at}]`];
  const type = String(e.type);
  if (!allowed.has(type)) return [`unsupported element type ${type} here [json-pointer:${at}/type]`];
  const problems: string[] = [];
  if (type === 'image') return imageProblems(e, at, false);
  if (type === 'datepicker' || type === 'timepicker') problems.push(...pickerProblems(e, at));
  if (typeof e.action_id === 'string') {
    if (e.action_id.length === 0) problems.push(`action_id must not be empty [json-pointer:${at}/action_id]`);
    if (actionIds.has(e.action_id))
      problems.push(`action_id ${e.action_id} is used twice in one block [json-pointer:${at}/action_id]`);
    actionIds.add(e.action_id);
  }
  if (type === 'button') {
    problems.push(...textProblems(e.text, `${at}/text`, true));
    if (e.style !== undefined && e.style !== 'primary' && e.style !== 'danger')
      problems.push(`button style must be primary or danger [json-pointer:${at}/style]`);
  }
  if (e.placeholder !== undefined) problems.push(...textProblems(e.placeholder, `${at}/placeholder`, true));
  if (OPTION_LISTS.has(type)) {
    const groups = Array.isArray(e.option_groups) ? (e.option_groups as unknown[]) : undefined;
    const options = Array.isArray(e.options) ? (e.options as unknown[]) : undefined;
    if (!options && !(groups && SELECTS_WITH_OPTIONS.has(type)))
      problems.push(`missing required field: options [json-pointer:${at}/options]`);
    if (options && groups)
      problems.push(`options and option_groups cannot both be set [json-pointer:${at}/options]`);
    const all = [
      ...(options ?? []).map((o, i) => [o, `${at}/options/${i}`] as const),
      ...(groups ?? []).flatMap((g, gi) =>
        isObject(g) && Array.isArray(g.options)
          ? (g.options as unknown[]).map((o, i) => [o, `${at}/option_groups/${gi}/options/${i}`] as const)
          : [],
      ),
    ];
    if ((options || groups) && all.length === 0)
      problems.push(`must provide at least 1 option [json-pointer:${at}/options]`);
    const values = new Set<string>();
    for (const [o, where] of all) {
      problems.push(...optionProblems(o, where));
      if (isObject(o) && typeof o.value === 'string') {
        if (values.has(o.value)) problems.push(`option value ${o.value} is repeated [json-pointer:${where}]`);
        values.add(o.value);
      }
    }
  }
  if (e.confirm !== undefined) {
    const c = e.confirm;
    if (!isObject(c)) problems.push(`confirm must be an object [json-pointer:${at}/confirm]`);
    else
      for (const k of ['title', 'text', 'confirm', 'deny'] as const)
        problems.push(...textProblems(c[k], `${at}/confirm/${k}`, k !== 'text'));
  }
  return problems;
}

/** The shape of one block; limits are limitBreaches' job. */
function blockProblems(b: unknown, at: string, surface: 'message' | 'modal'): string[] {
  if (!isObject(b)) return [`must be a block object [json-pointer:${at}]`];
  const type = String(b.type);
  if (!BLOCK_TYPES.has(type)) return [`unsupported block type ${type} [json-pointer:${at}/type]`];
  const problems: string[] = [];
  const actionIds = new Set<string>();
  if (b.block_id !== undefined && (typeof b.block_id !== 'string' || b.block_id.length === 0))
    problems.push(`block_id must be a non-empty string [json-pointer:${at}/block_id]`);
  switch (type) {
    case 'section': {
      if (b.text === undefined && b.fields === undefined)
        problems.push(`a section needs text or fields [json-pointer:${at}]`);
      if (b.text !== undefined) problems.push(...textProblems(b.text, `${at}/text`, false));
      if (b.fields !== undefined) {
        if (!Array.isArray(b.fields) || b.fields.length === 0)
          problems.push(`fields must be a non-empty array [json-pointer:${at}/fields]`);
        else b.fields.forEach((f, i) => problems.push(...textProblems(f, `${at}/fields/${i}`, false)));
      }
      if (b.accessory !== undefined)
        problems.push(...elementProblems(b.accessory, `${at}/accessory`, ACCESSORY_ELEMENTS, actionIds));
      break;
    }
    case 'header':
      problems.push(...textProblems(b.text, `${at}/text`, true));
      break;
    case 'context':
      if (!Array.isArray(b.elements) || b.elements.length === 0)
        problems.push(`elements must be a non-empty array [json-pointer:${at}/elements]`);
      else
        b.elements.forEach((e, i) => {
          const where = `${at}/elements/${i}`;
          if (isObject(e) && e.type === 'image')
            problems.push(...elementProblems(e, where, new Set(['image']), actionIds));
          else problems.push(...textProblems(e, where, false));
        });
      break;
    case 'actions':
      if (!Array.isArray(b.elements) || b.elements.length === 0)
        problems.push(`elements must be a non-empty array [json-pointer:${at}/elements]`);
      else
        b.elements.forEach((e, i) =>
          problems.push(...elementProblems(e, `${at}/elements/${i}`, ACTION_ELEMENTS, actionIds)),
        );
      break;
    case 'input':
      problems.push(...textProblems(b.label, `${at}/label`, true));
      if (b.hint !== undefined) problems.push(...textProblems(b.hint, `${at}/hint`, true));
      if (b.element === undefined) problems.push(`missing required field: element [json-pointer:${at}]`);
      else problems.push(...elementProblems(b.element, `${at}/element`, INPUT_ELEMENTS, actionIds));
      if (surface === 'message' && b.dispatch_action !== true)
        problems.push(`an input block in a message must set dispatch_action [json-pointer:${at}]`);
      break;
    case 'image':
      problems.push(...imageProblems(b, at, true));
      break;
    case 'rich_text':
      problems.push(...richTextProblems(b, at));
      break;
  }
  return problems;
}

/** Shapes and limits of a list of blocks, plus block_ids unique across them. */
function blocksProblems(
  blocks: unknown,
  at: string,
  surface: 'message' | 'modal',
  withLimits = true,
): string[] {
  if (!Array.isArray(blocks)) return [`blocks must be an array [json-pointer:${at}]`];
  const problems: string[] = [];
  const blockIds = new Set<string>();
  blocks.forEach((b, i) => {
    problems.push(...blockProblems(b, `${at}/${i}`, surface));
    if (isObject(b) && typeof b.block_id === 'string') {
      if (blockIds.has(b.block_id))
        problems.push(`block_id ${b.block_id} is used twice [json-pointer:${at}/${i}/block_id]`);
      blockIds.add(b.block_id);
    }
  });
  // Limits read the typed shape, so only blocks whose shape is right are measured.
  if (problems.length || !withLimits) return problems;
  const max = surface === 'modal' ? SlackLimits.blocksPerModal : SlackLimits.blocksPerMessage;
  return limitBreaches(blocks as Block[], max).map((p) => `${p} [json-pointer:${at}]`);
}

/** A message's blocks (chat.postMessage, chat.update, chat.postEphemeral, response_url). */
export function messageBlockProblems(blocks: unknown): string[] {
  if (blocks === undefined) return [];
  return blocksProblems(blocks, '/blocks', 'message');
}

/** A view (views.open, views.update, views.push, response_action update/push). */
export function viewProblems(view: unknown): string[] {
  if (!isObject(view)) return ['view must be an object [json-pointer:/view]'];
  if (view.type !== 'modal' && view.type !== 'home')
    return [`view type must be modal or home [json-pointer:/view/type]`];
  const problems: string[] = [];
  if (view.type === 'modal') {
    problems.push(...textProblems(view.title, '/view/title', true));
    if (view.submit !== undefined) problems.push(...textProblems(view.submit, '/view/submit', true));
    if (view.close !== undefined) problems.push(...textProblems(view.close, '/view/close', true));
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObject(b) && b.type === 'input');
    if (hasInput && view.submit === undefined)
      problems.push('a modal with input blocks needs submit [json-pointer:/view/submit]');
  }
  problems.push(...blocksProblems(view.blocks, '/view/blocks', 'modal', false));
  if (problems.length) return problems;
  return viewLimitBreaches(view as unknown as types.View).map((p) => `${p} [json-pointer:/view]`);
}
