// Seals secrets that files written before schema version 2 hold in clear: app secrets of instances
// and the licence key. Runs once at start, right after the database is loaded and the vault opened.
import type { Db } from './db.ts';
import type { Vault } from './vault.ts';

/** The vault slot of an instance's app secret. */
export function appSecretPurpose(orgId: string, instanceId: string): string {
  return `app-secret:${orgId}:${instanceId}`;
}

export const LICENCE_PURPOSE = 'licence';

/** Returns how many values were sealed; writes only when there was something to seal. */
export async function sealClearSecrets(db: Db, vault: Vault): Promise<number> {
  const clearInstances = db.data.instances.filter((record) => record.appSecret !== undefined);
  const clearLicence = db.data.licence?.key !== undefined;
  if (clearInstances.length === 0 && !clearLicence) return 0;
  await db.update((data) => {
    for (const record of clearInstances) {
      record.appSecretSealed = vault.seal(appSecretPurpose(record.orgId, record.id), record.appSecret!);
      delete record.appSecret;
    }
    if (data.licence?.key !== undefined) {
      data.licence.keySealed = vault.seal(LICENCE_PURPOSE, data.licence.key);
      delete data.licence.key;
    }
  });
  return clearInstances.length + (clearLicence ? 1 : 0);
}
