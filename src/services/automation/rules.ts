// The rules of one org after a sync: snapshot → evaluate (pure) → take the fired actions through the
// fleet → events and audit entries with the rule as actor → the next state persisted. A failed action
// re-arms its rule (it retries after the cooldown); a rule that no longer compiles is skipped alone.
import { adminOnlyActions, compileRule, evaluate, rearm, ORG_TARGET, type Decision, type Rule, type RuleAction, type RuleState } from '#domain/rules/index.ts';
import type { MetricSample, LedgerEntry } from '#store/fleet-schema.ts';
import type { RuleRecord } from '#store/automation-schema.ts';
import { newDeployToken } from '../fleet/deploy-plan.ts';
import { auditAction, errorText, recordEvent, runInBackground, type AutomationContext } from './context.ts';
import { startRuleDeploy } from './rule-deploy.ts';
import { redeploy } from './redeploy.ts';
import { buildSnapshot, marketFacts, marketWindows, NO_MARKET } from './snapshot.ts';
import { emptyRuleState } from '#domain/rules/index.ts';

export interface RuleInputs {
  sealedToday: readonly LedgerEntry[];
  latestMetrics: ReadonlyMap<string, MetricSample>;
  nowMs: number;
}

/** The org's rules compiled; a stored rule that no longer compiles is logged and left out. */
export function compiledRules(context: AutomationContext, records: readonly RuleRecord[]): Rule[] {
  const rules: Rule[] = [];
  for (const record of records) {
    try {
      rules.push(compileRule(record.id, record.text, record.enabled));
    } catch (error) {
      context.log.error({ err: error, orgId: record.orgId, ruleId: record.id }, 'a stored rule does not compile; it is skipped');
    }
  }
  return rules;
}

export async function ruleSnapshot(context: AutomationContext, orgId: string, rules: readonly Rule[], inputs: RuleInputs) {
  const { market, windows } = marketWindows(rules.filter((rule) => rule.enabled));
  const facts = market
    ? await marketFacts(context.market, orgId, windows, inputs.nowMs).catch((error: unknown) => {
        context.log.warn({ err: error, orgId }, 'market facts for rules unavailable');
        return NO_MARKET;
      })
    : NO_MARKET;
  return buildSnapshot(orgId, { data: context.db.data, sealedToday: inputs.sealedToday, latestMetrics: inputs.latestMetrics, market: facts, nowMs: inputs.nowMs });
}

export async function evaluateRules(context: AutomationContext, orgId: string, inputs: RuleInputs): Promise<void> {
  const records = context.db.data.automation.rules.filter((rule) => rule.orgId === orgId);
  const previous = context.db.data.automation.ruleStates[orgId];
  if (records.length === 0 && !previous) return;
  const rules = compiledRules(context, records);
  const snapshot = await ruleSnapshot(context, orgId, rules, inputs);
  const { decisions, nextState } = evaluate(snapshot, rules, previous ?? emptyRuleState(), inputs.nowMs);
  let state: RuleState = nextState;
  for (const decision of decisions) {
    const record = records.find((candidate) => candidate.id === decision.ruleId);
    try {
      const failed = await takeDecision(context, orgId, decision, record);
      if (failed) state = rearm(state, decision.ruleId, decision.instanceId ?? ORG_TARGET);
    } catch (error) {
      context.log.error({ err: error, orgId, ruleId: decision.ruleId }, 'a rule decision could not be carried out');
    }
  }
  await context.db.update((data) => {
    data.automation.ruleStates[orgId] = state;
  });
}

function actionText(action: RuleAction): string {
  if (action.type === 'migrate') return action.provider ? `migrate provider=${action.provider}` : 'migrate';
  return action.type;
}

