import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRule, parseRule, RuleError, type Rule } from '#domain/rules/index.ts';

function errorOf(text: string): RuleError {
  try {
    compileRule('r1', text);
  } catch (error) {
    if (error instanceof RuleError) return error;
    throw error;
  }
  throw new Error(`expected "${text}" to be refused`);
}

/** The AST without what only says where things were typed or how they were spelled. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !['column', 'opColumn', 'forColumn', 'cooldownColumn', 'quoted'].includes(key))
        .map(([key, inner]) => [key, shape(inner)]),
    );
  }
  return value;
}

describe('the rule language', () => {
  it('reads the issue examples and writes them in one canonical form', () => {
    const cases: [string, string][] = [
      ['IF gpu_util < 5% FOR 30m THEN stop', 'IF gpu_util < 5% FOR 30m THEN stop'],
      ['if GPU == h100 and cost_per_hour > cheapest(gpu) then migrate provider=RunPod, notify "moving"', 'IF gpu == h100 AND cost_per_hour > cheapest(gpu) THEN migrate provider=runpod, notify "moving"'],
      ['IF cheapest(H100) < $2 THEN deploy gpu=H100 template=jupyter image=nvidia/cuda:12.4.1-runtime-ubuntu22.04 COOLDOWN 120m', 'IF cheapest(H100) < $2 THEN deploy gpu=H100 template=jupyter image=nvidia/cuda:12.4.1-runtime-ubuntu22.04 COOLDOWN 2h'],
      ['IF NOT (status == running OR status == starting) AND uptime > 1.5h THEN restart', 'IF NOT (status == running OR status == starting) AND uptime > 90m THEN restart'],
      ['IF provider = vast AND price_change_pct(gpu, 24h) <= -10% THEN notify', 'IF provider == vast AND price_change_pct(gpu, 1d) <= -10% THEN notify'],
      ['IF gpu == 4090 AND gpu_temp ≥ 85 THEN notify “hot”', 'IF gpu == 4090 AND gpu_temp >= 85 THEN notify "hot"'],
      ['IF name == "my box" OR (project == ml AND cost_today > 50) THEN stop', 'IF name == "my box" OR project == ml AND cost_today > 50 THEN stop'],
    ];
    for (const [text, canonical] of cases) expect(compileRule('r1', text).text).toBe(canonical);
  });

  it('knows which rules act on instances and which read only the market', () => {
    expect(compileRule('r1', 'IF cheapest(H100) < $2 THEN notify').scope).toBe('org');
    expect(compileRule('r1', 'IF gpu_util < 5% THEN notify').scope).toBe('instance');
    expect(compileRule('r1', 'IF cheapest(gpu) < $2 THEN notify').scope).toBe('instance');
    const rule = compileRule('r1', 'IF gpu_util < 5% FOR 10m THEN stop, notify');
    expect(rule).toMatchObject({ forSeconds: 600, cooldownSeconds: 1800, actions: [{ type: 'stop' }, { type: 'notify', message: null }] });
  });

  it('names the column of a parse error and shows the line with a caret', () => {
    const error = errorOf('IF gpu_util < 5x THEN stop');
    expect(error.column).toBe(16);
    expect(error.display()).toBe("IF gpu_util < 5x THEN stop\n               ^\nColumn 16: unknown unit 'x': durations take s, m, h or d (30s, 10m, 2h, 1d), percentages %, dollars a leading $.");
    expect(errorOf('gpu_util < 5% THEN stop')).toMatchObject({ column: 1, problem: expect.stringContaining('A rule starts with IF') });
    expect(errorOf('IF (gpu_util < 5 THEN stop')).toMatchObject({ column: 18, problem: "expected ')' to close the '(' at column 4, found 'THEN'." });
    expect(errorOf('IF gpu_util < 5% FOR 30m')).toMatchObject({ column: 25, problem: expect.stringContaining('found the end of the rule') });
    expect(errorOf('IF gpu_util < 5% THEN stp')).toMatchObject({ column: 23, problem: expect.stringContaining('did you mean stop?') });
    expect(errorOf('IF gpu_util < 5% FOR 30 THEN stop')).toMatchObject({ column: 22, problem: expect.stringContaining('FOR takes a duration') });
    expect(errorOf('IF name == "open THEN stop')).toMatchObject({ column: 12, problem: expect.stringContaining('never closed') });
    expect(errorOf('IF gpu_util < 5% THEN deploy gpu')).toMatchObject({ column: 30, problem: expect.stringContaining('deploy options are key=value') });
    expect(errorOf('IF gpu_util < 5% THEN stop stop')).toMatchObject({ column: 28, problem: expect.stringContaining('separate actions with commas') });
    expect(errorOf('IF uptime > 1h30m THEN stop')).toMatchObject({ column: 15, problem: expect.stringContaining('90m rather than 1h30m') });
    expect(errorOf('IF cost_per_hour > $2h THEN stop')).toMatchObject({ column: 22, problem: 'a dollar amount takes no unit: write $2.' });
  });

  it('refuses comparisons that cannot mean anything, saying what to write', () => {
    expect(errorOf('IF gpu_util > 2h THEN stop')).toMatchObject({ column: 15, problem: 'gpu_util is a percentage but 2h is a duration: write e.g. gpu_util > 80%.' });
    expect(errorOf('IF gpu_utl > 5% THEN stop')).toMatchObject({ column: 4, problem: 'unknown variable gpu_utl; did you mean gpu_util?' });
    expect(errorOf('IF provider == 5 THEN stop')).toMatchObject({ column: 16, problem: expect.stringContaining('is not a provider') });
    expect(errorOf('IF name == $5 THEN stop')).toMatchObject({ column: 12, problem: 'name is a word but $5 is a dollar amount: write e.g. name == my-box.' });
    expect(errorOf('IF gpu > 5 THEN stop')).toMatchObject({ column: 8, problem: expect.stringContaining('compare it with == or !=') });
    expect(errorOf('IF cost_per_hour > cheap THEN stop')).toMatchObject({ column: 20, problem: expect.stringContaining('"cheap" is a word') });
    expect(errorOf('IF uptime > 3600 THEN stop')).toMatchObject({ column: 13, problem: 'uptime is a duration but 3600 is a number: write e.g. uptime > 30s.' });
    expect(errorOf('IF provider == vasst THEN stop')).toMatchObject({ column: 16, problem: expect.stringContaining('did you mean vast?') });
    expect(errorOf('IF status == runing THEN stop')).toMatchObject({ column: 14, problem: expect.stringContaining('did you mean running?') });
    expect(errorOf('IF cheapest(H1000) < $2 THEN notify')).toMatchObject({ column: 13, problem: expect.stringContaining('no GPU model matches') });
    expect(errorOf('IF 5 > 3 THEN stop')).toMatchObject({ column: 4, problem: expect.stringContaining('neither side') });
    expect(errorOf('IF cost_per_hour > gpu_util THEN stop')).toMatchObject({ column: 20, problem: expect.stringContaining('is a percentage') });
  });

  it('refuses actions that do not fit the rule', () => {
    expect(errorOf('IF cheapest(H100) < $2 THEN stop')).toMatchObject({ column: 29, problem: expect.stringContaining('reads only the market') });
    expect(errorOf('IF gpu_util < 5% THEN stop, destroy')).toMatchObject({ column: 29, problem: expect.stringContaining('one thing to the machine') });
    expect(errorOf('IF gpu_util < 5% THEN notify, notify')).toMatchObject({ column: 31, problem: 'notify is listed twice; list each action once.' });
    expect(errorOf('IF gpu_util < 5% THEN migrate provider=aws')).toMatchObject({ column: 23, problem: expect.stringContaining('not a provider') });
    expect(errorOf('IF gpu_util < 5% THEN deploy template=jupyter')).toMatchObject({ column: 23, problem: expect.stringContaining('names a GPU') });
    expect(errorOf('IF gpu_util < 5% THEN stop COOLDOWN 10s')).toMatchObject({ column: 28, problem: 'COOLDOWN must be between 1m and 30d.' });
    expect(errorOf('IF gpu_util < 5% FOR 40d THEN stop')).toMatchObject({ column: 18, problem: 'FOR must be more than 0s and at most 30d.' });
  });

  it('survives 10,000 random rule texts: a rule or an error that names a column inside the text', () => {
    const pieces = fc.constantFrom(
      'IF', 'if', 'FOR', 'THEN', 'then', 'AND', 'OR', 'NOT', 'COOLDOWN', '(', ')', ',', '<', '<=', '==', '!=', '>=', '>', '=', '-', '!', '≥',
      'gpu_util', 'cost_per_hour', 'uptime', 'gpu', 'provider', 'status', 'name', 'cheapest(', 'price_change_pct(', 'gpu_utl',
      '5%', '$1.5', '30m', '2h', '1d', '80', '1.', '$', '5x', '0.0000001', '99999999999999', 'H100', 'vast', 'running', '"quoted"', '"open', "'single'",
      'stop', 'destroy', 'restart', 'notify', 'migrate', 'provider=runpod', 'deploy', 'gpu=4090', 'template=jupyter', 'x=', '“smart”',
    );
    const noise = fc.string({ unit: fc.constantFrom('a', 'Z', '0', '9', ' ', '(', ')', ',', '%', '$', '.', '"', "'", '=', '<', '>', '!', '-', '_', '\t', 'é', '\u2265'), maxLength: 12 });
    const valid = fc.constantFrom(
      'IF gpu_util < 5% FOR 30m THEN stop',
      'IF gpu == H100 AND cost_per_hour > cheapest(gpu) THEN migrate provider=runpod, notify "moving"',
      'IF cheapest(H100) < $2 THEN deploy gpu=H100 template=jupyter name="a b" COOLDOWN 2h',
      'IF NOT (status == running OR status == starting) AND uptime > 1.5h THEN restart',
      'IF price_change_pct(gpu, 24h) <= -10% AND project != ml THEN notify',
    );
    /** A valid rule with a few characters deleted, replaced or inserted: near misses, the commonest typos. */
    const mutated = fc
      .tuple(valid, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 2 }), fc.constantFrom('', ' ', '(', ')', ',', '%', '$', '"', '=', 'x', '5', '-', '<')), { minLength: 1, maxLength: 3 }))
      .map(([text, edits]) =>
        edits.reduce<string>((current, [at, kind, char]) => {
          const i = at % (current.length + 1);
          return kind === 0 ? current.slice(0, i) + current.slice(i + 1) : kind === 1 ? current.slice(0, i) + char + current.slice(i + 1) : current.slice(0, i) + char + current.slice(i);
        }, text),
      );
    const text = fc.oneof(
      mutated,
      fc.array(fc.oneof(pieces, noise), { maxLength: 24 }).map((parts) => parts.join(' ')),
      fc.array(fc.oneof(pieces, noise), { maxLength: 24 }).map((parts) => parts.join('')),
      fc.string({ maxLength: 80 }),
    );
    let accepted = 0;
    fc.assert(
      fc.property(text, (input) => {
        let rule: Rule | undefined;
        try {
          rule = compileRule('r1', input);
        } catch (error) {
          expect(error).toBeInstanceOf(RuleError);
          const { column, message } = error as RuleError;
          expect(Number.isInteger(column) && column >= 1 && column <= input.length + 1).toBe(true);
          expect(message.startsWith(`Column ${column}: `)).toBe(true);
          expect((error as RuleError).display().split('\n')[1]).toBe(`${' '.repeat(column - 1)}^`);
          return;
        }
        accepted++;
        expect(compileRule('r1', rule.text).text).toBe(rule.text);
      }),
      { numRuns: 10_000 },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it('writes every valid rule so that it reads back as the same rule', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'B', '7', ' ', '"', "'", '\\', ',', '=', '(', '-', ':', '/', 'é'), maxLength: 8 });
    const quote = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`;
    const amount = fc.integer({ min: 0, max: 100_000 }).map((n) => String(n / 100));
    const comparison = fc.oneof(
      fc.tuple(fc.constantFrom('gpu_util', 'vram_used_pct', 'price_change_pct(gpu, 24h)', 'PRICE_CHANGE_PCT(H100)'), fc.constantFrom('<', '<=', '>=', '>', '==', '!='), amount, fc.constantFrom('%', '')).map(([v, op, n, unit]) => `${v} ${op} ${unit === '%' ? '-' : ''}${n}${unit}`),
      fc.tuple(fc.constantFrom('cost_per_hour', 'cost_today', 'cost_total', 'cheapest(gpu)', 'cheapest("RTX 4090")'), fc.constantFrom('<', '>', '!='), amount, fc.boolean()).map(([v, op, n, dollar]) => `${v} ${op} ${dollar ? '$' : ''}${n}`),
      fc.tuple(fc.constantFrom('uptime'), fc.constantFrom('<', '>='), fc.integer({ min: 0, max: 5000 }), fc.constantFrom('s', 'm', 'h', 'd', 'H')).map(([v, op, n, unit]) => `${v} ${op} ${n}${unit}`),
      fc.tuple(fc.constantFrom('gpu_temp'), fc.constantFrom('>', '<'), amount).map(([v, op, n]) => `${v} ${op} ${n}`),
      fc.tuple(fc.constantFrom('name', 'project', 'NAME'), fc.constantFrom('==', '!=', '='), word).map(([v, op, w]) => `${v} ${op} ${quote(w)}`),
      fc.tuple(fc.constantFrom('provider == vast', 'status != running', 'gpu == H100', 'gpu == 4090', 'gpu == "RTX 4090"', 'ml == project', 'project == name', 'cost_per_hour > cheapest(gpu)')).map(([text]) => text),
    );
    const { condition } = fc.letrec((tie) => ({
      condition: fc.oneof({ depthSize: 'small' }, comparison, tie('and'), tie('or'), tie('not'), tie('group')),
      and: fc.array(tie('condition'), { minLength: 2, maxLength: 3 }).map((terms) => terms.join(' AND ')),
      or: fc.array(tie('condition'), { minLength: 2, maxLength: 3 }).map((terms) => terms.join(' or ')),
      not: tie('condition').map((term) => `NOT ${term}`),
      group: tie('condition').map((term) => `(${term})`),
    }));
    const machine = fc.constantFrom([], ['stop'], ['destroy'], ['restart'], ['migrate'], ['migrate provider=lambda']);
    const others = fc.tuple(fc.option(word.map((message) => `notify ${quote(message)}`)), fc.option(word.map((name) => `deploy gpu=4090 name=${quote(name)} disk=80`)));
    const rule = fc.tuple(condition, fc.option(fc.constantFrom('10s', '30m', '1.5h', '2d')), machine, others, fc.option(fc.constantFrom('1m', '45m', '3h')))
      .filter(([, , machineActions, [notify, deploy]]) => machineActions.length + (notify ? 1 : 0) + (deploy ? 1 : 0) > 0)
      .map(([cond, forText, machineActions, [notify, deploy], cooldown]) =>
        [machineActions.length ? `IF (${cond}) AND status == running` : `IF ${cond}`, forText ? `FOR ${forText}` : '', `THEN ${[...machineActions, notify, deploy].filter(Boolean).join(', ')}`, cooldown ? `cooldown ${cooldown}` : ''].filter(Boolean).join(' '),
      );
    fc.assert(
      fc.property(rule, (text) => {
        const canonical = compileRule('r1', text).text;
        expect(shape(parseRule(canonical))).toEqual(shape(parseRule(text)));
        expect(compileRule('r1', canonical).text).toBe(canonical);
      }),
      { numRuns: 2_000 },
    );
  });
});
