// Pure fleet logic: templates, the ledger's money maths, selectors, labels and deploy phases.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accrue, amountFor, breakdown, forecastMonthEnd, formatUsd, periodWindow, runwayHours, type Accrual } from '#domain/ledger.ts';
import { appLinks, parseTemplate, renderTemplate, SHIPPED_TEMPLATES, templateMisfit } from '#domain/templates.ts';
import { deployLabel, deployPhase, sshCommand, tokenFromLabel, tunnelCommand } from '#domain/fleet.ts';
import { selectInstances } from '#domain/selectors.ts';
import type { Instance } from '#domain/instance.ts';
import type { InstanceRecord, LedgerEntry } from '#store/fleet-schema.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('templates', () => {
  it('ships the free and Pro templates, each with a pinned public image', () => {
    const byTier = (tier: string) => SHIPPED_TEMPLATES.filter((template) => template.tier === tier).map((template) => template.id).sort();
    expect(byTier('free')).toEqual(['custom', 'jupyter', 'pytorch']);
    expect(byTier('pro')).toEqual(['comfyui', 'llama', 'sd-webui', 'vscode']);
    for (const template of SHIPPED_TEMPLATES) if (template.image) expect(template.image).toMatch(/:[\w.-]+$/);
  });

  it('refuses templates that float on :latest, list port 22, or lack requirements, naming the problem', () => {
    const base = { id: 'mine', name: 'Mine', tier: 'free', description: 'x', image: 'ubuntu:22.04', ports: [], minVramGb: 0, minDiskGb: 20 };
    expect(() => parseTemplate({ ...base, image: 'ubuntu:latest' }, 'test')).toThrow(/pin a version tag/);
    expect(() => parseTemplate({ ...base, ports: [{ port: 22, protocol: 'tcp' }] }, 'test')).toThrow(/port 22 is always exposed/);
    expect(() => parseTemplate({ ...base, minDiskGb: undefined }, 'test')).toThrow(/minDiskGb/);
    expect(parseTemplate(base, 'test').env).toEqual({});
  });

  it('fills the per-deploy secret, always exposes SSH and starts SSH before the app', () => {
    const jupyter = SHIPPED_TEMPLATES.find((template) => template.id === 'jupyter')!;
    const rendered = renderTemplate(jupyter, { secret: 's3cr3t' });
    expect(rendered.env.JUPYTER_TOKEN).toBe('s3cr3t');
    expect(rendered.ports[0]).toEqual({ port: 22, protocol: 'tcp' });
    expect(rendered.ports).toContainEqual({ port: 8888, protocol: 'http' });
    expect(rendered.startScript.indexOf('sshd')).toBeLessThan(rendered.startScript.indexOf('jupyter lab'));
    const links = appLinks(jupyter, [{ containerPort: 8888, host: '1.2.3.4', hostPort: 40001 }], 's3cr3t');
    expect(links).toEqual([{ app: 'Jupyter', url: 'http://1.2.3.4:40001/lab?token=s3cr3t' }]);
    const proxied = appLinks(jupyter, [{ containerPort: 8888, host: 'x', hostPort: 1, url: 'https://abc-8888.proxy.runpod.net' }], 't');
    expect(proxied[0]!.url).toBe('https://abc-8888.proxy.runpod.net/lab?token=t');
  });

  it('puts a tunnelled app port on localhost, and forwards only tunnelled ports over SSH', () => {
    const jupyter = SHIPPED_TEMPLATES.find((template) => template.id === 'jupyter')!;
    const ports = [
      { containerPort: 8888, host: '198.51.100.2', hostPort: 8888, tunnel: true },
      { containerPort: 6006, host: '198.51.100.2', hostPort: 6006, tunnel: true },
      { containerPort: 9000, host: '198.51.100.2', hostPort: 9000 },
    ];
    expect(appLinks(jupyter, ports, 's3cr3t')).toEqual([{ app: 'Jupyter', url: 'http://localhost:8888/lab?token=s3cr3t' }]);
    const ssh = { host: '198.51.100.2', port: 22, user: 'ubuntu' };
    expect(tunnelCommand(ssh, ports)).toBe('ssh -N -L 8888:localhost:8888 -L 6006:localhost:6006 ubuntu@198.51.100.2');
    expect(tunnelCommand({ ...ssh, port: 2222 }, ports)).toBe('ssh -N -L 8888:localhost:8888 -L 6006:localhost:6006 -p 2222 ubuntu@198.51.100.2');
    expect(tunnelCommand(ssh, [ports[2]!])).toBeUndefined();
    expect(tunnelCommand(null, ports)).toBeUndefined();
    expect(sshCommand(ssh)).toBe('ssh ubuntu@198.51.100.2');
    expect(sshCommand({ ...ssh, port: 40022, user: 'root' })).toBe('ssh -p 40022 root@198.51.100.2');
  });

  it('says why an offer is too small for a template', () => {
    const llama = SHIPPED_TEMPLATES.find((template) => template.id === 'llama')!;
    expect(templateMisfit(llama, { vramGb: 16, gpuCount: 1 }, 100)).toMatch(/needs at least 24 GB of GPU memory/);
    expect(templateMisfit(llama, { vramGb: 16, gpuCount: 2 }, 100)).toBeUndefined();
  });
});

