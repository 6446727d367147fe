// Vast's offer search language: {"field": {"op": value}, "order": [[field, dir]], "limit": n, ...}.
// Pure: the face feeds it offers as flat records.

/** Reads one field of a row; lets callers filter without building the whole row object. */
export type FieldReader<T> = (row: T, field: string) => unknown;
type Row = Record<string, unknown>;
type Predicate = <T>(row: T, read: FieldReader<T>) => boolean;

const CONTROL_KEYS = new Set(['order', 'type', 'limit', 'allocated_storage', 'disable_bundling', 'extra_ids', 'select_cols', 'show_incompatible']);
const OPERATOR_ALIASES: Record<string, string> = { nin: 'notin', 'not in': 'notin', 'not_in': 'notin', '=': 'eq', '==': 'eq', '!=': 'neq', '>': 'gt', '>=': 'gte', '<': 'lt', '<=': 'lte' };

/** geolocation is free text ("Oregon, US"); Vast filters it by the trailing 2-letter country code. */
function fieldValue<T>(row: T, field: string, read: FieldReader<T>): unknown {
  if (field === 'geolocation') return String(read(row, 'geolocation') ?? '').slice(-2);
  if (field === 'cuda_vers') return read(row, 'cuda_max_good');
  if (field === 'dph') return read(row, 'dph_total');
  return read(row, field);
}

const readRecord: FieldReader<Row> = (row, field) => row[field];

function same(left: unknown, right: unknown): boolean {
  if (typeof left === 'number' && typeof right === 'string' && right.trim() !== '') return left === Number(right);
  if (typeof left === 'boolean' && typeof right === 'string') return String(left) === right.toLowerCase();
  return left === right;
}

function compare(operator: string, actual: unknown, expected: unknown): boolean {
  switch (operator) {
    case 'eq':
      return same(actual, expected);
    case 'neq':
      return !same(actual, expected);
    case 'gt':
      return typeof actual === 'number' && actual > Number(expected);
    case 'gte':
      return typeof actual === 'number' && actual >= Number(expected);
    case 'lt':
      return typeof actual === 'number' && actual < Number(expected);
    case 'lte':
      return typeof actual === 'number' && actual <= Number(expected);
    case 'in':
      return Array.isArray(expected) && expected.some((item) => same(actual, item));
    case 'notin':
      return Array.isArray(expected) && !expected.some((item) => same(actual, item));
    default:
      return true; // unknown operators are ignored, as the CLI's deprecated filters are
  }
}

export interface VastSearch {
  predicates: { field: string; test: Predicate }[];
  order: [string, 'asc' | 'desc'][];
  limit?: number;
  type: 'on-demand' | 'bid' | 'reserved';
  allocatedStorage?: number;
}

/** Parses a search body; throws Error with a Vast-style message on a malformed query. */
export function parseVastSearch(query: Record<string, unknown>): VastSearch {
  const predicates: VastSearch['predicates'] = [];
  for (const [field, condition] of Object.entries(query)) {
    if (CONTROL_KEYS.has(field)) continue;
    const operators = typeof condition === 'object' && condition !== null && !Array.isArray(condition) ? (condition as Record<string, unknown>) : { eq: condition };
    for (const [rawOperator, expected] of Object.entries(operators)) {
      const operator = OPERATOR_ALIASES[rawOperator] ?? rawOperator;
      predicates.push({ field, test: (row, read) => compare(operator, fieldValue(row, field, read), expected) });
    }
  }
  const order: VastSearch['order'] = [];
  const rawOrder = query.order;
  if (Array.isArray(rawOrder)) {
    for (const entry of rawOrder) {
      if (Array.isArray(entry) && typeof entry[0] === 'string') order.push([entry[0], entry[1] === 'desc' ? 'desc' : 'asc']);
      else if (typeof entry === 'string') order.push([entry.replace(/^-/, ''), entry.startsWith('-') ? 'desc' : 'asc']);
    }
  }
  const rawType = String(query.type ?? 'on-demand');
  const type = rawType === 'bid' || rawType === 'interruptible' ? 'bid' : rawType === 'reserved' ? 'reserved' : 'on-demand';
  const limit = query.limit === undefined ? undefined : Number(query.limit);
  const allocated = query.allocated_storage === undefined ? undefined : Number(query.allocated_storage);
  if (limit !== undefined && !Number.isFinite(limit)) throw new Error(`limit must be a number, got ${JSON.stringify(query.limit)}`);
  if (allocated !== undefined && !(allocated >= 0)) throw new Error(`allocated_storage must be a number of GB, got ${JSON.stringify(query.allocated_storage)}`);
  return { predicates, order, type, ...(limit !== undefined ? { limit } : {}), ...(allocated !== undefined ? { allocatedStorage: allocated } : {}) };
}

export function sortRows<T = Row>(rows: T[], order: VastSearch['order'], read: FieldReader<T> = readRecord as FieldReader<T>): T[] {
  if (!order.length) return rows;
  return rows.sort((left, right) => {
    for (const [field, direction] of order) {
      const a = fieldValue(left, field, read);
      const b = fieldValue(right, field, read);
      if (a === b) continue;
      const less = typeof a === 'number' && typeof b === 'number' ? a < b : String(a) < String(b);
      return (less ? -1 : 1) * (direction === 'desc' ? -1 : 1);
    }
    return 0;
  });
}

export function matches<T = Row>(row: T, search: VastSearch, read: FieldReader<T> = readRecord as FieldReader<T>): boolean {
  for (const predicate of search.predicates) if (!predicate.test(row, read)) return false;
  return true;
}

/** Vast's `env` comes as a docker-flag string ("-e K=V -p 8000:8000") or an object ({"K":"V","-p 8000:8000":"1"}). */
export function parseVastEnv(env: unknown): { env: Record<string, string>; ports: number[] } {
  const vars: Record<string, string> = {};
  const ports: number[] = [];
  const addFlag = (flag: string) => {
    const port = /^-p\s+(?:[\d.]+:)?(\d+):(\d+)(?:\/(?:tcp|udp))?$/.exec(flag.trim());
    if (port) ports.push(Number(port[2]));
  };
  if (typeof env === 'string') {
    // A value may quote any part of itself (MODEL="llama 3"), as a shell would.
    const pattern = /(-[epvnh])\s+((?:[^\s"']+|"[^"]*"|'[^']*')+)/g;
    for (const found of env.matchAll(pattern)) {
      const value = found[2]!.replace(/"([^"]*)"|'([^']*)'/g, (_, double: string | undefined, single: string | undefined) => double ?? single ?? '');
      if (found[1] === '-e') {
        const equals = value.indexOf('=');
        if (equals > 0) vars[value.slice(0, equals)] = value.slice(equals + 1);
      } else if (found[1] === '-p') addFlag(`-p ${value}`);
    }
  } else if (env && typeof env === 'object' && !Array.isArray(env)) {
    for (const [key, value] of Object.entries(env as Record<string, unknown>)) {
      if (key.startsWith('-')) addFlag(key);
      else vars[key] = String(value);
    }
  }
  return { env: vars, ports };
}
