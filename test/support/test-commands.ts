// The commands the platform end-to-end tests run, shared by the Telegram, Discord and Slack suites.
// Each suite names them with its own prefix (`tg`, `demo `, `sx-`) and reads what they did from
// the returned `state`; commands that exercise one platform alone stay in that suite's file.
import { createCanvas } from '@napi-rs/canvas';
import { defineCommand, opt, type CommandDefinition, type OptionSpecs } from '#core/command.ts';
import type { Role } from '#domain/roles.ts';
import { DEFAULT_ORG_ID } from '#store/schema.ts';
import type { TestApp } from './app.ts';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A small PNG drawn with @napi-rs/canvas. */
export function png(): Buffer {
  const canvas = createCanvas(64, 32);
  const context = canvas.getContext('2d');
  context.fillStyle = '#3366cc';
  context.fillRect(0, 0, 64, 32);
  return canvas.toBuffer('image/png');
}

/** Makes the 'Long one' button's command too long for Telegram's callback_data and Discord's custom_id, so it travels by reference. */
export const LONG_GPU = 'x'.repeat(80);

export interface TestCommandState {
  /** The targets the destructive command destroyed. */
  destroyed: string[];
  /** The keys the secret-carrying command stored. */
  stored: string[];
}

export interface SlowPacing {
  /** Awaited before the first progress step (e.g. past a platform's defer deadline). */
  before?: () => Promise<unknown>;
  /** Awaited after each progress step is sent. */
  afterStep?: (step: number) => Promise<unknown>;
}

/**
 * The shared test commands, named `${prefix}offers`, `offer`, `chart`, `slow`, `zap` and `setkey`:
 * - offers: a table with buttons (escaping, alignment, a too-long button command);
 * - offer: the follow-up a button runs, naming the presser, their id and role;
 * - chart: an image reply (the PNG is `chart`) with a button;
 * - slow: three progress steps, then the result;
 * - zap: destructive and mutating, confirmed first (dev role);
 * - setkey: admin, direct messages only, carries a secret.
 */
export function testCommands({ prefix, slow = {} }: { prefix: string; slow?: SlowPacing }) {
  const state: TestCommandState = { destroyed: [], stored: [] };
  const chart = png();
  const commands = [
    defineCommand({
      name: `${prefix}offers`,
      summary: 'Test: a table with buttons',
      examples: [`${prefix}offers`],
      options: {},
      role: 'viewer',
      mutating: false,
      tier: 'free',
      run: () => ({
        kind: 'info',
        title: 'Offers <cheap> & fast',
        text: 'Provider said: <script>alert(1)</script> & more',
        table: {
          columns: [{ header: 'GPU' }, { header: 'Provider' }, { header: '$/h', align: 'right' }],
          rows: [
            ['RTX 4090', 'vast', '0.35'],
            ['H100 <SXM>', 'runpod & co', '2.49'],
          ],
        },
        buttons: [
          { label: 'Details 4090', command: `${prefix}offer gpu=4090`, style: 'primary' },
          { label: 'Long one', command: `${prefix}offer gpu="${LONG_GPU}"` },
          { label: 'Refresh', command: `${prefix}offers`, style: 'secondary' },
        ],
        footer: 'simulated · 12 s old',
      }),
    }),
    defineCommand({
      name: `${prefix}offer`,
      summary: 'Test: the follow-up a button runs',
      examples: [`${prefix}offer 4090`],
      options: { gpu: opt.string('GPU model', { positional: true, required: true }) },
      role: 'viewer',
      mutating: false,
      tier: 'free',
      run: ({ options, actor, role }) => ({ kind: 'info', text: `Offer ${options.gpu} for ${actor.displayName} (${actor.userId}, ${role})` }),
    }),
    defineCommand({
      name: `${prefix}chart`,
      summary: 'Test: an image reply',
      examples: [`${prefix}chart`],
      options: {},
      role: 'viewer',
      mutating: false,
      tier: 'free',
      run: () => ({
        kind: 'info',
        title: 'Price history',
        text: 'RTX 4090 over 7 days',
        image: { png: chart, alt: 'RTX 4090 price, 7 days', filename: 'chart.png' },
        buttons: [{ label: 'Again', command: `${prefix}chart` }],
      }),
    }),
    defineCommand({
      name: `${prefix}slow`,
      summary: 'Test: long work that reports progress',
      examples: [`${prefix}slow`],
      options: {},
      role: 'viewer',
      mutating: false,
      tier: 'free',
      async run({ progress }) {
        await slow.before?.();
        for (let step = 1; step <= 3; step++) {
          await progress({ kind: 'info', text: `Deploying: step ${step} of 3` });
          await slow.afterStep?.(step);
        }
        return { kind: 'success', text: 'Deployed: instance i-1 is running' };
      },
    }),
    defineCommand({
      name: `${prefix}zap`,
      summary: 'Test: destructive, confirmed first',
      examples: [`${prefix}zap box-1`],
      options: { target: opt.string('what to destroy', { positional: true, required: true }) },
      role: 'dev',
      mutating: true,
      tier: 'free',
      confirm: ({ options }) => ({ kind: 'warning', text: `About to destroy ${options.target}. This cannot be undone.` }),
      run: ({ options }) => {
        state.destroyed.push(options.target);
        return { kind: 'success', text: `Destroyed ${options.target}` };
      },
    }),
    defineCommand({
      name: `${prefix}setkey`,
      summary: 'Test: carries a secret',
      examples: [`${prefix}setkey <key>`],
      options: { key: opt.string('an API key', { positional: true, required: true, secret: true }) },
      role: 'admin',
      mutating: true,
      tier: 'free',
      directOnly: true,
      run: ({ options }) => {
        state.stored.push(options.key);
        return { kind: 'success', text: 'Key stored.' };
      },
    }),
  ] as unknown as CommandDefinition<OptionSpecs>[];
  return { commands, state, chart };
}

/** Adds someone to the default org with a role, as `member add` would. */
export async function addMember(app: TestApp, platform: string, userId: string, displayName: string, role: Role): Promise<void> {
  await app.services.db.update((data) => {
    data.members.push({ orgId: DEFAULT_ORG_ID, platform, userId, displayName, role, addedAt: new Date().toISOString() });
  });
}
