/**
 * Slack's documented limits and formats for the blocks and elements `blocks/limits.ts` does not
 * cover (the bot sends none of them today; Slack, or a future builder, may): the image block and
 * element, the rich_text block, and the date and time pickers. Sources, on docs.slack.dev:
 * reference/block-kit/blocks/image-block, block-elements/image-element,
 * blocks/rich-text-block and block-elements/rich-text-*-element, block-elements/date-picker-element
 * and block-elements/time-picker-element.
 */
export const ElementLimits = {
  /** image block and image element: `image_url` (or `slack_file`, never both). */
  imageUrl: 3000,
  /** image block and image element: `alt_text`, plain text without markup. */
  imageAltText: 2000,
  /** image block: `title`, plain_text only. */
  imageTitle: 2000,
  /** rich_text_list: `indent` is a number from 0 (default) to 8. */
  richTextListIndent: 8,
} as const;

/** datepicker `initial_date`: YYYY-MM-DD. */
export const DATE_FORMAT = /^(\d{4})-(\d{2})-(\d{2})$/;
/** timepicker `initial_time`: HH:mm, 24-hour. */
export const TIME_FORMAT = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The top-level elements of a rich_text block. */
export const RICH_TEXT_OBJECTS = new Set([
  'rich_text_section',
  'rich_text_list',
  'rich_text_preformatted',
  'rich_text_quote',
]);

/** The inline elements of a rich text section or quote, and the member each one needs. */
export const RICH_TEXT_INLINE: Record<string, string> = {
  text: 'text',
  link: 'url',
  emoji: 'name',
  user: 'user_id',
  channel: 'channel_id',
  usergroup: 'usergroup_id',
  team: 'team_id',
  broadcast: 'range',
  date: 'timestamp',
  color: 'value',
};
/** rich_text_preformatted holds only text and links. */
export const PREFORMATTED_INLINE = new Set(['text', 'link']);
export const BROADCAST_RANGES = new Set(['here', 'channel', 'everyone']);
export const RICH_TEXT_STYLES = new Set(['bold', 'italic', 'strike', 'code', 'underline', 'highlight']);
