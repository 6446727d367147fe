// Small rooms stay small: no production file over 300 lines and no function over 80, unless a comment
// right above the function says why it is long ("… long because …"). The code is read with swc (the
// parser dependency-cruiser already uses), so strings, regexes and template literals never confuse it.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseSync } from '@swc/core';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const PRODUCTION = ['src', 'commands', 'adapters'];
const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 80;
const WHY_LONG = /long because/i;
const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'ClassMethod', 'PrivateMethod', 'Constructor', 'MethodProperty', 'GetterProperty', 'SetterProperty']);

interface Span { start: number; end: number }
interface AstNode { type?: string; span?: Span; [key: string]: unknown }

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|js)$/.test(entry.name) ? [path] : [];
  });
}

/** Line (1-based) of each byte offset; swc's spans count bytes from 1. */
function lineFinder(source: string): (bytePos: number) => number {
  const bytes = Buffer.from(source);
  const lineStarts = [0];
  for (let index = 0; index < bytes.length; index++) if (bytes[index] === 0x0a) lineStarts.push(index + 1);
  return (bytePos) => {
    const offset = bytePos - 1;
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (lineStarts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  };
}

/** The comment block ending on the line above `line` (blank lines end it). */
function commentAbove(lines: readonly string[], line: number): string {
  const block: string[] = [];
  for (let index = line - 2; index >= 0; index--) {
    const text = lines[index]!.trim();
    if (!/^(\/\/|\/\*|\*)/.test(text)) break;
    block.unshift(text);
  }
  return block.join(' ');
}

function nameOf(node: AstNode, parent: AstNode | undefined): string {
  const named = (node.identifier ?? node.key ?? parent?.id ?? parent?.key) as { value?: string } | undefined;
  return named?.value ?? '(anonymous)';
}

interface LongFunction { where: string; name: string; lines: number }

function longFunctions(path: string, source: string): LongFunction[] {
  const lineOf = lineFinder(source);
  const lines = source.split('\n');
  const found: LongFunction[] = [];
  const visit = (node: unknown, parent: AstNode | undefined, statementLine: number): void => {
    if (Array.isArray(node)) return node.forEach((item) => visit(item, parent, statementLine));
    if (!node || typeof node !== 'object') return;
    const current = node as AstNode;
    const startLine = current.span ? lineOf(current.span.start) : statementLine;
    // A comment above `export const handler = () => …` belongs to the whole statement.
    const ownLine = current.type && /Declaration$|Statement$|Property$|ClassMethod|PrivateMethod|Constructor/.test(current.type) ? startLine : statementLine;
    if (current.type && FUNCTION_TYPES.has(current.type) && current.span) {
      const length = lineOf(current.span.end) - startLine + 1;
      const why = commentAbove(lines, startLine) + ' ' + commentAbove(lines, ownLine);
      if (length > MAX_FUNCTION_LINES && !WHY_LONG.test(why)) found.push({ where: `${relative(ROOT, path)}:${startLine}`, name: nameOf(current, parent), lines: length });
    }
    for (const [key, child] of Object.entries(current)) if (key !== 'span' && child && typeof child === 'object') visit(child, current, ownLine);
  };
  visit(parseSync(source, { syntax: 'typescript', target: 'es2022' }), undefined, 1);
  return found;
}

describe('sizes of production code', () => {
  const files = PRODUCTION.flatMap((folder) => sourceFiles(join(ROOT, folder)));

  it(`has no file over ${MAX_FILE_LINES} lines`, () => {
    const long = files
      .map((path) => ({ file: relative(ROOT, path), lines: readFileSync(path, 'utf8').trimEnd().split('\n').length }))
      .filter(({ lines }) => lines > MAX_FILE_LINES);
    expect(long, 'split these files along a seam (one concept each)').toEqual([]);
  });

  it(`has no function over ${MAX_FUNCTION_LINES} lines without a comment saying why`, () => {
    const long = files.flatMap((path) => longFunctions(path, readFileSync(path, 'utf8')));
    expect(long, 'split these functions into named steps, or say above one why it is long ("long because …")').toEqual([]);
  });
});
