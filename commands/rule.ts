// rule add | list | show | test | backtest | pause | resume | remove: IF-THEN rules evaluated after every sync
// (the language: src/domain/rules/README.md). Pro.
import { defineCommand, defineGroup, opt, type CommandContext, type CommandDefinition, type OptionSpecs } from '#core/command.ts';
import type { Reply } from '#core/reply.ts';
import { compileRule, RuleError } from '#domain/rules/index.ts';
import { UsageError } from '#core/errors.ts';
import { bindOptions } from '#core/options.ts';
import { deploy } from './deploy.ts';
import type { RuleRecord } from '#store/automation-schema.ts';

export const ruleGroup = defineGroup({ name: 'rule', summary: 'IF-THEN rules that act on your instances after every sync (Pro)', aliases: ['rules'], defaultSubcommand: 'list' });

const idOption = { id: opt.string('rule id from rule list, e.g. r1', { required: true, positional: true, pattern: /^r\d+$/i, patternHint: 'expected a rule id such as r1' }) };

function ruleJson(context: CommandContext, rule: RuleRecord) {
  const summary = context.services.automation.ruleState(context.orgId).rules[rule.id];
  return { id: rule.id, text: rule.text, enabled: rule.enabled, lastFiredAt: summary?.lastFiredAt ?? null, fireCount: summary?.fireCount ?? 0 };
}

/** A rule's deploy options, read by the deploy command's own definition: what deploy refuses, rule add refuses. */
function checkDeployOptions(options: { key: string; value: string }[]): void {
  if (options.some((option) => option.key.toLowerCase() === 'token')) throw new UsageError('A rule\'s deploy takes no token=: each firing gets its own.');
  try {
    bindOptions(deploy as unknown as CommandDefinition<OptionSpecs>, { positionals: [], named: options.map((option) => ({ key: option.key.toLowerCase(), op: '=', value: option.value })), flags: new Map() });
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(`In the rule's deploy: ${error.message}`);
    throw error;
  }
}

export const ruleAdd = defineCommand({
  name: 'rule add',
  summary: 'Add a rule: IF <condition> [FOR <duration>] THEN <action>[, <action>…] [COOLDOWN <duration>]',
  description:
    'The rest of the line is the rule, no quotes needed. Variables: cost_per_hour, cost_today, cost_total, uptime, gpu_util, vram_used_pct, gpu_temp, gpu, provider, status, project, name; cheapest(gpu), price_change_pct(gpu, 24h). Actions: stop, restart, notify ["text"], and for admins destroy, migrate [provider=] and deploy <deploy options> (gpu= required; billed to the rule, never re-triggered by what it deployed). Default cooldown 30m.',
  examples: ['rule add IF gpu_util < 5% FOR 30m THEN stop', 'rule add IF cost_today > $20 THEN notify "over $20 today", stop', 'rule add IF gpu_temp > 85 FOR 10m THEN notify "too hot", restart'],
  options: { text: opt.string('the rule', { required: true, rest: true, raw: true, maxLength: 1000, placeholder: 'IF … THEN …' }) },
  role: 'dev',
  mutating: true,
  tier: 'pro',
  async run(context) {
    const { services, options } = context;
    try {
      for (const action of compileRule('new', options.text).actions) if (action.type === 'deploy') checkDeployOptions(action.options);
      const rule = await services.automation.addRule(context.orgId, options.text, {
        id: `${context.actor.platform}:${context.actor.userId}`,
        role: context.role,
        channel: { platform: context.channel.platform, id: context.channel.id },
      });
      return { kind: 'success', text: `Added ${rule.id}: ${rule.text}\nIt is checked after every sync; its events come to this chat. Try it now with: rule test ${rule.id}`, data: ruleJson(context, rule) };
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      return { kind: 'error', text: `That rule does not read right (column ${error.column}). Nothing was saved.`, code: error.display(), data: { error: error.problem, column: error.column } };
    }
  },
});

export const ruleList = defineCommand({
  name: 'rule list',
  summary: 'List the rules of this org',
  examples: ['rule list', 'rule list --json'],
  options: {},
  role: 'viewer',
  mutating: false,
  tier: 'pro',
  run(context) {
    const rules = context.services.automation.rules(context.orgId).map((rule) => ruleJson(context, rule));
    if (rules.length === 0) return { kind: 'info', text: 'No rules yet. Add one with: rule add IF gpu_util < 5% FOR 30m THEN stop', data: { rules } };
    return {
      kind: 'info',
      title: `Rules (${rules.length})`,
      table: {
        columns: [{ header: 'Id' }, { header: 'Rule' }, { header: 'On' }, { header: 'Fired', align: 'right' }, { header: 'Last fired (UTC)' }],
        rows: rules.map((rule) => [rule.id, rule.text, rule.enabled ? 'yes' : 'paused', String(rule.fireCount), rule.lastFiredAt?.slice(0, 16).replace('T', ' ') ?? '-']),
      },
      data: { rules },
    };
  },
});

