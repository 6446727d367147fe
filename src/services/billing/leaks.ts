// Gathers what the money-leak check (src/domain/leaks.ts) reads for one org: its instances that
// still bill, their ledger of the last days, their GPU metrics of the last hours, and which of the
// stopped interruptibles someone stopped on purpose (the audit log).
import type { Reply } from '#core/reply.ts';
import { findLeaks, IDLE_BELOW_PERCENT, type LeakFinding } from '#domain/leaks.ts';
import { formatDuration } from '#domain/ledger.ts';
import type { LedgerEntry } from '#domain/fleet-records.ts';
import type { MetricReading } from '#domain/monitoring.ts';
import type { Db } from '#store/db.ts';
import { ledgerEntries } from '#store/series-ledger.ts';
import { metricHistory } from '#store/series-metrics.ts';
import { intendedDown, lastIntent } from '../automation/down.ts';

const MS_PER_HOUR = 3_600_000;
/** How far back the ledger is read for "spent since it started leaking". */
const LEDGER_LOOKBACK_DAYS = 30;
/** How far back GPU metrics are read: an idle stretch longer than this shows as this long. */
const METRICS_LOOKBACK_HOURS = 24;

export interface LeakReport {
  checkedAt: string;
  findings: LeakFinding[];
  totalUsdPerDay: number;
}

function grouped<T extends { instanceId: string }>(items: Iterable<T>): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(item.instanceId) ?? [];
    list.push(item);
    groups.set(item.instanceId, list);
  }
  return groups;
}

export async function moneyLeaks(deps: { db: Db; now: () => Date }, orgId: string): Promise<LeakReport> {
  const { db } = deps;
  const nowMs = deps.now().getTime();
  const instances = db.data.instances.filter((record) => record.orgId === orgId && !record.destroyedAt);
  const entries: LedgerEntry[] = await ledgerEntries(db, orgId, { fromMs: nowMs - LEDGER_LOOKBACK_DAYS * 24 * MS_PER_HOUR, toMs: nowMs });
  const samples: (MetricReading & { instanceId: string })[] = await metricHistory(db.series, { orgId }, { fromMs: nowMs - METRICS_LOOKBACK_HOURS * MS_PER_HOUR, toMs: nowMs }, 'sync');
  const stoppedOnPurpose = new Set<string>();
  for (const record of instances) {
    if (!record.interruptible || !(record.status === 'stopped' || record.status === 'exited')) continue;
    if (intendedDown(await lastIntent({ db }, record, Date.parse(record.createdAt)))) stoppedOnPurpose.add(record.id);
  }
  const { findings, totalUsdPerDay } = findLeaks({ instances, ledger: grouped(entries), metrics: grouped(samples), stoppedOnPurpose, nowMs });
  return { checkedAt: new Date(nowMs).toISOString(), findings, totalUsdPerDay };
}

const KIND_TEXT: Record<LeakFinding['kind'], string> = {
  unmanaged: 'not created by ComputeHub',
  interrupted: 'interrupted, disk bills',
  'stopped-disk': 'stopped, disk bills',
  'idle-gpu': `GPU under ${IDLE_BELOW_PERCENT} %`,
};

/** The findings as a Reply: the `leaks` answer, and a digest's leak section. */
export function leaksReply(report: LeakReport, nowMs: number): Reply {
  if (report.findings.length === 0) return { kind: 'success', text: 'No money leaks: nothing stopped still bills its disk, no GPU sits idle, and every machine on your provider accounts is one ComputeHub made.', data: report };
  return {
    kind: 'warning',
    title: `Money leaks: $${report.totalUsdPerDay.toFixed(2)} a day`,
    table: {
      columns: [{ header: 'Instance' }, { header: 'Leak' }, { header: '$/day', align: 'right' }, { header: 'For' }, { header: 'Spent', align: 'right' }, { header: 'Fix' }],
      rows: report.findings.map((found) => [
        `${found.instanceId} · ${found.gpu} · ${found.provider}`,
        KIND_TEXT[found.kind],
        `$${found.usdPerDay.toFixed(2)}`,
        found.since ? formatDuration(nowMs - Date.parse(found.since)) : '-',
        found.spentUsd === null ? '-' : `$${found.spentUsd.toFixed(2)}`,
        found.fix,
      ]),
    },
    data: report,
  };
}
