// Telegram's parse_mode "HTML", as the Bot API checks it: only its tags, properly nested, and every
// < and & that is not markup escaped. Returns the visible text (what the length limits count) or
// the error description Telegram would answer.
const SUPPORTED_TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'span', 'tg-spoiler', 'a', 'tg-emoji', 'code', 'pre', 'blockquote']);
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

export function parseTelegramHtml(html: string): { text: string } | { error: string } {
  const open: string[] = [];
  let text = '';
  let index = 0;
  while (index < html.length) {
    const char = html[index]!;
    if (char === '<') {
      const tag = /^<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w-]+(?:="[^"]*"|='[^']*')?)*)\s*>/.exec(html.slice(index));
      if (!tag) return { error: `Bad Request: can't parse entities: Unexpected character '<' at byte offset ${index}` };
      const name = tag[2]!.toLowerCase();
      if (!SUPPORTED_TAGS.has(name)) return { error: `Bad Request: can't parse entities: Unsupported start tag "${name}" at byte offset ${index}` };
      if (tag[1]) {
        const expected = open.pop();
        if (expected !== name) return { error: `Bad Request: can't parse entities: Unmatched end tag at byte offset ${index}, expected "</${expected ?? ''}>", found "</${name}>"` };
      } else {
        open.push(name);
      }
      index += tag[0].length;
      continue;
    }
    if (char === '&') {
      const entity = /^&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);/.exec(html.slice(index));
      if (!entity) return { error: `Bad Request: can't parse entities: Character '&' at byte offset ${index} is not the start of an HTML entity; write it as &amp;` };
      const body = entity[1]!;
      text += body.startsWith('#x') ? String.fromCodePoint(parseInt(body.slice(2), 16)) : body.startsWith('#') ? String.fromCodePoint(Number(body.slice(1))) : ENTITIES[body]!;
      index += entity[0].length;
      continue;
    }
    text += char;
    index++;
  }
  if (open.length) return { error: `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "${open.at(-1)}"` };
  return { text };
}
