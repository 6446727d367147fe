// The Pro automation: after every instance sync (and price refresh) each org's watches are stepped
// and its rules evaluated, never two evaluations at once; one org, rule or watch failing never stops
// the others. Rules, watches and rule state live in db.json (`automation`); events in their series.
import { UserError } from '#core/errors.ts';
import type { Role } from '#domain/roles.ts';
import { authorRefusal, compileRule, emptyRuleState, inspectRule, type BacktestReport, type Rule, type RuleState, type TargetView } from '#domain/rules/index.ts';
import type { Logger } from '#src/log.ts';
import type { Db } from '#store/db.ts';
import type { CapRecord, EventChannel, RuleRecord, TimeLimitRecord, WatchRecord } from '#store/automation-schema.ts';
import type { MetricSample } from '#store/fleet-schema.ts';
import type { FleetService } from '../fleet/index.ts';
import type { SyncReport } from '../fleet/sync.ts';
import { findInstance } from '../fleet/records.ts';
import type { IdentityService } from '../identity.ts';
import type { MarketService } from '../market/index.ts';
import { nextId, type AutomationContext, type ChannelPoster, type EventListener } from './context.ts';
import { EventLog } from './events.ts';
import { backtestRule } from './backtest.ts';
import { compiledRules, evaluateRules, ruleSnapshot, type RuleInputs } from './rules.ts';
import { metricKey } from './snapshot.ts';
import { stepWatches } from './watch.ts';
import { checkCaps, sealedLedgerReader, type SealedLedger } from './caps.ts';
import { trackDowns } from './down.ts';
import { checkIdles, IdleChecks } from './idle.ts';
import { enforceTimeLimits, setTimeLimit } from './time-limits.ts';
import { checkPriceAlerts, PriceAlerts } from './price-alerts.ts';

export type { ChannelPoster, EventListener } from './context.ts';
export type { AutomationEvent } from './events.ts';

/** What one evaluation covers: everything after a sync, rules alone after a price refresh. */
export type EvaluationScope = 'all' | 'rules';

export interface AutomationOptions {
  db: Db;
  fleet: FleetService;
  market: MarketService;
  identity: IdentityService;
  log: Logger;
  now: () => Date;
  dataDir: string;
}

const DAY_MS = 86_400_000;

export class AutomationService {
  private running: Promise<void> | undefined;
  private pending: EvaluationScope | undefined;
  private readonly latestMetrics = new Map<string, MetricSample>();
  /** Instance states found to be down on purpose, so the audit log is read once per state. */
  private readonly intentionalDowns = new Set<string>();

  /** idle checks: idle <id>|project=<p> util<5 for=30m action=… */
  readonly idleChecks: IdleChecks;
  /** alert price gpu=… below=… */
  readonly priceAlerts: PriceAlerts;

  private constructor(private readonly context: AutomationContext) {
    this.idleChecks = new IdleChecks(context);
    this.priceAlerts = new PriceAlerts(context);
  }

  static async open(options: AutomationOptions): Promise<AutomationService> {
    const events = await EventLog.open(options.dataDir, (problem) => options.log.warn(problem));
    const { db, fleet, market, identity, log, now } = options;
    return new AutomationService({ db, fleet, market, identity, log, now, events, poster: undefined, listeners: [], background: new Map() });
  }

  get events(): EventLog {
    return this.context.events;
  }

  /** Where events are posted: the chat platforms (src/main.ts); without one they are only stored. */
  setPoster(poster: ChannelPoster): void {
    this.context.poster = poster;
  }

  /** Tells `listener` of every event recorded from now on (the alerts subscribe here). */
  onEvent(listener: EventListener): void {
    this.context.listeners.push(listener);
  }

  /** The scheduler's sync job calls this with what the sync saw. */
  afterSync(report: Pick<SyncReport, 'samples'>): Promise<void> {
    for (const sample of report.samples) {
      const key = metricKey(sample.orgId, sample.instanceId);
      const known = this.latestMetrics.get(key);
      if (!known || Date.parse(known.at) <= Date.parse(sample.at)) this.latestMetrics.set(key, sample);
    }
    return this.evaluate();
  }

