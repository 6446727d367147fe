// Secrets in the database file are sealed by the vault: a licence activated in chat, each deploy's app
// secret, and the clear values a version-1 file holds (sealed when it is first opened).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyDatabase } from '#store/schema.ts';
import { signLicence } from '#services/licence.ts';
import { tempDir, testApp, testLicenceKeys } from '#test/support/app.ts';

const LEGACY_APP_SECRET = 'legacyappsecret0123456789';

function licenceKey(privateKey: string): string {
  return signLicence({ v: 1, id: 'lic-seal', licensee: 'Seal tests', features: ['pro'], issuedAt: '2026-01-01T00:00:00.000Z' }, privateKey);
}

describe('sealed secrets in the store', () => {
  it('a licence activated in chat is stored sealed, and still in force after a restart', async () => {
    const keys = testLicenceKeys();
    const key = licenceKey(keys.privateKey);
    const dataDir = tempDir();
    const app = await testApp({ COMPUTEHUB_DATA_DIR: dataDir, VAST_API_KEY: 'vast-key-for-seal-test' }, { licencePublicKey: keys.publicKey });
    expect((await app.run(`licence activate ${key}`)).outcome).toBe('ok');
    await app.close();
    const file = readFileSync(path.join(dataDir, 'db.json'), 'utf8');
    expect(file).not.toContain(key.split('.')[2]);
    expect(JSON.parse(file).licence.keySealed).toMatch(/^enc:v1:/);
    const again = await testApp({ COMPUTEHUB_DATA_DIR: dataDir, VAST_API_KEY: 'vast-key-for-seal-test' }, { licencePublicKey: keys.publicKey });
    expect((await again.run('licence status')).reply.title).toBe('Pro licence active');
    await again.close();
  });

  it('a version-1 file with a clear licence key and app secret is migrated: sealed, backed up, still usable', async () => {
    const keys = testLicenceKeys();
    const key = licenceKey(keys.privateKey);
    const dataDir = tempDir();
    const now = new Date('2026-03-01T00:00:00.000Z');
    writeFileSync(path.join(dataDir, 'db.json'), JSON.stringify(versionOne(key, now)));
    const app = await testApp({ COMPUTEHUB_DATA_DIR: dataDir, VAST_API_KEY: 'vast-key-for-seal-test' }, { licencePublicKey: keys.publicKey, now: () => now });
    const file = readFileSync(path.join(dataDir, 'db.json'), 'utf8');
    expect(JSON.parse(file).version).toBeGreaterThanOrEqual(2);
    expect(file).not.toContain(LEGACY_APP_SECRET);
    expect(file).not.toContain(key);
    expect(existsSync(path.join(dataDir, 'backups')) && readdirSync(path.join(dataDir, 'backups')).some((name) => name.startsWith('db.v1.'))).toBe(true);
    expect((await app.run('licence status')).reply.title).toBe('Pro licence active');
    const ssh = await app.run('ssh i1');
    expect(ssh.reply.fields?.find((field) => field.name === 'Apps')?.value).toBe(`Jupyter: http://h.example:18888/lab?token=${LEGACY_APP_SECRET}`);
    await app.close();
  });

  it('under another master key, the sealed licence and app secret are reported, and everything else still answers', async () => {
    const keys = testLicenceKeys();
    const key = licenceKey(keys.privateKey);
    const dataDir = tempDir();
    const now = new Date('2026-03-01T00:00:00.000Z');
    writeFileSync(path.join(dataDir, 'db.json'), JSON.stringify(versionOne(key, now)));
    const env = { COMPUTEHUB_DATA_DIR: dataDir, VAST_API_KEY: 'vast-key-for-seal-test' };
    await (await testApp({ ...env, COMPUTEHUB_SECRET_KEY: Buffer.alloc(32, 1).toString('base64') }, { licencePublicKey: keys.publicKey, now: () => now })).close();
    const app = await testApp({ ...env, COMPUTEHUB_SECRET_KEY: Buffer.alloc(32, 2).toString('base64') }, { licencePublicKey: keys.publicKey, now: () => now });
    const status = await app.run('licence status');
    expect(status.reply.title).toBe('Free edition');
    expect(status.reply.text).toMatch(/cannot be decrypted: the master key \(COMPUTEHUB_SECRET_KEY\)/);
    const ssh = await app.run('ssh i1');
    expect(ssh.outcome).toBe('ok');
    expect(ssh.reply.code).toBe('ssh -p 2222 root@h.example');
    expect(ssh.reply.text).toMatch(/The app secret cannot be shown/);
    await app.close();
  });
});

function versionOne(key: string, now: Date) {
  return {
    ...emptyDatabase(now),
    version: 1,
    licence: { key, activatedAt: now.toISOString(), activatedBy: 'telegram:1' },
    instances: [
      {
        id: 'i1', orgId: 'default', projectId: 'default', provider: 'vast', providerInstanceId: '9001', label: 'ch-abcde12345-jupyter', deployToken: 'abcde12345',
        name: 'jupyter', templateId: 'jupyter', external: false, createdBy: 'telegram:1', status: 'running', phase: 'ready', rawStatus: 'running',
        gpu: 'RTX 4090', gpuCount: 1, pricePerHour: 0.4, interruptible: false, ssh: { host: 'h.example', port: 2222, user: 'root' },
        ports: [{ containerPort: 8888, protocol: 'http', host: 'h.example', hostPort: 18888 }], appSecret: LEGACY_APP_SECRET, simulated: false,
        createdAt: now.toISOString(), accruedUntil: now.toISOString(),
      },
    ],
    instanceCounters: { default: 1 },
  };
}
