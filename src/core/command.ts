// One definition per command. It drives parsing, validation, help, roles, Pro gating, auditing and
// every platform's registration (Telegram's menu, Discord's slash commands, Slack's manifest).
import { z } from 'zod';
import type { Operator } from './args.ts';
import type { ProgressSink, Reply } from './reply.ts';
import type { Pins } from '#domain/confirmations.ts';
import type { Role } from '#domain/roles.ts';
import { DURATION_SECONDS, type DurationUnit } from '#domain/rules/units.ts';

export type OptionKind = 'string' | 'number' | 'integer' | 'boolean';

/** Where a chat platform can offer suggestions while the user types. */
export type CompletionSource = 'gpu' | 'template' | 'instance' | 'provider' | 'project';

export interface Comparison {
  op: Operator;
  value: number;
}

export interface OptionSpec<T = unknown, R extends boolean = boolean> {
  kind: OptionKind;
  description: string;
  /** Validates one raw string value (for comparisons: each compared value). */
  schema: z.ZodType<unknown>;
  required: R;
  /** Filled from positional words, in declaration order. */
  positional: boolean;
  /** Takes every remaining positional word, joined by spaces. */
  rest: boolean;
  /**
   * With `rest`: the rest of the line exactly as typed (after the command's words, before trailing
   * --switches), never split into key=value options; for languages of their own (rule add).
   */
  raw: boolean;
  /** Accepts >=, <=, >, <, != as well as = (and repeats); the handler receives Comparison[]. */
  compare: boolean;
  choices?: readonly string[];
  /** Never echoed in replies, logs or the audit log. */
  secret: boolean;
  complete?: CompletionSource;
  /** Shown in usage lines, e.g. <gpu> or <n>. */
  placeholder: string;
  aliases: readonly string[];
  /** Phantom: the type the handler receives. */
  readonly __value?: T;
}

interface Modifiers {
  required?: boolean;
  positional?: boolean;
  rest?: boolean;
  raw?: boolean;
  secret?: boolean;
  complete?: CompletionSource;
  placeholder?: string;
  aliases?: readonly string[];
}

type RequiredOf<M extends Modifiers> = M['required'] extends true ? true : false;

function spec<T, M extends Modifiers>(
  kind: OptionKind,
  schema: z.ZodType<unknown>,
  description: string,
  placeholder: string,
  modifiers: M,
  extra: { compare?: boolean; choices?: readonly string[] } = {},
): OptionSpec<T, RequiredOf<M>> {
  return {
    kind,
    schema,
    description,
    positional: false,
    rest: false,
    raw: false,
    compare: false,
    secret: false,
    placeholder,
    aliases: [],
    ...extra,
    ...modifiers,
    required: (modifiers.required ?? false) as RequiredOf<M>,
  };
}

const numberText = z
  .string()
  .trim()
  .regex(/^[+-]?(\d+(\.\d*)?|\.\d+)$/, 'expected a number such as 24 or 0.8')
  .transform(Number);

const integerText = z
  .string()
  .trim()
  .regex(/^[+-]?\d+$/, 'expected a whole number such as 2')
  .transform(Number);

const booleanText = z
  .string()
  .trim()
  .toLowerCase()
  .refine((value) => ['true', 'false', 'yes', 'no', 'on', 'off', '1', '0'].includes(value), 'expected yes or no')
  .transform((value) => ['true', 'yes', 'on', '1'].includes(value));

const durationText = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^\d+(\.\d+)?[smhd]$/, 'expected a duration such as 30m, 2h or 1d')
  .transform((text) => Number(text.slice(0, -1)) * DURATION_SECONDS[text.slice(-1) as DurationUnit]);

function bounded(schema: z.ZodType<number>, min?: number, max?: number): z.ZodType<number> {
  let result = schema;
  if (min !== undefined) result = result.refine((n) => n >= min, `expected at least ${min}`);
  if (max !== undefined) result = result.refine((n) => n <= max, `expected at most ${max}`);
  return result;
}

interface Bounds {
  min?: number;
  max?: number;
}

