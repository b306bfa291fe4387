import {
  BROADCAST_RANGES,
  DATE_FORMAT,
  ElementLimits,
  PREFORMATTED_INLINE,
  RICH_TEXT_INLINE,
  RICH_TEXT_OBJECTS,
  RICH_TEXT_STYLES,
  TIME_FORMAT,
} from './element-limits.ts';

/**
 * Shapes and limits of the image block and element, the rich_text block and the date and time
 * pickers (`element-limits.ts`), one line per problem naming a JSON pointer, as block-validation's
 * other checks answer.
 */

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An image block (`block: true`: it may have a title) or an image element (accessory, context). */
export function imageProblems(e: Json, at: string, block: boolean): string[] {
  const problems: string[] = [];
  const hasUrl = e.image_url !== undefined;
  const hasFile = e.slack_file !== undefined;
  if (!hasUrl && !hasFile) problems.push(`missing required field: image_url [json-pointer:${at}/image_url]`);
  if (hasUrl && hasFile)
    problems.push(`image_url and slack_file cannot both be set [json-pointer:${at}/image_url]`);
  if (hasUrl) {
    if (typeof e.image_url !== 'string' || e.image_url.length === 0)
      problems.push(`image_url must be a non-empty string [json-pointer:${at}/image_url]`);
    else if (e.image_url.length > ElementLimits.imageUrl)
      problems.push(
        `image_url ${e.image_url.length} chars (max ${ElementLimits.imageUrl}) [json-pointer:${at}/image_url]`,
      );
  }
  if (
    hasFile &&
    !(isObject(e.slack_file) && (typeof e.slack_file.url === 'string' || typeof e.slack_file.id === 'string'))
  )
    problems.push(`slack_file needs url or id [json-pointer:${at}/slack_file]`);
  if (typeof e.alt_text !== 'string' || e.alt_text.length === 0)
    problems.push(`missing required field: alt_text [json-pointer:${at}/alt_text]`);
  else if (e.alt_text.length > ElementLimits.imageAltText)
    problems.push(
      `alt_text ${e.alt_text.length} chars (max ${ElementLimits.imageAltText}) [json-pointer:${at}/alt_text]`,
    );
  if (block && e.title !== undefined) {
    const t = e.title;
    if (!isObject(t) || t.type !== 'plain_text' || typeof t.text !== 'string')
      problems.push(`title must be a plain_text object [json-pointer:${at}/title]`);
    else if (t.text.length > ElementLimits.imageTitle)
      problems.push(
        `title ${t.text.length} chars (max ${ElementLimits.imageTitle}) [json-pointer:${at}/title/text]`,
      );
  }
  return problems;
}

/** datepicker `initial_date` (a real calendar day) and timepicker `initial_time` and `timezone`. */
export function pickerProblems(e: Json, at: string): string[] {
  const problems: string[] = [];
  if (e.type === 'datepicker' && e.initial_date !== undefined) {
    const m = typeof e.initial_date === 'string' ? DATE_FORMAT.exec(e.initial_date) : null;
    const real =
      m &&
      (() => {
        const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
        const date = new Date(Date.UTC(y, mo - 1, d));
        return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
      })();
    if (!real)
      problems.push(
        `initial_date must be a date as YYYY-MM-DD, not ${JSON.stringify(e.initial_date)} [json-pointer:${at}/initial_date]`,
      );
  }
  if (e.type === 'timepicker') {
    if (
      e.initial_time !== undefined &&
      !(typeof e.initial_time === 'string' && TIME_FORMAT.test(e.initial_time))
    )
      problems.push(
        `initial_time must be HH:mm (24-hour), not ${JSON.stringify(e.initial_time)} [json-pointer:${at}/initial_time]`,
      );
    if (e.timezone !== undefined && !(typeof e.timezone === 'string' && validTimeZone(e.timezone)))
      problems.push(
        `timezone must be an IANA time zone, not ${JSON.stringify(e.timezone)} [json-pointer:${at}/timezone]`,
      );
  }
  return problems;
}

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function inlineProblems(e: unknown, at: string, allowed: ReadonlySet<string> | undefined): string[] {
  if (!isObject(e)) return [`must be a rich text element object [json-pointer:${at}]`];
  const type = String(e.type);
  const required = RICH_TEXT_INLINE[type];
  if (!required || (allowed && !allowed.has(type)))
    return [`unsupported rich text element type ${type} here [json-pointer:${at}/type]`];
  const problems: string[] = [];
  const value = e[required];
  if (type === 'date' ? typeof value !== 'number' : typeof value !== 'string' || value.length === 0)
    problems.push(`missing required field: ${required} [json-pointer:${at}/${required}]`);
  if (type === 'date' && typeof e.format !== 'string')
    problems.push(`missing required field: format [json-pointer:${at}/format]`);
  if (type === 'broadcast' && typeof value === 'string' && !BROADCAST_RANGES.has(value))
    problems.push(`broadcast range must be here, channel or everyone [json-pointer:${at}/range]`);
  if (e.style !== undefined) {
    if (!isObject(e.style)) problems.push(`style must be an object [json-pointer:${at}/style]`);
    else
      for (const [k, v] of Object.entries(e.style))
        if (!RICH_TEXT_STYLES.has(k) || typeof v !== 'boolean')
          problems.push(`style ${k} is not a boolean text style [json-pointer:${at}/style/${k}]`);
  }
  return problems;
}