const key = { instanceId: 'i1', orgId: 'o', projectId: 'p', provider: 'vast' as const, gpu: 'RTX 4090', user: 'u' };

describe('ledger', () => {
  it('keeps one entry per instance per UTC day per rate, and splits at midnight', () => {
    const ledger: LedgerEntry[] = [];
    const start = Date.UTC(2026, 0, 1, 22);
    for (let hour = 0; hour < 4; hour++) accrue(ledger, { key, state: 'running', rateMicrosPerHour: 500_000, fromMs: start + hour * HOUR, toMs: start + (hour + 1) * HOUR });
    expect(ledger.map((entry) => [entry.from.slice(0, 13), entry.to.slice(0, 13), entry.amountMicros])).toEqual([
      ['2026-01-01T22', '2026-01-02T00', 1_000_000],
      ['2026-01-02T00', '2026-01-02T02', 1_000_000],
    ]);
    accrue(ledger, { key, state: 'running', rateMicrosPerHour: 600_000, fromMs: start + 4 * HOUR, toMs: start + 5 * HOUR });
    expect(ledger).toHaveLength(3);
    expect(ledger[2]!.rateMicrosPerHour).toBe(600_000);
  });

  it('keeps the same short id in two orgs apart: each instance extends its own entry', () => {
    const ledger: LedgerEntry[] = [];
    const other = { ...key, orgId: 'o2', projectId: 'o2-p' };
    const start = Date.UTC(2026, 0, 5, 1);
    for (let hour = 0; hour < 3; hour++) {
      accrue(ledger, { key, state: 'running', rateMicrosPerHour: 500_000, fromMs: start + hour * HOUR, toMs: start + (hour + 1) * HOUR });
      accrue(ledger, { key: other, state: 'running', rateMicrosPerHour: 500_000, fromMs: start + hour * HOUR, toMs: start + (hour + 1) * HOUR });
    }
    expect(ledger.map((entry) => [entry.orgId, entry.amountMicros])).toEqual([['o', 1_500_000], ['o2', 1_500_000]]);
  });

  it('charges the same whether time is accrued in one go or in many small steps', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5_000_000 }), fc.array(fc.integer({ min: 1, max: 6 * HOUR }), { minLength: 1, maxLength: 40 }), (rate, steps) => {
        const start = Date.UTC(2026, 2, 3, 5, 17);
        const stepwise: LedgerEntry[] = [];
        let at = start;
        for (const step of steps) {
          accrue(stepwise, { key, state: 'running', rateMicrosPerHour: rate, fromMs: at, toMs: at + step });
          at += step;
        }
        const once: LedgerEntry[] = [];
        accrue(once, { key, state: 'running', rateMicrosPerHour: rate, fromMs: start, toMs: at });
        expect(stepwise.map((entry) => entry.amountMicros)).toEqual(once.map((entry) => entry.amountMicros));
      }),
    );
  });

  it('sums by group and by day inside a window, clipping entries at its edges', () => {
    const ledger: LedgerEntry[] = [];
    const day0 = Date.UTC(2026, 4, 10);
    const add = (accrual: Partial<Accrual> & Pick<Accrual, 'fromMs' | 'toMs'>) => accrue(ledger, { key, state: 'running', rateMicrosPerHour: 1_000_000, ...accrual });
    add({ fromMs: day0, toMs: day0 + 2 * DAY });
    add({ key: { ...key, instanceId: 'i2', provider: 'runpod' }, rateMicrosPerHour: 2_000_000, fromMs: day0 + DAY, toMs: day0 + DAY + 3 * HOUR });
    const result = breakdown(ledger, { fromMs: day0 + 12 * HOUR, toMs: day0 + 2 * DAY }, (entry) => entry.provider);
    expect(result.totalMicros).toBe(36_000_000 + 6_000_000);
    expect(result.groups).toEqual([['vast', 36_000_000], ['runpod', 6_000_000]]);
    expect(result.days).toEqual(['2026-05-10', '2026-05-11']);
    expect(result.byDay.get('vast')).toEqual([12_000_000, 24_000_000]);
    expect(result.byDay.get('runpod')).toEqual([0, 6_000_000]);
  });

  it('forecasts month end from spend so far plus the burn rate, and runway from a balance', () => {
    const now = Date.UTC(2026, 10, 30, 0);
    expect(forecastMonthEnd(10_000_000, 1_000_000, now)).toBe(34_000_000);
    expect(runwayHours(50_000_000, 2_000_000)).toBe(25);
    expect(runwayHours(50_000_000, 0)).toBeUndefined();
    expect(periodWindow('month', now).fromMs).toBe(Date.UTC(2026, 10, 1));
    expect(amountFor(350_000, 0, 90 * 60_000)).toBe(525_000);
    expect(formatUsd(525_000)).toBe('$0.53');
    expect(formatUsd(4_000)).toBe('$0.0040');
  });
});