/** Builders for option specs: `opt.string('GPU model, e.g. 4090', { positional: true })`. */
export const opt = {
  string: <M extends Modifiers & { pattern?: RegExp; patternHint?: string; maxLength?: number }>(description: string, modifiers: M = {} as M) => {
    const maxLength = modifiers.maxLength ?? 500;
    let schema = z.string().min(1, 'expected a value').max(maxLength, `expected at most ${maxLength} characters`);
    if (modifiers.pattern) schema = schema.regex(modifiers.pattern, modifiers.patternHint ?? `expected text matching ${modifiers.pattern}`);
    return spec<string, M>('string', schema, description, '<text>', modifiers);
  },
  number: <M extends Modifiers & Bounds>(description: string, modifiers: M = {} as M) =>
    spec<number, M>('number', bounded(numberText, modifiers.min, modifiers.max), description, '<n>', modifiers),
  integer: <M extends Modifiers & Bounds>(description: string, modifiers: M = {} as M) =>
    spec<number, M>('integer', bounded(integerText, modifiers.min, modifiers.max), description, '<n>', modifiers),
  /** A number that may be compared: vram>=24, price<0.8, count=2, or a pair for a range. */
  range: <M extends Modifiers & Bounds & { integer?: boolean }>(description: string, modifiers: M = {} as M) =>
    spec<Comparison[], M>(
      modifiers.integer ? 'integer' : 'number',
      bounded(modifiers.integer ? integerText : numberText, modifiers.min, modifiers.max),
      description,
      '<n>',
      modifiers,
      { compare: true },
    ),
  /** A duration typed as 30s, 10m, 2h or 1d; the handler receives seconds. */
  duration: <M extends Modifiers & Bounds>(description: string, modifiers: M = {} as M) =>
    spec<number, M>('string', bounded(durationText, modifiers.min, modifiers.max), description, '<30m|2h|1d>', modifiers),
  boolean: <M extends Modifiers>(description: string, modifiers: M = {} as M) =>
    spec<boolean, M>('boolean', booleanText, description, 'yes|no', modifiers),
  choice: <const C extends readonly [string, ...string[]], M extends Modifiers = {}>(choices: C, description: string, modifiers: M = {} as M) => {
    const schema = z
      .string()
      .trim()
      .toLowerCase()
      .refine((value) => (choices as readonly string[]).includes(value), `expected one of ${choices.join(', ')}`);
    return spec<C[number], M>('string', schema, description, choices.join('|'), modifiers, { choices });
  },
};

export type OptionSpecs = Record<string, OptionSpec<any, boolean>>;

/** What a handler receives: each option's value, possibly undefined unless the option is required. */
export type OptionValues<S extends OptionSpecs> = {
  [K in keyof S]: S[K] extends OptionSpec<infer T, infer R> ? (R extends true ? T : T | undefined) : never;
};

/** The licence a command needs: `pro` commands are refused without a Pro licence or the simulator trial. */
export type LicenceTier = 'free' | 'pro';

export interface Actor {
  platform: string;
  userId: string;
  displayName: string;
}

export interface Channel {
  platform: string;
  id: string;
  /** A direct message with the bot, or a shared room (group, channel, server). */
  kind: 'direct' | 'shared';
}

/** The terminal user and the CLI: the local operator, always admin of the default org (src/services/identity.ts). */
export const LOCAL_ACTOR: Actor = { platform: 'console', userId: 'local', displayName: 'local admin' };
export const LOCAL_CHANNEL: Channel = { platform: 'console', id: 'local', kind: 'direct' };

export interface CommandContext<S extends OptionSpecs = OptionSpecs> {
  options: OptionValues<S>;
  actor: Actor;
  channel: Channel;
  orgId: string;
  role: Role;
  projectId: string | undefined;
  /** True when the user confirmed (pressed Confirm, or passed --yes). */
  confirmed: boolean;
  /**
   * The confirmation this invocation previews (its id is chosen before the preview is built) or
   * carries out (Confirm pressed). Undefined when --yes was typed.
   */
  confirmationId?: string | undefined;
  /** What the preview fixed beyond the options (the price shown); read back when Confirm is pressed. */
  pins: Pins;
  /** Edit the one message that shows this command's progress. */
  progress: ProgressSink;
  services: CommandServices;
}

/**
 * Everything a handler reaches through `context.services`. Core only names it: src/app.ts adds its
 * `Services` here by declaration merging (TypeScript module augmentation,
 * https://www.typescriptlang.org/docs/handbook/declaration-merging.html), so core never imports the app.
 */
export interface CommandServices {}

export interface CommandDefinition<S extends OptionSpecs = OptionSpecs> {
  /** One word, or `group sub` for a subcommand (e.g. `licence activate`). */
  name: string;
  summary: string;
  description?: string;
  examples: string[];
  options: S;
  /** The least role that may run it. */
  role: Role;
  /** Changes state: refused to viewers, and recorded in the audit log. */
  mutating: boolean;
  tier: LicenceTier;
  /** Accepted only in a direct message with the bot (it carries a secret). */
  directOnly?: boolean;
  /** Answered for anyone, even people who are not members of an org yet (help, claim). */
  public?: boolean;
  /**
   * When set, the command first answers with what it is about to do and Confirm / Cancel buttons;
   * it runs only once confirmed. Return undefined to skip confirmation for this invocation.
   * The hook pins what it showed: it rewrites the options to canonical targets (instance ids, the
   * exact offer) and records in `pins` what must not change; Confirm runs exactly that, once. A run
   * that answers with kind 'confirm' (the price rose) asks again with a fresh confirmation.
   */
  confirm?: (context: CommandContext<S>) => Promise<Reply | undefined> | Reply | undefined;
  run: (context: CommandContext<S>) => Promise<Reply> | Reply;
}

export interface CommandGroup {
  name: string;
  summary: string;
  aliases?: string[];
  /** The subcommand run when only the group name is typed. */
  defaultSubcommand?: string;
}

export function defineCommand<S extends OptionSpecs>(definition: CommandDefinition<S>): CommandDefinition<S> {
  return definition;
}

export function defineGroup(group: CommandGroup): CommandGroup {
  return group;
}