function inlineListProblems(
  elements: unknown,
  at: string,
  allowed: ReadonlySet<string> | undefined,
): string[] {
  if (!Array.isArray(elements)) return [`elements must be an array [json-pointer:${at}/elements]`];
  return elements.flatMap((e, i) => inlineProblems(e, `${at}/elements/${i}`, allowed));
}

function richTextObjectProblems(o: unknown, at: string): string[] {
  if (!isObject(o)) return [`must be a rich text object [json-pointer:${at}]`];
  const type = String(o.type);
  if (!RICH_TEXT_OBJECTS.has(type))
    return [`unsupported rich text object type ${type} [json-pointer:${at}/type]`];
  const problems: string[] = [];
  if (o.border !== undefined && o.border !== 0 && o.border !== 1)
    problems.push(`border must be 0 or 1 [json-pointer:${at}/border]`);
  if (type === 'rich_text_list') {
    if (o.style !== 'bullet' && o.style !== 'ordered')
      problems.push(`list style must be bullet or ordered [json-pointer:${at}/style]`);
    if (
      o.indent !== undefined &&
      !(
        Number.isInteger(o.indent) &&
        (o.indent as number) >= 0 &&
        (o.indent as number) <= ElementLimits.richTextListIndent
      )
    )
      problems.push(`indent must be 0 to ${ElementLimits.richTextListIndent} [json-pointer:${at}/indent]`);
    if (o.offset !== undefined && !(Number.isInteger(o.offset) && (o.offset as number) >= 0))
      problems.push(`offset must be a whole number [json-pointer:${at}/offset]`);
    if (!Array.isArray(o.elements) || o.elements.length === 0)
      problems.push(`elements must be a non-empty array [json-pointer:${at}/elements]`);
    else
      o.elements.forEach((s, i) => {
        const where = `${at}/elements/${i}`;
        if (!isObject(s) || s.type !== 'rich_text_section')
          problems.push(`a list item must be a rich_text_section [json-pointer:${where}]`);
        else problems.push(...inlineListProblems(s.elements, where, undefined));
      });
    return problems;
  }
  const allowed = type === 'rich_text_preformatted' ? PREFORMATTED_INLINE : undefined;
  return [...problems, ...inlineListProblems(o.elements, at, allowed)];
}

/** A rich_text block: sections, lists, preformatted text and quotes, each of inline elements. */
export function richTextProblems(b: Json, at: string): string[] {
  if (!Array.isArray(b.elements) || b.elements.length === 0)
    return [`elements must be a non-empty array [json-pointer:${at}/elements]`];
  return b.elements.flatMap((o, i) => richTextObjectProblems(o, `${at}/elements/${i}`));
}
