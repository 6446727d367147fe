// Forward migrations of the database file. Each takes the data of schema version `from` and
// returns the data of version `from + 1`. The store backs up the old file before saving the result.
export interface Migration {
  from: number;
  migrate: (data: any) => unknown;
}

export const MIGRATIONS: readonly Migration[] = [
  // 1 → 2: app secrets and the licence key are sealed by the vault. Sealing needs the vault's key,
  // which a migration does not hold, so the app seals the clear values right after loading
  // (sealClearSecrets in src/store/seal-secrets.ts); this step only marks the file as version 2, so
  // an older ComputeHub refuses it instead of misreading the sealed fields.
  { from: 1, migrate: (data) => ({ ...data, version: 2 }) },
  {
    // 2 → 3: the audit log and the metric samples moved to series files (written from the old file by
    // moveSeriesOutOfDatabase before this runs); ledger entries stay until the ledger series takes them.
    from: 2,
    migrate: ({ audit: _audit, metrics: _metrics, ...rest }) => ({ ...rest, version: 3, sealedLedgerMicros: {} }),
  },
];