export const ruleShow = defineCommand({
  name: 'rule show',
  summary: 'Show one rule and what it is doing',
  examples: ['rule show r1'],
  options: idOption,
  role: 'viewer',
  mutating: false,
  tier: 'pro',
  run(context) {
    const rule = context.services.automation.rule(context.orgId, context.options.id);
    const json = ruleJson(context, rule);
    const targets = context.services.automation.ruleState(context.orgId).targets[rule.id] ?? [];
    return {
      kind: 'info',
      title: `${rule.id}${rule.enabled ? '' : ' (paused)'}`,
      code: rule.text,
      fields: [
        { name: 'Fired', value: `${json.fireCount} time${json.fireCount === 1 ? '' : 's'}${json.lastFiredAt ? `, last ${json.lastFiredAt}` : ''}`, inline: true },
        { name: 'Added', value: `${rule.createdAt} by ${rule.createdBy}`, inline: true },
        ...targets.map((target) => ({ name: target.target === '*' ? 'market' : target.target, value: target.firing ? `firing since ${target.lastFiredAt}` : target.trueSince ? `holding since ${target.trueSince}` : `cooling down (last fired ${target.lastFiredAt})` })),
      ],
      data: { ...json, targets },
    };
  },
});

export const ruleTest = defineCommand({
  name: 'rule test',
  summary: 'Dry-run a rule against now: what it reads on each instance and whether it would fire',
  examples: ['rule test r1'],
  options: idOption,
  role: 'viewer',
  mutating: false,
  tier: 'pro',
  async run(context) {
    const { rule, targets } = await context.services.automation.testRule(context.orgId, context.options.id);
    if (targets.length === 0) return { kind: 'info', text: `${rule.id} has nothing to look at now (no instances).`, data: { id: rule.id, targets } };
    const holds = (value: boolean | null) => (value === null ? 'unknown (missing data)' : value ? 'yes' : 'no');
    return {
      kind: 'info',
      title: `rule test ${rule.id}: ${rule.text}`,
      table: {
        columns: [{ header: 'Target' }, { header: 'Holds' }, { header: 'Values' }, { header: 'Fires at (UTC)' }],
        rows: targets.map((target) => [target.instanceId ?? 'market', holds(target.holds), target.seen, target.firesAt?.slice(0, 19).replace('T', ' ') ?? '-']),
      },
      footer: 'Nothing was done: this is a dry run.',
      data: { id: rule.id, targets },
    };
  },
});

const usd = (value: number) => `$${value.toFixed(2)}`;

export const ruleBacktest = defineCommand({
  name: 'rule backtest',
  summary: 'Replay a rule over the recorded metrics, costs and prices: how often it would have fired, what it would have saved or cost',
  examples: ['rule backtest r1', 'rule backtest r1 3', 'rule backtest r1 days=30 --json'],
  options: { ...idOption, days: opt.integer('how many days back to replay (default 7)', { positional: true, min: 1, max: 365 }) },
  role: 'viewer',
  mutating: false,
  tier: 'pro',
  async run(context) {
    const { rule, report } = await context.services.automation.backtestRule(context.orgId, context.options.id, context.options.days ?? 7);
    const result = report.rules[0]!;
    const data = { id: rule.id, text: rule.text, from: report.from, to: report.to, snapshots: report.snapshots, ...result };
    if (report.snapshots === 0) return { kind: 'info', text: `Nothing recorded for ${rule.id} to replay in the last ${context.options.days ?? 7} days (no instance synced).`, data };
    const when = (at: string | undefined) => at?.slice(0, 16).replace('T', ' ') ?? '-';
    const skips = Object.entries(result.skipped).filter(([, count]) => count > 0).map(([reason, count]) => `${reason} ${count}`).join(', ');
    return {
      kind: 'info',
      title: `rule backtest ${rule.id}: ${rule.text}`,
      fields: [
        { name: 'Record (UTC)', value: `${when(report.from ?? undefined)} to ${when(report.to ?? undefined)}, ${report.snapshots} snapshots`, inline: true },
        { name: 'Would have fired', value: `${result.firings.length} time${result.firings.length === 1 ? '' : 's'}${result.firings.length ? `, first ${when(result.firings[0]!.at)}, last ${when(result.firings.at(-1)!.at)}` : ''}`, inline: true },
        { name: 'Skipped', value: skips || 'never', inline: true },
        { name: 'Saved', value: usd(result.savedUsd), inline: true },
        { name: 'Cost', value: `${usd(result.costUsd)}${result.unpriced ? ` (+${result.unpriced} deploys without a price)` : ''}`, inline: true },
      ],
      footer: 'Assumes the record went on as it did: a stop or destroy saves what the instance billed after the firing until it stopped or left anyway; a deploy costs the cheapest price then until the end.',
      data,
    };
  },
});

function toggle(name: 'pause' | 'resume') {
  return defineCommand({
    name: `rule ${name}`,
    summary: name === 'pause' ? 'Pause a rule: it is not evaluated until resumed' : 'Resume a paused rule',
    examples: [`rule ${name} r1`],
    options: idOption,
    role: 'dev',
    mutating: true,
    tier: 'pro',
    async run(context) {
      const rule = await context.services.automation.setRuleEnabled(context.orgId, context.options.id, name === 'resume');
      return { kind: 'success', text: `${rule.id} is ${rule.enabled ? 'active again' : 'paused'}: ${rule.text}`, data: ruleJson(context, rule) };
    },
  });
}

export const rulePause = toggle('pause');
export const ruleResume = toggle('resume');

export const ruleRemove = defineCommand({
  name: 'rule remove',
  summary: 'Remove a rule',
  examples: ['rule remove r1'],
  options: idOption,
  role: 'dev',
  mutating: true,
  tier: 'pro',
  async run(context): Promise<Reply> {
    const rule = await context.services.automation.removeRule(context.orgId, context.options.id);
    return { kind: 'success', text: `Removed ${rule.id}: ${rule.text}`, data: { id: rule.id } };
  },
});
