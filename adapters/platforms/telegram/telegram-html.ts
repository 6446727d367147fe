// Renders a Reply as Telegram HTML (parse_mode "HTML"): title in <b>, tables and code in <pre>,
// footer in <i>, and every piece of user or provider text escaped, because Telegram refuses the whole
// message when one stray < or & does not parse.
import type { Reply } from '#core/reply.ts';
import { splitBlocks, textLines, type Block, type Markup } from '../chunks.ts';
import { KIND_MARK, renderTable } from '../text.ts';

/** Telegram's limits, in characters: a message's text and a photo's caption. */
const TELEGRAM_MESSAGE_LIMIT = 4096;
const TELEGRAM_CAPTION_LIMIT = 1024;

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export const telegramHtml: Markup = {
  escape: escapeHtml,
  style: (style, escaped) => (style === 'bold' ? `<b>${escaped}</b>` : `<i>${escaped}</i>`),
  openMonospace: '<pre>',
  closeMonospace: '</pre>',
};

function blocks(message: Reply): Block[] {
  const mark = KIND_MARK[message.kind];
  const result: Block[] = [];
  if (message.title) result.push({ monospace: false, lines: textLines(`${mark}${message.title}`, 'bold') });
  if (message.text) result.push({ monospace: false, lines: textLines(message.title ? message.text : `${mark}${message.text}`) });
  if (message.fields?.length) {
    const lines = message.fields.flatMap((field) => {
      const [first = '', ...more] = field.value.split('\n');
      return [[{ style: 'bold' as const, text: `${field.name}:` }, { text: ` ${first}` }], ...more.map((line) => [{ text: line }])];
    });
    result.push({ monospace: false, lines });
  }
  if (message.table) result.push({ monospace: true, lines: textLines(renderTable(message.table)) });
  if (message.code) result.push({ monospace: true, lines: textLines(message.code) });
  if (message.footer) result.push({ monospace: false, lines: textLines(message.footer, 'italic') });
  return result;
}

/** The Reply's text as one or more HTML messages, each within Telegram's limit. Images are sent apart. */
export function renderHtmlMessages(message: Reply, limit = TELEGRAM_MESSAGE_LIMIT): string[] {
  return splitBlocks(blocks(message), telegramHtml, limit);
}

/** A photo's caption: the whole Reply when it fits, otherwise its title (or the image's alt text). */
export function renderCaption(message: Reply): { caption: string; complete: boolean } {
  const whole = renderHtmlMessages(message, TELEGRAM_CAPTION_LIMIT);
  if (whole.length === 1) return { caption: whole[0]!, complete: true };
  const headline = message.title ?? message.image?.alt ?? '';
  const [first = ''] = splitBlocks([{ monospace: false, lines: textLines(headline, message.title ? 'bold' : undefined) }], telegramHtml, TELEGRAM_CAPTION_LIMIT);
  return { caption: first, complete: whole.length === 0 };
}
