// Monitoring: GPU utilisation, VRAM, temperature and cost over time, for one instance or the whole
// running fleet, read from the metrics series (sync resolution for short windows, hourly means for
// long ones) and the ledger, and drawn as one image of panels.
import type { ReplyImage } from '#core/reply.ts';
import { costCurve, extendOpenEntry, metricLines, summariseMetrics, type CostPoint, type MetricSummary } from '#domain/monitoring.ts';
import { billingState } from '#domain/ledger.ts';
import type { Logger } from '#src/log.ts';
import type { Db } from '#store/db.ts';
import type { InstanceRecord, MetricSample } from '#store/fleet-schema.ts';
import { ledgerEntries } from '#store/series-ledger.ts';
import { metricHistory } from '#store/series-metrics.ts';
import { describePanels, renderPanels, type ChartRenderer, type PanelGrid } from '../charts/index.ts';
import { findInstance } from '../fleet/records.ts';
import { fleetGrid, instanceGrid } from './panels.ts';

/** Windows up to this long are read sample by sample; longer ones as hourly means. */
const SYNC_RESOLUTION_MAX_HOURS = 48;
const MS_PER_HOUR = 3_600_000;
/** The fleet image holds at most this many panels (the dearest running instances). */
export const FLEET_PANELS_MAX = 12;

export interface MonitoredInstance {
  id: string;
  name: string;
  provider: InstanceRecord['provider'];
  gpu: string;
  gpuCount: number;
  status: InstanceRecord['status'];
  pricePerHour: number;
  simulated: boolean;
}

export interface InstanceMonitor {
  instance: MonitoredInstance;
  from: string;
  to: string;
  resolution: 'sync' | 'hourly';
  summary: MetricSummary;
  samples: MetricSample[];
  cost: CostPoint[];
}

export interface FleetMonitor {
  from: string;
  to: string;
  resolution: 'sync' | 'hourly';
  instances: { instance: MonitoredInstance; summary: MetricSummary; samples: MetricSample[] }[];
}

export interface MonitoringOptions {
  db: Db;
  charts: ChartRenderer;
  log: Logger;
  now: () => Date;
}

function monitored(record: InstanceRecord): MonitoredInstance {
  const { id, name, provider, gpu, gpuCount, status, pricePerHour, simulated } = record;
  return { id, name, provider, gpu, gpuCount, status, pricePerHour, simulated };
}

export class MonitoringService {
  constructor(private readonly options: MonitoringOptions) {}

  private window(hours: number) {
    const toMs = this.options.now().getTime();
    const fromMs = toMs - hours * MS_PER_HOUR;
    const resolution: 'sync' | 'hourly' = hours <= SYNC_RESOLUTION_MAX_HOURS ? 'sync' : 'hourly';
    return { fromMs, toMs, resolution, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() };
  }

  async instance(orgId: string, reference: string, hours: number): Promise<InstanceMonitor> {
    const record = findInstance(this.options.db.data, orgId, reference);
    const { fromMs, toMs, resolution, from, to } = this.window(hours);
    const samples = (await metricHistory(this.options.db.series, { orgId, instanceId: record.id }, { fromMs, toMs }, resolution));
    const recorded = (await ledgerEntries(this.options.db, orgId, { fromMs, toMs })).filter((entry) => entry.instanceId === record.id);
    const entries = !record.destroyedAt && billingState(record.status) ? extendOpenEntry(recorded, toMs) : recorded;
    return { instance: monitored(record), from, to, resolution, summary: summariseMetrics(samples), samples, cost: costCurve(entries, { fromMs, toMs }) };
  }

  /** Every running instance of the org, dearest first. */
  async fleet(orgId: string, hours: number): Promise<FleetMonitor> {
    const running = this.options.db.data.instances
      .filter((record) => record.orgId === orgId && !record.destroyedAt && record.status === 'running')
      .sort((a, b) => b.pricePerHour - a.pricePerHour || a.id.localeCompare(b.id, undefined, { numeric: true }));
    const { fromMs, toMs, resolution, from, to } = this.window(hours);
    const byInstance = new Map<string, MetricSample[]>();
    if (running.length) {
      for (const sample of await metricHistory(this.options.db.series, { orgId }, { fromMs, toMs }, resolution)) {
        const list = byInstance.get(sample.instanceId) ?? [];
        list.push(sample);
        byInstance.set(sample.instanceId, list);
      }
    }
    return {
      from,
      to,
      resolution,
      instances: running.map((record) => {
        const samples = byInstance.get(record.id) ?? [];
        return { instance: monitored(record), summary: summariseMetrics(samples), samples };
      }),
    };
  }

  instanceImage(view: InstanceMonitor): Promise<ReplyImage | undefined> {
    return this.image(instanceGrid(view, metricLines(view.samples)), `monitor-${view.instance.id}.png`);
  }

  fleetImage(view: FleetMonitor): Promise<ReplyImage | undefined> {
    const grid = fleetGrid(view, FLEET_PANELS_MAX);
    return grid ? this.image(grid, 'monitor-fleet.png') : Promise.resolve(undefined);
  }

  /** A chart that cannot be drawn leaves the answer without its image, never without its numbers. */
  private async image(grid: PanelGrid, filename: string): Promise<ReplyImage | undefined> {
    try {
      const rendered = await renderPanels(this.options.charts, grid);
      return { png: rendered.png, alt: describePanels(grid), filename };
    } catch (error) {
      this.options.log.warn({ err: error }, 'monitoring chart could not be drawn');
      return undefined;
    }
  }
}
