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
} as const;

export type Block = types.KnownBlock;

/** A message body: `text` is the notification and accessibility fallback for `blocks`. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

/** Shortens one value (a tag, a name) for display; whole lists are paged, never cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
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
    if (b.type === 'actions' && b.elements.length > SlackLimits.actionsElements)
      problems.push(`block ${i}: ${b.elements.length} actions`);
    if (b.block_id && b.block_id.length > SlackLimits.blockId) problems.push(`block ${i}: block_id too long`);
  });
  return problems;
}
