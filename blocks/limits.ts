import type { types } from '@slack/bolt';

/**
 * Slack's Block Kit limits, as documented on docs.slack.dev (reference/block-kit/blocks/*,
 * reference/methods/chat.postMessage). Builders pack or page content to stay inside them;
 * they never send a message Slack would reject or cut.
 */
export const SlackLimits = {
  blocksPerMessage: 50,
  blocksPerModal: 100,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  contextElements: 10,
  contextElementText: 2000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  blockId: 255,
  actionId: 255,
  /** chat.postMessage truncates `text` at 40,000 characters; Slack advises staying under 4,000. */
  messageText: 4000,
  /** Option objects (reference/block-kit/composition-objects/option-object). */
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  /** Static selects and overflow menus; beyond them, external_select or paging. */
  selectOptions: 100,
  overflowOptions: 5,
  placeholder: 150,
  /** Input blocks (reference/block-kit/blocks/input-block). */
  inputLabel: 2000,
  inputHint: 2000,
  /** Modals (reference/surfaces/views): title, submit and close texts. */
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
  confirmTitle: 100,
  confirmText: 300,
} as const;

export type Block = types.KnownBlock;

/** A message body: `text` is the notification and accessibility fallback for `blocks`. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/** The start of an entity escapeMrkdwn writes (`&amp;`, `&lt;`, `&gt;`), cut before its end. */
const CUT_ENTITY = /&(?:a|am|amp|l|lt|g|gt)?$/;

/**
 * Shortens one value (a tag, a name) for display; whole lists are paged, never cut. Lengths are
 * counted in UTF-16 code units, as JavaScript does, which is never less than Slack's count; the cut
 * falls between user-perceived characters, so an emoji or an astral-plane letter typed by a person
 * (or allowed by AWS in a tag) is never split into an unpaired surrogate that breaks the JSON sent to
 * Slack, and never inside an escaped entity, which would show as half-written text.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const budget = Math.max(0, max - 1);
  let end = 0;
  // Segment a window just past the cut, not the whole text: ICU segments all it is given, and a
  // megabyte typed into a slash command took ten seconds. A cluster crossing the window's end lies
  // past the cut either way.
  for (const { segment, index } of graphemes.segment(text.slice(0, budget + 64))) {
    if (index + segment.length > budget) break;
    end = index + segment.length;
  }
  return `${text.slice(0, end).replace(CUT_ENTITY, '')}…`;
}

/**
 * Packs lines into as few texts as possible, each at most `max` characters (joined by newlines).
 * A single line longer than `max` is clipped, so every text is valid.
 */
export function packLines(lines: string[], max: number = SlackLimits.sectionText): string[] {
  const out: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = clip(raw, max);
    if (current && current.length + 1 + line.length > max) {
      out.push(current);
      current = line;
    } else {
      current = current ? `${current}\n${line}` : line;
    }
  }
  if (current) out.push(current);
  return out;
}

/** Every limit a message's blocks must respect; returns one line per breach (empty when valid). */
export function limitBreaches(blocks: Block[], maxBlocks: number = SlackLimits.blocksPerMessage): string[] {
  const problems: string[] = [];
  if (blocks.length > maxBlocks) problems.push(`${blocks.length} blocks (max ${maxBlocks})`);
  blocks.forEach((b, i) => {
    if (b.type === 'section') {
      if (b.text && b.text.text.length > SlackLimits.sectionText)
        problems.push(`block ${i}: section text ${b.text.text.length} chars`);
      if (b.text && b.text.text.length === 0) problems.push(`block ${i}: empty section text`);
      if (b.fields && b.fields.length > SlackLimits.sectionFields)
        problems.push(`block ${i}: ${b.fields.length} fields`);
      for (const f of b.fields ?? [])
        if (f.text.length > SlackLimits.sectionFieldText)
          problems.push(`block ${i}: field text ${f.text.length} chars`);
    }
    if (b.type === 'header' && b.text.text.length > SlackLimits.headerText)
      problems.push(`block ${i}: header ${b.text.text.length} chars`);
    if (b.type === 'context') {
      if (b.elements.length > SlackLimits.contextElements)
        problems.push(`block ${i}: ${b.elements.length} context elements`);
      for (const e of b.elements)
        if ('text' in e && typeof e.text === 'string' && e.text.length > SlackLimits.contextElementText)
          problems.push(`block ${i}: context text ${e.text.length} chars`);
    }
    if (b.type === 'actions') {
      if (b.elements.length > SlackLimits.actionsElements)
        problems.push(`block ${i}: ${b.elements.length} actions`);
      b.elements.forEach((e, j) => problems.push(...elementBreaches(e, `block ${i} element ${j}`)));
    }
    if (b.type === 'section' && b.accessory)
      problems.push(...elementBreaches(b.accessory, `block ${i} accessory`));
    if (b.type === 'input') {
      if (b.label.text.length > SlackLimits.inputLabel)
        problems.push(`block ${i}: label ${b.label.text.length} chars`);
      if (b.hint && b.hint.text.length > SlackLimits.inputHint) problems.push(`block ${i}: hint too long`);
      problems.push(...elementBreaches(b.element, `block ${i} input`));
    }
    if (b.block_id && b.block_id.length > SlackLimits.blockId) problems.push(`block ${i}: block_id too long`);
  });
  return problems;
}

