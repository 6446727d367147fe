import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { authorRefusal, compileRule, emptyRuleState, evaluate, inspectRule, rearm, ruleStateSchema, type Decision, type InstanceFacts, type Rule, type RuleState } from '#domain/rules/index.ts';
import { instance, market, MINUTE, snapshot, T0 } from './fixtures.ts';

/** Drives a clock through evaluations, carrying the state the way the store would (through JSON). */
function driver(rules: Rule[], settings = {}) {
  let state: RuleState = emptyRuleState();
  const all: Decision[] = [];
  return {
    at(ms: number, instances: InstanceFacts[], facts = market()): Decision[] {
      const { decisions, nextState } = evaluate(snapshot(ms, instances, facts), rules, state, ms, settings);
      state = ruleStateSchema.parse(JSON.parse(JSON.stringify(nextState)));
      all.push(...decisions);
      return decisions;
    },
    get state() {
      return state;
    },
    set state(next: RuleState) {
      state = next;
    },
    all,
  };
}

const idle = (id = 'i1', extra: Partial<InstanceFacts> = {}) => instance({ id, gpuUtil: 2, ...extra });
const busy = (id = 'i1', extra: Partial<InstanceFacts> = {}) => instance({ id, gpuUtil: 90, ...extra });

describe('evaluating rules', () => {
  it('fires after FOR, once per stretch, says why, resolves, and respects the cooldown', () => {
    const run = driver([compileRule('r1', 'IF gpu_util < 5% FOR 10m THEN stop')]);
    expect(run.at(T0, [idle()])).toEqual([]);
    expect(run.at(T0 + 9 * MINUTE, [idle()])).toEqual([]);
    const [fired] = run.at(T0 + 10 * MINUTE, [idle()]);
    expect(fired).toEqual({
      kind: 'fired',
      at: new Date(T0 + 10 * MINUTE).toISOString(),
      ruleId: 'r1',
      instanceId: 'i1',
      actions: [{ type: 'stop' }],
      values: { gpu_util: 2 },
      reason: 'the condition held for 10m (FOR 10m) (gpu_util 2%)',
    });
    expect(run.at(T0 + 11 * MINUTE, [idle()])).toEqual([]);
    expect(run.at(T0 + 12 * MINUTE, [busy()])).toMatchObject([{ kind: 'resolved', instanceId: 'i1', reason: 'no longer holds (gpu_util 90%)' }]);
    run.at(T0 + 13 * MINUTE, [idle()]);
    expect(run.at(T0 + 23 * MINUTE, [idle()])).toMatchObject([{ kind: 'skipped', skip: 'cooldown', reason: 'fired on i1 13m ago; its 30m cooldown ends at 00:40 UTC (gpu_util 2%)' }]);
    expect(run.at(T0 + 24 * MINUTE, [idle()])).toEqual([]);
    expect(run.at(T0 + 40 * MINUTE, [idle()])).toMatchObject([{ kind: 'fired' }]);
    expect(run.state.rules.r1).toEqual({ lastFiredAt: new Date(T0 + 40 * MINUTE).toISOString(), fireCount: 2 });
  });

  it('never fires a FOR rule before its duration, and fires as soon as it may (driven clock)', () => {
    const step = fc.record({ minutes: fc.integer({ min: 1, max: 20 }), holds: fc.boolean() });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 90 }), fc.integer({ min: 1, max: 60 }), fc.array(step, { minLength: 1, maxLength: 60 }), (forMinutes, cooldownMinutes, steps) => {
        const run = driver([compileRule('r1', `IF gpu_util < 5% FOR ${forMinutes}m THEN notify COOLDOWN ${cooldownMinutes}m`)]);
        let now = T0;
        let since: number | null = null;
        let firedThisStretch = false;
        let lastFired: number | null = null;
        for (const { minutes, holds } of steps) {
          now += minutes * MINUTE;
          const fired = run.at(now, [holds ? idle() : busy()]).some((decision) => decision.kind === 'fired');
          if (!holds) {
            since = null;
            firedThisStretch = false;
            expect(fired).toBe(false);
            continue;
          }
          since ??= now;
          if (fired) expect(now - since).toBeGreaterThanOrEqual(forMinutes * MINUTE);
          const due = !firedThisStretch && now - since >= forMinutes * MINUTE && (lastFired === null || now - lastFired >= cooldownMinutes * MINUTE);
          expect(fired).toBe(due);
          if (fired) {
            firedThisStretch = true;
            lastFired = now;
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('stops at the org budget of automatic actions per hour with a clear decision, and goes on when it frees', () => {
    const run = driver([compileRule('r1', 'IF gpu_util < 5% THEN stop'), compileRule('r2', 'IF gpu_util < 5% THEN notify')]);
    const fleet = Array.from({ length: 25 }, (_, i) => idle(`i${i + 1}`));
    const first = run.at(T0, fleet);
    expect(first.filter((d) => d.ruleId === 'r1' && d.kind === 'fired')).toHaveLength(20);
    const skipped = first.filter((d) => d.kind === 'skipped');
    expect(skipped).toHaveLength(5);
    expect(skipped[0]).toMatchObject({ ruleId: 'r1', instanceId: 'i21', skip: 'budget', reason: "the org's budget of 20 automatic actions per hour is spent (20 in the last hour); the next frees at 01:00 UTC (gpu_util 2%)" });
    expect(first.filter((d) => d.ruleId === 'r2' && d.kind === 'fired')).toHaveLength(25);
    expect(run.at(T0 + 30 * MINUTE, fleet)).toEqual([]);
    const later = run.at(T0 + 61 * MINUTE, fleet);
    expect(later.map((d) => `${d.kind} ${d.instanceId}`)).toEqual(['fired i21', 'fired i22', 'fired i23', 'fired i24', 'fired i25']);
  });

  it('does not let rules loop on one machine: a stop rule and a restart rule ping-pong at most three restarts an hour', () => {
    const rules = [compileRule('stopper', 'IF status == running AND gpu_util < 5% THEN stop COOLDOWN 1m'), compileRule('starter', 'IF status == stopped THEN restart COOLDOWN 1m')];
    const run = driver(rules);
    let machine = idle('i1');
    for (let minute = 0; minute < 120; minute += 5) {
      for (const decision of run.at(T0 + minute * MINUTE, [machine])) {
        if (decision.kind !== 'fired') continue;
        machine = decision.actions[0]!.type === 'stop' ? { ...machine, status: 'stopped', gpuUtil: null } : { ...machine, status: 'running', gpuUtil: 2 };
      }
    }
    const restarts = run.all.filter((d) => d.kind === 'fired' && d.ruleId === 'starter').map((d) => Date.parse(d.at));
    for (const at of restarts) expect(restarts.filter((other) => other > at - 60 * MINUTE && other <= at).length).toBeLessThanOrEqual(3);
    const guard = run.all.find((d) => d.skip === 'loop');
    expect(guard).toMatchObject({ ruleId: 'starter', reason: expect.stringContaining('i1 already had 3 automatic restarts, migrations or deploys in the last hour (restart by starter at 00:05 UTC') });
    expect(run.all.filter((d) => d.ruleId === 'stopper' && d.kind === 'skipped')).toEqual([]);
    expect(machine.status).toBe('stopped');
  });

  it("does not target a machine its own migrate created until the cooldown passes, nor ever one its own deploy created", () => {
    const migrate = compileRule('m1', 'IF status == running AND cost_per_hour > $2 THEN migrate');
    const deploy = compileRule('d1', 'IF status == running AND gpu == H100 THEN deploy gpu=H100');
    const run = driver([migrate, deploy]);
    const bornOfMigrate = instance({ id: 'i2', createdByRule: 'm1', createdAt: new Date(T0).toISOString() });
    const bornOfDeploy = instance({ id: 'i3', createdByRule: 'd1', createdAt: new Date(T0).toISOString() });
    expect(run.at(T0 + MINUTE, [bornOfMigrate, bornOfDeploy]).map((d) => `${d.ruleId} ${d.instanceId}`)).toEqual(['m1 i3', 'd1 i2']);
    expect(run.at(T0 + 31 * MINUTE, [bornOfMigrate, bornOfDeploy]).map((d) => `${d.ruleId} ${d.instanceId}`)).toEqual(['m1 i2']);
    expect(run.at(T0 + 600 * MINUTE, [bornOfMigrate, bornOfDeploy]).filter((d) => d.instanceId === 'i3')).toEqual([]);
  });

  it('treats a missing value as not holding: no firing on missing metrics, and a firing resolves', () => {
    const run = driver([compileRule('r1', 'IF gpu_util < 5% THEN stop')]);
    expect(run.at(T0, [instance({ gpuUtil: null })])).toEqual([]);
    expect(run.at(T0 + MINUTE, [idle()])).toMatchObject([{ kind: 'fired' }]);
    expect(run.at(T0 + 2 * MINUTE, [instance({ gpuUtil: null })])).toMatchObject([{ kind: 'resolved', values: { gpu_util: null }, reason: expect.stringContaining('gpu_util unknown') }]);
  });

  it('resolves when the instance is gone or the rule is paused, and a paused rule never fires', () => {
    const run = driver([compileRule('r1', 'IF gpu_util < 5% THEN notify')]);
    run.at(T0, [idle('i1'), idle('i2')]);
    expect(run.at(T0 + MINUTE, [idle('i2')])).toMatchObject([{ kind: 'resolved', instanceId: 'i1', reason: 'i1 is no longer in the fleet' }]);
    const paused = driver([compileRule('r1', 'IF gpu_util < 5% THEN notify', false)]);
    paused.state = run.state;
    expect(paused.at(T0 + 2 * MINUTE, [idle('i2')])).toMatchObject([{ kind: 'resolved', instanceId: 'i2', reason: 'the rule is paused' }]);
    expect(paused.at(T0 + 3 * MINUTE, [idle('i2')])).toEqual([]);
    expect(paused.state.rules.r1).toMatchObject({ fireCount: 2 });
  });

  it('evaluates a market rule once per crossing, whatever the fleet', () => {
    const run = driver([compileRule('p1', 'IF cheapest(H100) < $2 THEN notify "H100 under $2"')]);
    const cheap = market({ cheapest: { 'H100 SXM': 2.2, 'H100 PCIe': 1.9 } });
    const dear = market({ cheapest: { 'H100 SXM': 2.2, 'H100 PCIe': 2.1 } });
    expect(run.at(T0, [idle('i1'), idle('i2')], cheap)).toMatchObject([{ kind: 'fired', instanceId: null, values: { 'cheapest(H100)': 1.9 }, actions: [{ type: 'notify', message: 'H100 under $2' }] }]);
    expect(run.at(T0 + MINUTE, [], cheap)).toEqual([]);
    expect(run.at(T0 + 2 * MINUTE, [], dear)).toMatchObject([{ kind: 'resolved', instanceId: null }]);
  });

  it('matches GPU words the way users mean them, and words without case', () => {
    const rule = compileRule('r1', 'IF gpu == h100 AND provider == VAST AND project != "Research" THEN notify');
    const run = driver([rule]);
    const decisions = run.at(T0, [instance({ id: 'i1', gpu: 'H100 SXM' }), instance({ id: 'i2', gpu: 'RTX 4090' }), instance({ id: 'i3', gpu: 'H100 PCIe', project: 'research' })]);
    expect(decisions.map((d) => d.instanceId)).toEqual(['i1']);
  });

  it('prices cheapest(gpu) for the machine\'s GPU count, a named model for one GPU', () => {
    const run = driver([compileRule('r1', 'IF cost_per_hour > cheapest(gpu) THEN notify'), compileRule('r2', 'IF cheapest(H100) < $2 AND gpu_util >= 0% THEN notify')]);
    const decisions = run.at(T0, [instance({ id: 'i1', gpuCount: 4, costPerHour: 8 }), instance({ id: 'i2', gpuCount: 1, costPerHour: 2.5 })]);
    expect(decisions.map((d) => [d.ruleId, d.instanceId, d.values])).toEqual([
      ['r1', 'i2', { cost_per_hour: 2.5, 'cheapest(gpu)': 2.2 }],
      ['r2', 'i1', { 'cheapest(H100)': 1.9, gpu_util: 80 }],
      ['r2', 'i2', { 'cheapest(H100)': 1.9, gpu_util: 80 }],
    ]);
    expect(compileRule('r3', 'IF price_change_pct(gpu) < -5% OR price_change_pct(H100, 6h) > 5% OR price_change_pct(gpu, 1d) > 9% THEN notify').priceWindowsSeconds).toEqual([86_400, 21_600]);
  });

  it('fires again after a failed action is rearmed, once the cooldown has passed', () => {
    const run = driver([compileRule('r1', 'IF status == exited THEN restart')]);
    const down = instance({ status: 'exited' });
    expect(run.at(T0, [down])).toMatchObject([{ kind: 'fired' }]);
    run.state = rearm(run.state, 'r1', 'i1');
    expect(run.at(T0 + 10 * MINUTE, [down])).toMatchObject([{ kind: 'skipped', skip: 'cooldown' }]);
    expect(run.at(T0 + 30 * MINUTE, [down])).toMatchObject([{ kind: 'fired' }]);
  });

  it('keeps its state as plain JSON that a restarted bot carries on from', () => {
    const rules = [compileRule('r1', 'IF gpu_util < 5% FOR 20m THEN stop')];
    const before = evaluate(snapshot(T0, [idle()]), rules, emptyRuleState(), T0).nextState;
    const restored = ruleStateSchema.parse(JSON.parse(JSON.stringify(before)));
    expect(restored).toEqual(before);
    expect(evaluate(snapshot(T0 + 20 * MINUTE, [idle()]), rules, restored, T0 + 20 * MINUTE).decisions).toMatchObject([{ kind: 'fired' }]);
  });

  it('asks for an admin author when a rule can destroy, migrate or deploy', () => {
    expect(authorRefusal(compileRule('r1', 'IF gpu_util < 5% THEN stop'), 'dev')).toBeUndefined();
    expect(authorRefusal(compileRule('r1', 'IF gpu_util < 5% THEN destroy'), 'dev')).toBe('Only an admin can add a rule that may destroy machines on its own; ask an admin, or use stop, restart or notify.');
    expect(authorRefusal(compileRule('r1', 'IF cheapest(H100) < $2 THEN deploy gpu=H100'), 'dev')).toContain('deploy');
    expect(authorRefusal(compileRule('r1', 'IF gpu_util < 5% THEN migrate'), 'admin')).toBeUndefined();
  });

  it('shows what a rule sees now for `rule test`, without deciding', () => {
    const rule = compileRule('r1', 'IF gpu_util < 5% FOR 30m THEN stop');
    const views = inspectRule(snapshot(T0, [idle('i1'), busy('i2'), instance({ id: 'i3', gpuUtil: null })]), rule, emptyRuleState(), T0);
    expect(views).toEqual([
      { instanceId: 'i1', holds: true, values: { gpu_util: 2 }, seen: 'gpu_util 2%', holdsSince: new Date(T0).toISOString(), firesAt: new Date(T0 + 30 * MINUTE).toISOString() },
      { instanceId: 'i2', holds: false, values: { gpu_util: 90 }, seen: 'gpu_util 90%', holdsSince: null, firesAt: null },
      { instanceId: 'i3', holds: null, values: { gpu_util: null }, seen: 'gpu_util unknown', holdsSince: null, firesAt: null },
    ]);
  });
});
