// The cost ledger across db.json and its series. An instance's newest entry is still extended at
// every sync, so it stays in db.json; once a newer entry follows it, it is closed for good and moves
// to the append-only ledger series, its amount added to the instance's running total in db.json.
// The move appends first and forgets second, so a crash in between leaves the entry in both places:
// readers prefer the db.json copy, and the next move skips what the series already holds.
import type { LedgerEntry } from './fleet-schema.ts';
import type { Database } from './schema.ts';
import { dayOf, dayStartMs, type TimeRange } from './series.ts';
import type { Db } from './db.ts';

export function instanceKey(entry: { orgId: string; instanceId: string }): string {
  return `${entry.orgId}/${entry.instanceId}`;
}

function entryKey(entry: LedgerEntry): string {
  return `${entry.orgId}/${entry.instanceId}/${Date.parse(entry.from)}`;
}

/** Moves closed entries from db.json to the ledger series; returns how many moved. */
export async function sealLedger(db: Db): Promise<number> {
  const newest = new Map<string, LedgerEntry>();
  for (const entry of db.data.ledger) newest.set(instanceKey(entry), entry);
  const open = new Set(newest.values());
  const closed = db.data.ledger.filter((entry) => !open.has(entry));
  if (closed.length === 0) return 0;
  const already = new Set<string>();
  for (const day of new Set(closed.map((entry) => dayOf(Date.parse(entry.from))))) {
    for await (const entry of db.series.ledger.readDay(day)) already.add(entryKey(entry));
  }
  await db.series.ledger.append(...closed.filter((entry) => !already.has(entryKey(entry))));
  const moved = new Set(closed);
  await db.update((data) => {
    data.ledger = data.ledger.filter((entry) => !moved.has(entry));
    for (const entry of closed) data.sealedLedgerMicros[instanceKey(entry)] = (data.sealedLedgerMicros[instanceKey(entry)] ?? 0) + entry.amountMicros;
  });
  return closed.length;
}

/** An org's ledger entries that may overlap the range (entries never span midnight UTC). */
export async function ledgerEntries(db: Db, orgId: string, range: Required<TimeRange>): Promise<LedgerEntry[]> {
  const pending = db.data.ledger.filter((entry) => entry.orgId === orgId);
  const pendingKeys = new Set(pending.map(entryKey));
  const found: LedgerEntry[] = [];
  for await (const entry of db.series.ledger.read({ fromMs: dayStartMs(dayOf(range.fromMs)), toMs: range.toMs })) {
    if (entry.orgId === orgId && !pendingKeys.has(entryKey(entry))) found.push(entry);
  }
  return [...found, ...pending];
}

/** Everything an instance has cost, in micro-dollars: moved entries' total plus those still in db.json. */
export function instanceCostMicros(data: Database, orgId: string, instanceId: string): number {
  let total = data.sealedLedgerMicros[instanceKey({ orgId, instanceId })] ?? 0;
  for (const entry of data.ledger) if (entry.instanceId === instanceId && entry.orgId === orgId) total += entry.amountMicros;
  return total;
}