/** Records the decision and, when it fired, takes its actions. True when an action failed. */
async function takeDecision(context: AutomationContext, orgId: string, decision: Decision, record: RuleRecord | undefined): Promise<boolean> {
  const channel = record?.channel ?? null;
  const base = { orgId, ruleId: decision.ruleId, ...(decision.instanceId && { instanceId: decision.instanceId }), values: decision.values };
  const target = decision.instanceId ? `${decision.instanceId}: ` : '';
  if (decision.kind === 'skipped') {
    await recordEvent(context, { ...base, kind: 'skipped', action: decision.actions.map(actionText).join(', '), result: 'skipped', message: `${target}${decision.reason}` }, channel);
    return false;
  }
  if (decision.kind === 'resolved') {
    await recordEvent(context, { ...base, kind: 'resolved', result: 'resolved', message: `${target}${decision.reason}` }, channel);
    return false;
  }
  const refusal = record && authorNoLongerMay(context, orgId, record, decision.actions);
  if (refusal) {
    await recordEvent(context, { ...base, kind: 'skipped', action: decision.actions.map(actionText).join(', '), result: 'skipped', message: `${target}${refusal}` }, channel);
    return false;
  }
  const notes = decision.actions.flatMap((action) => (action.type === 'notify' && action.message ? [action.message] : []));
  await recordEvent(context, { ...base, kind: 'rule-fired', action: decision.actions.map(actionText).join(', '), result: 'ok', message: `${target}${[...notes, decision.reason].join(' — ')}` }, channel);
  let failed = false;
  for (const action of decision.actions) {
    if (action.type === 'notify') continue;
    const failure = await takeAction(context, orgId, decision, action, channel);
    if (failure) {
      failed = true;
      await recordEvent(context, { ...base, kind: 'action-failed', action: actionText(action), result: 'failed', message: `${target}${actionText(action)} failed: ${failure}` }, channel);
    }
  }
  return failed;
}

/** Why the rule's author may no longer have it destroy, migrate or deploy (their role changed), if so. */
function authorNoLongerMay(context: AutomationContext, orgId: string, record: RuleRecord, actions: RuleAction[]): string | undefined {
  const needsAdmin = adminOnlyActions({ actions });
  if (needsAdmin.length === 0) return undefined;
  const split = record.createdBy.indexOf(':');
  const role = context.identity.roleIn({ platform: record.createdBy.slice(0, split), userId: record.createdBy.slice(split + 1) }, orgId);
  if (role === 'admin') return undefined;
  return `not carried out: ${record.createdBy}, who wrote ${record.id}, is no longer an admin of this org (now ${role ?? 'not a member'}), and only an admin's rule may ${needsAdmin.join(', ')}. An admin can add it again, or pause it with: rule pause ${record.id}`;
}

/** Takes one action; returns why it failed, if it did. A migrate runs in the background. */
async function takeAction(context: AutomationContext, orgId: string, decision: Decision, action: RuleAction, channel: RuleRecord['channel']): Promise<string | undefined> {
  const by = `rule:${decision.ruleId}`;
  const instance = context.db.data.instances.find((candidate) => candidate.orgId === orgId && candidate.id === decision.instanceId);
  if (action.type === 'deploy') return startRuleDeploy(context, orgId, decision.ruleId, action.options, channel);
  if (action.type === 'notify') return undefined;
  if (!instance) return `the instance ${decision.instanceId ?? ''} is gone`;
  const line = `${actionText(action)} id=${instance.id}`;
  if (action.type === 'migrate') {
    const key = `${orgId}/${instance.id}`;
    if (context.background.has(key)) return undefined;
    runInBackground(context, key, redeploy(context.fleet, { old: instance, actor: by, token: newDeployToken(), provider: action.provider }), {
      async done(result) {
        await auditAction(context, orgId, by, line);
        await recordEvent(context, { orgId, kind: 'redeployed', ruleId: decision.ruleId, instanceId: instance.id, action: 'migrate', result: 'ok', message: result.message }, channel);
      },
      async failed(error) {
        await auditAction(context, orgId, by, line, errorText(error));
        await recordEvent(context, { orgId, kind: 'action-failed', ruleId: decision.ruleId, instanceId: instance.id, action: 'migrate', result: 'failed', message: `${instance.id}: migrate failed: ${errorText(error)}` }, channel);
      },
    });
    return undefined;
  }
  try {
    await context.fleet.apply(instance, action.type);
    await auditAction(context, orgId, by, line);
    return undefined;
  } catch (error) {
    await auditAction(context, orgId, by, line, errorText(error));
    return errorText(error);
  }
}