/** A modal's own limits (title, buttons, private_metadata, callback_id), then its blocks'. */
export function viewLimitBreaches(view: types.View): string[] {
  const problems: string[] = [];
  if (view.type === 'modal') {
    const texts: [string, { text: string } | undefined, number][] = [
      ['title', view.title, SlackLimits.modalTitle],
      ['submit', view.submit, SlackLimits.modalButton],
      ['close', view.close, SlackLimits.modalButton],
    ];
    for (const [name, t, max] of texts)
      if (t && t.text.length > max) problems.push(`modal ${name} ${t.text.length} chars (max ${max})`);
  }
  if (view.private_metadata && view.private_metadata.length > SlackLimits.privateMetadata)
    problems.push(`private_metadata ${view.private_metadata.length} chars`);
  if (view.callback_id && view.callback_id.length > SlackLimits.callbackId)
    problems.push('callback_id too long');
  return [...problems, ...limitBreaches(view.blocks as Block[], SlackLimits.blocksPerModal)];
}

type Option = { text: { text: string }; value?: string; description?: { text: string } };

function optionBreaches(o: Option, where: string): string[] {
  const problems: string[] = [];
  if (o.text.text.length > SlackLimits.optionText)
    problems.push(`${where}: option text ${o.text.text.length} chars`);
  if (o.value !== undefined && o.value.length > SlackLimits.optionValue)
    problems.push(`${where}: option value ${o.value.length} chars (max ${SlackLimits.optionValue})`);
  if (o.description && o.description.text.length > SlackLimits.optionDescription)
    problems.push(`${where}: option description too long`);
  return problems;
}

/** Buttons, selects, overflow menus and text inputs: texts, values, placeholders, options. */
function elementBreaches(element: object, where: string): string[] {
  const e = element as {
    type: string;
    action_id?: string;
    text?: { text: string };
    value?: string;
    placeholder?: { text: string };
    options?: Option[];
    option_groups?: { options: Option[] }[];
    initial_option?: Option;
    initial_options?: Option[];
    confirm?: { title?: { text: string }; text?: { text: string } };
  };
  const problems: string[] = [];
  if (e.action_id && e.action_id.length > SlackLimits.actionId) problems.push(`${where}: action_id too long`);
  if (e.type === 'button') {
    if (e.text && e.text.text.length > SlackLimits.buttonText)
      problems.push(`${where}: button text too long`);
    if (e.value && e.value.length > SlackLimits.buttonValue) problems.push(`${where}: button value too long`);
  }
  if (e.placeholder && e.placeholder.text.length > SlackLimits.placeholder)
    problems.push(`${where}: placeholder ${e.placeholder.text.length} chars`);
  const options = [...(e.options ?? []), ...(e.option_groups ?? []).flatMap((g) => g.options)];
  const max = e.type === 'overflow' ? SlackLimits.overflowOptions : SlackLimits.selectOptions;
  if (options.length > max) problems.push(`${where}: ${options.length} options (max ${max})`);
  for (const o of [...options, ...(e.initial_option ? [e.initial_option] : []), ...(e.initial_options ?? [])])
    problems.push(...optionBreaches(o, where));
  if (e.confirm?.title && e.confirm.title.text.length > SlackLimits.confirmTitle)
    problems.push(`${where}: confirm title too long`);
  if (e.confirm?.text && e.confirm.text.text.length > SlackLimits.confirmText)
    problems.push(`${where}: confirm text too long`);
  return problems;
}
