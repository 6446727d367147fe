// Zod building blocks for the providers' wire shapes, used by each *-parse.ts. Lenient where the
// providers are (numbers sent as numeric strings, fields absent or null, fields we do not read
// ignored, one unreadable item in a list skipped); strict where the shape decides what an answer
// means, so a garbage answer is a clear ProviderError instead of an empty list.
import { z } from 'zod';
import { providerLabel } from '#domain/providers.ts';
import { ProviderError } from './errors.ts';
import type { ProviderName } from './types.ts';

// Each reads the usual type and tries the other spelling only when that fails, which is a third
// cheaper than a union on Vast's 20,000-offer answers.
const numericText = z.string().refine((text) => text.trim() !== '' && Number.isFinite(Number(text))).transform(Number);
const numberAsText = z.number().transform(String);

/** A number, or a numeric string ("0.74" appears in RunPod examples); anything else reads as absent (zod's number is finite). */
export const wireNumber = z.number().optional().catch((failed) => numericText.safeParse(failed.value).data);

/** A non-empty string (a number is read as its digits, as ids sometimes are); anything else reads as absent. */
export const wireString = z.string().min(1).optional().catch((failed) => numberAsText.safeParse(failed.value).data);

export const wireBoolean = z.boolean().optional().catch(undefined);

/** A JSON object read through `shape`: unknown fields ignored, each field as lenient as its schema. */
export const wireObject = <Shape extends z.ZodRawShape>(shape: Shape) => z.object(shape);

/** An object where one is optional: absent, null or not an object reads as `{}` run through the shape. */
export const wireOptionalObject = <Shape extends z.ZodRawShape>(shape: Shape) => {
  const object = z.object(shape);
  return object.catch(() => object.parse({}));
};

/** A list whose unreadable items are skipped (as a provider's one odd record should not hide the rest). */
export const wireList = <Item extends z.ZodType>(item: Item) =>
  z.array(z.unknown()).transform((items) =>
    items.flatMap((raw) => {
      const read = item.safeParse(raw);
      return read.success ? [read.data as z.output<Item>] : [];
    }),
  );

/** A list that may be absent or null (read as empty). */
export const wireOptionalList = <Item extends z.ZodType>(item: Item) => wireList(item).optional().catch(undefined).transform((items) => items ?? []);

/** Reads a provider's answer through its wire schema; a shape that does not fit is a `bad-response` naming where. */
export function readWire<Schema extends z.ZodType>(provider: ProviderName, what: string, schema: Schema, body: unknown): z.output<Schema> {
  const read = schema.safeParse(body);
  if (read.success) return read.data;
  const issue = furthest(read.error.issues[0]!, []);
  const where = issue.path.length ? issue.path.join('.') : 'the answer';
  throw new ProviderError(
    provider,
    'bad-response',
    `${providerLabel(provider)} answered ${what} in a shape ComputeHub cannot read (${where}: ${issue.message}). Try again in a minute; if it keeps happening, ${providerLabel(provider)} has changed its API.`,
  );
}

/** The issue to name: for a shape that may take several forms, the form that fitted furthest into the answer, when one did. */
function furthest(issue: z.core.$ZodIssue, outer: PropertyKey[]): { path: PropertyKey[]; message: string } {
  const path = [...outer, ...issue.path];
  if (issue.code !== 'invalid_union') return { path, message: issue.message };
  const forms = issue.errors.flat().map((inner) => furthest(inner, path));
  const depth = Math.max(...forms.map((form) => form.path.length));
  const deepest = forms.filter((form) => form.path.length === depth);
  return depth > path.length && deepest.length === 1 ? deepest[0]! : { path, message: issue.message };
}
