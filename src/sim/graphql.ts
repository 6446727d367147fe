// A small GraphQL reader and executor: enough of the language for RunPod's API (operations,
// variables, arguments, aliases, nested selections, fragments) so the simulator answers with
// exactly the fields a client asked for, and rejects fields the real schema does not have.

export type GqlValue = string | number | boolean | null | GqlValue[] | { [key: string]: GqlValue };

export interface GqlField {
  name: string;
  alias?: string;
  args: Record<string, GqlValue>;
  selections?: GqlField[];
}

export interface GqlOperation {
  kind: 'query' | 'mutation';
  selections: GqlField[];
}

export class GqlError extends Error {
  constructor(
    message: string,
    readonly code = 'GRAPHQL_PARSE_FAILED',
  ) {
    super(message);
  }
}

type Token = { kind: 'punct' | 'name' | 'string' | 'number' | 'variable' | 'spread'; value: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < source.length) {
    const char = source[index]!;
    if (/[\s,]/.test(char) || char === '\ufeff') {
      index += 1;
    } else if (char === '#') {
      while (index < source.length && source[index] !== '\n') index += 1;
    } else if (source.startsWith('...', index)) {
      tokens.push({ kind: 'spread', value: '...' });
      index += 3;
    } else if ('{}()[]:=!@'.includes(char)) {
      tokens.push({ kind: 'punct', value: char });
      index += 1;
    } else if (char === '$') {
      const name = /^[_A-Za-z][_0-9A-Za-z]*/.exec(source.slice(index + 1));
      if (!name) throw new GqlError(`Syntax Error: Expected Name after "$" at ${index}.`);
      tokens.push({ kind: 'variable', value: name[0] });
      index += 1 + name[0].length;
    } else if (char === '"') {
      if (source.startsWith('"""', index)) {
        const end = source.indexOf('"""', index + 3);
        if (end < 0) throw new GqlError('Syntax Error: Unterminated string.');
        tokens.push({ kind: 'string', value: source.slice(index + 3, end) });
        index = end + 3;
      } else {
        let end = index + 1;
        let text = '';
        while (end < source.length && source[end] !== '"') {
          if (source[end] === '\\') {
            const escaped = source[end + 1]!;
            if (escaped === 'u') {
              text += String.fromCharCode(parseInt(source.slice(end + 2, end + 6), 16));
              end += 6;
              continue;
            }
            text += ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' } as Record<string, string>)[escaped] ?? escaped;
            end += 2;
          } else {
            text += source[end];
            end += 1;
          }
        }
        if (end >= source.length) throw new GqlError('Syntax Error: Unterminated string.');
        tokens.push({ kind: 'string', value: text });
        index = end + 1;
      }
    } else {
      const word = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(source.slice(index));
      if (word) {
        tokens.push({ kind: 'number', value: word[0] });
        index += word[0].length;
        continue;
      }
      const name = /^[_A-Za-z][_0-9A-Za-z]*/.exec(source.slice(index));
      if (!name) throw new GqlError(`Syntax Error: Unexpected character "${char}".`);
      tokens.push({ kind: 'name', value: name[0] });
      index += name[0].length;
    }
  }
  return tokens;
}