function record(overrides: Partial<InstanceRecord>): InstanceRecord {
  return {
    id: 'i1', orgId: 'o', projectId: 'p', provider: 'vast', providerInstanceId: '1', label: '', deployToken: null, name: 'box', templateId: null, external: false,
    createdBy: null, status: 'running', phase: null, rawStatus: 'running', gpu: 'RTX 4090', gpuCount: 1, pricePerHour: 1, interruptible: false, ssh: null, ports: [],
    simulated: true, createdAt: '2026-01-01T00:00:00.000Z', accruedUntil: '2026-01-01T00:00:00.000Z', ...overrides,
  };
}

describe('selectors', () => {
  const records = [
    record({ id: 'i1', gpu: 'RTX 4090', provider: 'vast', name: 'train' }),
    record({ id: 'i2', gpu: 'A100 80GB SXM', provider: 'runpod', status: 'stopped' }),
    record({ id: 'i3', gpu: 'RTX 4090', provider: 'runpod', projectId: 'q' }),
  ];
  it('matches every given criterion, and nothing for an empty selector', () => {
    expect(selectInstances(records, {})).toEqual([]);
    expect(selectInstances(records, { gpu: '4090' }).map((r) => r.id)).toEqual(['i1', 'i3']);
    expect(selectInstances(records, { gpu: '4090', provider: 'runpod' }).map((r) => r.id)).toEqual(['i3']);
    expect(selectInstances(records, { status: 'stopped' }).map((r) => r.id)).toEqual(['i2']);
    expect(selectInstances(records, { label: 'train' }).map((r) => r.id)).toEqual(['i1']);
    expect(selectInstances(records, { ids: ['I2', 'i3'] }).map((r) => r.id)).toEqual(['i2', 'i3']);
    expect(selectInstances(records, { projectId: 'q' }).map((r) => r.id)).toEqual(['i3']);
  });
});

describe('deploy labels and phases', () => {
  it('carries the deploy token at the front of the provider-side name', () => {
    const label = deployLabel('abc123xyz0', 'My Jupyter Box!');
    expect(label).toBe('ch-abc123xyz0-my-jupyter-box');
    expect(tokenFromLabel(label)).toBe('abc123xyz0');
    expect(tokenFromLabel(deployLabel('abc123xyz0', 'x'.repeat(200)))).toBe('abc123xyz0');
    expect(tokenFromLabel('someone-else')).toBeUndefined();
  });

  it('maps the provider view to the deploy phase', () => {
    const base: Instance = { provider: 'vast', providerInstanceId: '1', status: 'creating', rawStatus: 'null', gpu: 'RTX 4090', gpuCount: 1, pricePerHour: 1, ports: [], interruptible: false, simulated: true };
    expect(deployPhase(base).phase).toBe('provisioning');
    expect(deployPhase({ ...base, status: 'starting' }).phase).toBe('pulling');
    expect(deployPhase({ ...base, status: 'running' }).phase).toBe('running');
    expect(deployPhase({ ...base, status: 'running', ssh: { host: 'h', port: 2, user: 'root' } }).phase).toBe('ready');
    expect(deployPhase({ ...base, status: 'exited', rawStatus: 'exited', statusMessage: 'OCI runtime create failed' })).toEqual({
      phase: 'failed',
      failure: 'the instance went exited (exited) before it was ready: OCI runtime create failed',
    });
  });
});
