// Forward migrations of the database file. Each takes the data of schema version `from` and
// returns the data of version `from + 1`. The store backs up the old file before saving the result.
export interface Migration {
  from: number;
  migrate: (data: any) => unknown;
}

// Schema version 1 is the first release: nothing to migrate from yet.
export const MIGRATIONS: readonly Migration[] = [];
