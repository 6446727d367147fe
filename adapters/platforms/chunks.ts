// Splits a rendered Reply into messages under a platform's length limit without breaking its
// markup: a cut never falls inside an escape sequence or a styled run, and a monospace block cut in
// two is closed at the end of one message and reopened at the start of the next, so each message is
// valid on its own (Telegram rejects a message whose HTML does not parse; Discord would show a
// half-open code fence as text).

/** A run of plain (unescaped) text, optionally styled. */
export interface Span {
  style?: 'bold' | 'italic';
  text: string;
}

/** A paragraph (title, text, fields, footer) or a monospace block (table, code). */
export interface Block {
  monospace: boolean;
  lines: Span[][];
}

/** How a platform writes markup. Only what the splitter needs. */
export interface Markup {
  escape(text: string): string;
  style(style: NonNullable<Span['style']>, escaped: string): string;
  openMonospace: string;
  closeMonospace: string;
}

function renderLine(markup: Markup, line: Span[]): string {
  return line.map((span) => (span.style ? markup.style(span.style, markup.escape(span.text)) : markup.escape(span.text))).join('');
}

/** Cuts one line whose rendering exceeds `budget` into pieces that fit, at code point boundaries. */
function cutLine(markup: Markup, line: Span[], budget: number): Span[][] {
  const pieces: Span[][] = [];
  let current: Span[] = [];
  const fits = (candidate: Span[]) => renderLine(markup, candidate).length <= budget;
  for (const span of line) {
    let rest = [...span.text];
    while (rest.length > 0) {
      // Largest prefix of the remaining text that still fits next to what the piece already holds.
      let low = 0;
      let high = rest.length;
      while (low < high) {
        const mid = Math.ceil((low + high) / 2);
        if (fits([...current, { ...span, text: rest.slice(0, mid).join('') }])) low = mid;
        else high = mid - 1;
      }
      if (low === 0) {
        if (current.length === 0) throw new Error(`A single character does not fit in ${budget} characters of markup`);
        pieces.push(current);
        current = [];
        continue;
      }
      current.push({ ...span, text: rest.slice(0, low).join('') });
      rest = rest.slice(low);
      if (rest.length > 0) {
        pieces.push(current);
        current = [];
      }
    }
  }
  if (current.length > 0) pieces.push(current);
  return pieces;
}

/**
 * Packs blocks (separated by a blank line) into as few messages as fit in `limit` characters of
 * markup each. Lines are kept whole where possible; only a line longer than a message is cut.
 */
export function splitBlocks(blocks: readonly Block[], markup: Markup, limit: number): string[] {
  const messages: string[] = [];
  let current = '';
  let insideMonospace = false;
  const close = () => (insideMonospace ? markup.closeMonospace : '');
  const flush = () => {
    if (current.trim()) messages.push(current + close());
    current = '';
  };

  for (const block of blocks) {
    const open = block.monospace ? markup.openMonospace : '';
    const closing = block.monospace ? markup.closeMonospace : '';
    const budget = limit - open.length - closing.length;
    const lines = block.lines.flatMap((line) => (renderLine(markup, line).length > budget ? cutLine(markup, line, budget) : [line]));
    let firstInBlock = true;
    for (const line of lines) {
      const rendered = renderLine(markup, line);
      const prefix = firstInBlock ? (current ? '\n\n' : '') + open : '\n';
      if (current.length + prefix.length + rendered.length + closing.length > limit) {
        flush();
        insideMonospace = false;
        current = open + rendered;
      } else {
        current += prefix + rendered;
      }
      insideMonospace = block.monospace;
      firstInBlock = false;
    }
    current += closing;
    insideMonospace = false;
  }
  flush();
  return messages;
}

/** The plain-text paragraphs of a text, as unstyled lines. */
export function textLines(text: string, style?: Span['style']): Span[][] {
  return text.split('\n').map((line) => [style ? { style, text: line } : { text: line }]);
}