  /**
   * One evaluation of every org; a call while one runs waits for it and is followed by one more.
   * `rules` alone is for a price refresh: watches and caps read instance state only a sync brings, so
   * between syncs they would act again on what the last sync saw (a second restart, say).
   */
  evaluate(scope: EvaluationScope = 'all'): Promise<void> {
    if (this.running) {
      this.pending = this.pending === 'all' ? 'all' : scope;
      return this.running;
    }
    this.running = (async () => {
      let next: EvaluationScope | undefined = scope;
      while (next) {
        this.pending = undefined;
        await this.evaluateAll(next);
        next = this.pending;
      }
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async evaluateAll(scope: EvaluationScope): Promise<void> {
    const sealedLedger = sealedLedgerReader(this.context.db);
    const inputs = await this.inputs(sealedLedger);
    const parts = [
      ['watches', (orgId: string) => stepWatches(this.context, orgId)],
      ['downs', (orgId: string) => trackDowns(this.context, orgId, this.intentionalDowns)],
      ['idle', (orgId: string) => checkIdles(this.context, orgId, this.latestMetrics)],
      ['time limits', (orgId: string) => enforceTimeLimits(this.context, orgId)],
      ['caps', (orgId: string) => checkCaps(this.context, orgId, sealedLedger)],
      ['rules', (orgId: string) => evaluateRules(this.context, orgId, inputs)],
      ['price alerts', (orgId: string) => checkPriceAlerts(this.context, orgId)],
    ] as const;
    for (const org of this.context.db.data.orgs) {
      for (const [part, run] of parts) {
        if (scope === 'rules' && part !== 'rules' && part !== 'price alerts') continue;
        try {
          await run(org.id);
        } catch (error) {
          this.context.log.error({ err: error, orgId: org.id, part }, 'automation evaluation failed');
        }
      }
    }
  }

  private async inputs(sealedLedger: SealedLedger = sealedLedgerReader(this.context.db)): Promise<RuleInputs> {
    const nowMs = this.context.now().getTime();
    const dayStart = Math.floor(nowMs / DAY_MS) * DAY_MS;
    const sealedToday = this.context.db.data.automation.rules.length ? await sealedLedger(dayStart - DAY_MS) : [];
    return { sealedToday, latestMetrics: this.latestMetrics, nowMs };
  }

  /** Resolves once the redeploys and migrations in progress have finished (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.context.background.size > 0) await Promise.allSettled([...this.context.background.values()]);
  }

  // Rules

  rules(orgId: string): RuleRecord[] {
    return this.context.db.data.automation.rules.filter((rule) => rule.orgId === orgId);
  }

  rule(orgId: string, id: string): RuleRecord {
    const found = this.rules(orgId).find((rule) => rule.id === id.toLowerCase());
    if (!found) throw new UserError(`There is no rule ${id} in this org. See them with: rule list`);
    return found;
  }

  ruleState(orgId: string): RuleState {
    return this.context.db.data.automation.ruleStates[orgId] ?? emptyRuleState();
  }

  /** Compiles (throws a RuleError with the column), checks the author may, and stores it. */
  async addRule(orgId: string, text: string, author: { id: string; role: Role; channel: EventChannel | null }): Promise<RuleRecord> {
    const compiled = compileRule('new', text);
    const refusal = authorRefusal(compiled, author.role);
    if (refusal) throw new UserError(refusal);
    return this.context.db.update((data) => {
      const record: RuleRecord = { orgId, id: nextId(data, orgId, 'r'), text: compiled.text, enabled: true, createdBy: author.id, createdAt: this.context.now().toISOString(), channel: author.channel };
      data.automation.rules.push(record);
      return record;
    });
  }

  async setRuleEnabled(orgId: string, id: string, enabled: boolean): Promise<RuleRecord> {
    const found = this.rule(orgId, id);
    await this.context.db.update((data) => {
      const stored = data.automation.rules.find((rule) => rule.orgId === orgId && rule.id === found.id);
      if (stored) stored.enabled = enabled;
    });
    return this.rule(orgId, id);
  }

  async removeRule(orgId: string, id: string): Promise<RuleRecord> {
    const found = this.rule(orgId, id);
    await this.context.db.update((data) => {
      data.automation.rules = data.automation.rules.filter((rule) => !(rule.orgId === orgId && rule.id === found.id));
    });
    return found;
  }

  /** `rule test`: what the rule sees now on each target; nothing is decided or taken. */
  async testRule(orgId: string, id: string): Promise<{ rule: Rule; targets: TargetView[] }> {
    const [rule] = compiledRules(this.context, [this.rule(orgId, id)]);
    if (!rule) throw new UserError(`Rule ${id} no longer compiles; remove it and add it again.`);
    const inputs = await this.inputs();
    const snapshot = await ruleSnapshot(this.context, orgId, [rule], inputs);
    return { rule, targets: inspectRule(snapshot, rule, this.ruleState(orgId), inputs.nowMs) };
  }

  /** `rule backtest`: the rule replayed over the org's last `days` of record (a paused rule as if active). */
  async backtestRule(orgId: string, id: string, days: number): Promise<{ rule: Rule; report: BacktestReport }> {
    const record = this.rule(orgId, id);
    const [rule] = compiledRules(this.context, [{ ...record, enabled: true }]);
    if (!rule) throw new UserError(`Rule ${id} no longer compiles; remove it and add it again.`);
    return { rule, report: await backtestRule(this.context, orgId, rule, days, this.context.now().getTime()) };
  }

  // Watches

  watches(orgId: string): WatchRecord[] {
    return this.context.db.data.automation.watches.filter((watch) => watch.orgId === orgId);
  }

  async watch(orgId: string, reference: string, settings: { restart: boolean; max: number; by: string; channel: EventChannel | null }): Promise<WatchRecord> {
    const record = findInstance(this.context.db.data, orgId, reference);
    if (record.destroyedAt) throw new UserError(`${record.id} is ${record.status}; there is nothing to watch.`);
    const at = this.context.now().toISOString();
    return this.context.db.update((data) => {
      data.automation.watches = data.automation.watches.filter((watch) => !(watch.orgId === orgId && watch.instanceId === record.id));
      const watch: WatchRecord = { orgId, instanceId: record.id, restart: settings.restart, max: settings.max, state: 'ok', restarts: 0, downSince: null, nextAttemptAt: null, redeployToken: null, budgetSkipped: false, createdBy: settings.by, createdAt: at, channel: settings.channel };
      data.automation.watches.push(watch);
      return watch;
    });
  }

  async unwatch(orgId: string, reference: string): Promise<WatchRecord> {
    const id = reference.toLowerCase();
    const found = this.watches(orgId).find((watch) => watch.instanceId === id);
    if (!found) throw new UserError(`${reference} is not watched. See what is with: watch list`);
    await this.context.db.update((data) => {
      data.automation.watches = data.automation.watches.filter((watch) => !(watch.orgId === orgId && watch.instanceId === found.instanceId));
    });
    return found;
  }

  // Caps

  caps(orgId: string): CapRecord[] {
    return this.context.db.data.automation.caps.filter((cap) => cap.orgId === orgId);
  }

  /**
   * Adds a cap, or changes the one already on the same scope and period (an alert's "Raise cap"):
   * its amount (and action, when given) replaced and its warning and hit re-armed for the new amount.
   */
  async addCap(orgId: string, settings: { instance: string | null; projectId: string | null; usd: number; per: CapRecord['per']; action?: CapRecord['action'] | undefined; by: string; channel: EventChannel | null }): Promise<{ cap: CapRecord; changed: boolean }> {
    const instanceId = settings.instance ? findInstance(this.context.db.data, orgId, settings.instance).id : null;
    return this.context.db.update((data) => {
      const existing = data.automation.caps.find((cap) => cap.orgId === orgId && cap.instanceId === instanceId && cap.projectId === settings.projectId && cap.per === settings.per);
      if (existing) {
        Object.assign(existing, { usd: settings.usd, action: settings.action ?? existing.action, warnedPeriod: null, hitPeriod: null });
        return { cap: { ...existing }, changed: true };
      }
      const cap: CapRecord = { orgId, id: nextId(data, `caps:${orgId}`, 'c'), instanceId, projectId: settings.projectId, usd: settings.usd, per: settings.per, action: settings.action ?? 'stop', warnedPeriod: null, hitPeriod: null, createdBy: settings.by, createdAt: this.context.now().toISOString(), channel: settings.channel };
      data.automation.caps.push(cap);
      return { cap, changed: false };
    });
  }

  async removeCap(orgId: string, id: string): Promise<CapRecord> {
    const found = this.caps(orgId).find((cap) => cap.id === id.toLowerCase());
    if (!found) throw new UserError(`There is no cap ${id} in this org. See them with: cap`);
    await this.context.db.update((data) => {
      data.automation.caps = data.automation.caps.filter((cap) => !(cap.orgId === orgId && cap.id === found.id));
    });
    return found;
  }

  /** deploy … stop-after= / destroy-after=: the instance is stopped or destroyed once the time is up. */
  limitTime(orgId: string, instance: string, limit: Parameters<typeof setTimeLimit>[3]): Promise<TimeLimitRecord> {
    return setTimeLimit(this.context, orgId, instance, limit);
  }

  maintain(nowMs: number): Promise<unknown> {
    return this.context.events.prune(nowMs);
  }

  async close(): Promise<void> {
    await this.context.events.flush();
  }
}