/** Parses a document and resolves variables; returns the operation to run (by name when several). */
export function parseOperation(source: string, variables: Record<string, unknown> = {}, operationName?: string): GqlOperation {
  const tokens = tokenize(source);
  let position = 0;
  const peek = () => tokens[position];
  const next = () => {
    const token = tokens[position++];
    if (!token) throw new GqlError('Syntax Error: Unexpected <EOF>.');
    return token;
  };
  const expect = (value: string) => {
    const token = next();
    if (token.value !== value) throw new GqlError(`Syntax Error: Expected "${value}", found "${token.value}".`);
  };
  const skipDirectives = () => {
    while (peek()?.value === '@') {
      next();
      next();
      if (peek()?.value === '(') parseArguments();
    }
  };

  const fragments = new Map<string, () => GqlField[]>();

  function parseValue(): GqlValue {
    const token = next();
    if (token.kind === 'variable') {
      if (!(token.value in variables)) return null;
      return variables[token.value] as GqlValue;
    }
    if (token.kind === 'string') return token.value;
    if (token.kind === 'number') return Number(token.value);
    if (token.kind === 'name') {
      if (token.value === 'true') return true;
      if (token.value === 'false') return false;
      if (token.value === 'null') return null;
      return token.value; // enum literal, e.g. cloudType: SECURE
    }
    if (token.value === '[') {
      const list: GqlValue[] = [];
      while (peek()?.value !== ']') list.push(parseValue());
      next();
      return list;
    }
    if (token.value === '{') {
      const object: Record<string, GqlValue> = {};
      while (peek()?.value !== '}') {
        const key = next().value;
        expect(':');
        object[key] = parseValue();
      }
      next();
      return object;
    }
    throw new GqlError(`Syntax Error: Unexpected "${token.value}".`);
  }

  function parseArguments(): Record<string, GqlValue> {
    expect('(');
    const args: Record<string, GqlValue> = {};
    while (peek()?.value !== ')') {
      const key = next().value;
      expect(':');
      args[key] = parseValue();
    }
    next();
    return args;
  }

  function parseSelectionSet(): GqlField[] {
    expect('{');
    const fields: GqlField[] = [];
    while (peek()?.value !== '}') {
      if (peek()?.kind === 'spread') {
        next();
        if (peek()?.value === 'on') {
          next();
          next();
          skipDirectives();
          fields.push(...parseSelectionSet());
        } else if (peek()?.value === '{') {
          fields.push(...parseSelectionSet());
        } else {
          const name = next().value;
          skipDirectives();
          fields.push({ name: `...${name}`, args: {} });
        }
        continue;
      }
      let name = next();
      if (name.kind !== 'name') throw new GqlError(`Syntax Error: Expected Name, found "${name.value}".`);
      let alias: string | undefined;
      if (peek()?.value === ':') {
        next();
        alias = name.value;
        name = next();
      }
      const args = peek()?.value === '(' ? parseArguments() : {};
      skipDirectives();
      const selections = peek()?.value === '{' ? parseSelectionSet() : undefined;
      fields.push({ name: name.value, args, ...(alias ? { alias } : {}), ...(selections ? { selections } : {}) });
    }
    next();
    return fields;
  }

  const operations: { name?: string; kind: 'query' | 'mutation'; selections: GqlField[] }[] = [];
  while (position < tokens.length) {
    const token = peek()!;
    if (token.value === '{') {
      operations.push({ kind: 'query', selections: parseSelectionSet() });
    } else if (token.value === 'query' || token.value === 'mutation') {
      next();
      const name = peek()?.kind === 'name' ? next().value : undefined;
      if (peek()?.value === '(') {
        // Variable definitions: apply defaults for variables the request did not send.
        next();
        while (peek()?.value !== ')') {
          const variable = next();
          expect(':');
          while (peek() && !['=', ')'].includes(peek()!.value) && peek()!.kind !== 'variable') next();
          if (peek()?.value === '=') {
            next();
            const fallback = parseValue();
            if (!(variable.value in variables)) variables = { ...variables, [variable.value]: fallback };
          }
        }
        next();
      }
      skipDirectives();
      operations.push({ name, kind: token.value, selections: parseSelectionSet() });
    } else if (token.value === 'fragment') {
      next();
      const name = next().value;
      expect('on');
      next();
      skipDirectives();
      const selections = parseSelectionSet();
      fragments.set(name, () => selections);
    } else {
      throw new GqlError(`Syntax Error: Unexpected "${token.value}".`);
    }
  }
  const chosen = operationName ? operations.find((operation) => operation.name === operationName) : operations[0];
  if (!chosen) throw new GqlError(operationName ? `Unknown operation named "${operationName}".` : 'Must provide an operation.');
  if (!operationName && operations.length > 1) throw new GqlError('Must provide operation name if query contains multiple operations.', 'GRAPHQL_VALIDATION_FAILED');
  const expand = (fields: GqlField[]): GqlField[] =>
    fields.flatMap((field) => {
      if (field.name.startsWith('...')) {
        const fragment = fragments.get(field.name.slice(3));
        if (!fragment) throw new GqlError(`Unknown fragment "${field.name.slice(3)}".`, 'GRAPHQL_VALIDATION_FAILED');
        return expand(fragment());
      }
      return [{ ...field, ...(field.selections ? { selections: expand(field.selections) } : {}) }];
    });
  return { kind: chosen.kind, selections: expand(chosen.selections) };
}

/**
 * A resolved object: plain values, nested objects, or functions of the field's arguments. `__type`
 * names the GraphQL type for error messages; only keys present are queryable.
 */
export type GqlObject = { __type: string; [field: string]: unknown };

/** Picks the selected fields from a resolved value; unknown fields raise the validation error the real server gives. */
export function project(value: unknown, selections: GqlField[] | undefined, path: string): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((item) => project(item, selections, path));
  if (!selections) {
    if (typeof value === 'object') throw new GqlError(`Field "${path}" of type "${(value as GqlObject).__type ?? 'Object'}" must have a selection of subfields.`, 'GRAPHQL_VALIDATION_FAILED');
    return value;
  }
  const object = value as GqlObject;
  const result: Record<string, unknown> = {};
  for (const field of selections) {
    const key = field.alias ?? field.name;
    if (field.name === '__typename') {
      result[key] = object.__type;
      continue;
    }
    if (!(field.name in object) || field.name === '__type') {
      throw new GqlError(`Cannot query field "${field.name}" on type "${object.__type}".`, 'GRAPHQL_VALIDATION_FAILED');
    }
    const raw = object[field.name];
    const resolved = typeof raw === 'function' ? (raw as (args: Record<string, GqlValue>) => unknown)(field.args) : raw;
    result[key] = project(resolved, field.selections, field.name);
  }
  return result;
}
