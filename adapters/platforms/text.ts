// Renders a Reply as aligned plain text: the terminal chat and the CLI.
import type { Reply, Table } from '#core/reply.ts';

/** The mark before a title (or text) that tells success, warning and error apart without colour. */
export const KIND_MARK: Record<Reply['kind'], string> = { info: '', success: '✓ ', warning: '! ', error: '✗ ', confirm: '? ' };

/** Terminal width of a string: counts code points, not UTF-16 units, so "✓" and "é" align. */
function width(text: string): number {
  return [...text].length;
}

function pad(text: string, size: number, align: 'left' | 'right' = 'left'): string {
  const gap = ' '.repeat(Math.max(0, size - width(text)));
  return align === 'right' ? gap + text : text + gap;
}

export function renderTable(table: Table): string {
  const widths = table.columns.map((column, index) => Math.max(width(column.header), ...table.rows.map((row) => width(row[index] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((cell, index) => pad(cell, widths[index]!, table.columns[index]?.align))
      .join('  ')
      .trimEnd();
  const header = line(table.columns.map((column) => column.header));
  const rule = widths.map((size) => '─'.repeat(size)).join('  ').trimEnd();
  return [header, rule, ...table.rows.map((row) => line(row))].join('\n');
}

export interface TextRenderOptions {
  /** Where the image was saved, to print instead of the bytes. */
  imagePath?: string;
}

export function renderText(message: Reply, options: TextRenderOptions = {}): string {
  const parts: string[] = [];
  const mark = KIND_MARK[message.kind];
  if (message.title) parts.push(`${mark}${message.title}`);
  if (message.text) parts.push(message.title ? message.text : `${mark}${message.text}`);
  if (message.fields?.length) {
    const size = Math.max(...message.fields.map((field) => width(field.name)));
    // A value of several lines keeps its column: the lines after the first are indented under it.
    const indent = ' '.repeat(size + 2);
    parts.push(message.fields.map((field) => `${pad(`${field.name}:`, size + 1)} ${field.value.split('\n').join(`\n${indent}`)}`).join('\n'));
  }
  if (message.table) parts.push(renderTable(message.table));
  if (message.code) parts.push(message.code.split('\n').map((line) => `    ${line}`).join('\n'));
  if (message.image) parts.push(options.imagePath ? `[image: ${message.image.alt}] saved to ${options.imagePath}` : `[image: ${message.image.alt}]`);
  if (message.buttons?.length) parts.push(message.buttons.map((button, index) => `[${index + 1}] ${button.label}`).join('   '));
  if (message.footer) parts.push(message.footer);
  return parts.join('\n\n');
}

/**
 * Progress for line-by-line output (terminal chat, CLI), where a message cannot be edited: the title
 * when it changes, then each new step (the line marked …, or the text's first line).
 */
export function progressPrinter(write: (line: string) => void): (update: Reply) => void {
  let lastTitle: string | undefined;
  let lastStep: string | undefined;
  return (update) => {
    if (update.title && update.title !== lastTitle) {
      write(`… ${update.title}`);
      lastTitle = update.title;
    }
    const lines = update.text?.split('\n') ?? [];
    const checklist = lines.some((line) => /^[✓…]/.test(line));
    const step = checklist ? lines.find((line) => line.startsWith('…')) : lines[0];
    if (step && step !== lastStep) {
      write(`  ${step}`);
      lastStep = step;
    }
  };
}
