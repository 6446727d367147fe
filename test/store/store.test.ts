import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openDatabase, Store, StoreLoadError } from '#store/db.ts';
import { dbSchema } from '#store/schema.ts';
import { Vault, VaultError } from '#store/vault.ts';
import { tempDir } from '#test/support/app.ts';
import { TEST_SECRETS } from '#test/support/secrets.ts';

const CLI = path.resolve('src/bin/computehub.js');

function runCli(args: string[], dataDir: string) {
  return spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, COMPUTEHUB_DATA_DIR: dataDir }, encoding: 'utf8', cwd: dataDir, timeout: 60_000 });
}

describe('the database file', () => {
  it('is created with a default org and survives a reopen', async () => {
    const dir = tempDir();
    const db = await openDatabase(dir);
    await db.update((data) => data.members.push({ orgId: 'default', platform: 'telegram', userId: '42', displayName: 'Ada', role: 'dev', addedAt: new Date().toISOString() }));
    const again = await openDatabase(dir);
    expect(again.data.orgs[0]!.id).toBe('default');
    expect(again.data.members[0]!.displayName).toBe('Ada');
  });

  it('that is not JSON stops the bot with a message naming the file, and is left byte-for-byte untouched', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'db.json');
    const corrupt = '{"version":1,"orgs":[{"id":"default"';
    writeFileSync(file, corrupt);
    await expect(openDatabase(dir)).rejects.toThrow(StoreLoadError);
    await expect(openDatabase(dir)).rejects.toThrow(`${file} cannot be loaded: it is not valid JSON`);
    const result = runCli(['help'], dir);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toContain('left exactly as it is');
    expect(readFileSync(file, 'utf8')).toBe(corrupt);
  });

  it('that does not match the schema names the problem and the place, and is left untouched', async () => {
    const dir = tempDir();
    const db = await openDatabase(dir);
    await db.flush();
    const file = path.join(dir, 'db.json');
    const data = JSON.parse(readFileSync(file, 'utf8'));
    data.members.push({ orgId: 'default', platform: 'slack', userId: 'U1', displayName: 'Eve', role: 'owner', addedAt: '2026-01-01T00:00:00Z' });
    const invalid = JSON.stringify(data);
    writeFileSync(file, invalid);
    const before = statSync(file).mtimeMs;
    await expect(openDatabase(dir)).rejects.toThrow(/members\[0\]\.role/);
    const result = runCli(['whoami'], dir);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(file);
    expect(readFileSync(file, 'utf8')).toBe(invalid);
    expect(statSync(file).mtimeMs).toBe(before);
  });

  it('from a newer ComputeHub is refused with advice to upgrade', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'db.json'), JSON.stringify({ version: 99 }));
    await expect(openDatabase(dir)).rejects.toThrow(/newer ComputeHub \(schema version 99/);
  });

  it('is migrated forward, after a backup of the old file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'db.json');
    const old = JSON.stringify({ version: 1, people: ['ada', 'bob'] });
    writeFileSync(file, old);
    const schema = z.object({ version: z.literal(2), members: z.array(z.object({ name: z.string() })) });
    const store = await Store.open({
      file,
      schema,
      version: 2,
      migrations: [{ from: 1, migrate: (data: { people: string[] }) => ({ version: 2, members: data.people.map((name) => ({ name })) }) }],
      create: () => ({ version: 2 as const, members: [] }),
    });
    expect(store.data.members).toEqual([{ name: 'ada' }, { name: 'bob' }]);
    const backups = readdirSync(path.join(dir, 'backups'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(path.join(dir, 'backups', backups[0]!), 'utf8')).toBe(old);
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(2);
  });

  it('coalesces a burst of updates and keeps every one', async () => {
    const dir = tempDir();
    const db = await openDatabase(dir);
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        db.update((data) => data.members.push({ orgId: 'default', platform: 'test', userId: String(i), displayName: 'x', role: 'viewer', addedAt: new Date().toISOString() })),
      ),
    );
    const reopened = await openDatabase(dir);
    expect(reopened.data.members).toHaveLength(200);
  });

  it('killed with SIGKILL in the middle of a burst of writes still loads and validates', async () => {
    for (let round = 0; round < 3; round++) {
      const dir = tempDir();
      const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('test/support/write-burst.ts'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, 150 + round * 100));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const text = readFileSync(path.join(dir, 'db.json'), 'utf8');
      expect(dbSchema.safeParse(JSON.parse(text)).success).toBe(true);
      const db = await openDatabase(dir);
      expect(db.data.members.length).toBeGreaterThan(0);
    }
  });
});

describe('the secret vault', () => {
  it('stores secrets encrypted: the database never holds the plaintext', async () => {
    const dir = tempDir();
    const vault = await Vault.open({ dataDir: dir });
    const sealed = vault.seal('provider:vast:default', TEST_SECRETS.vastKey);
    const db = await openDatabase(dir);
    await db.update((data) => {
      data.orgs[0]!.name = sealed;
    });
    expect(readFileSync(path.join(dir, 'db.json'), 'utf8')).not.toContain(TEST_SECRETS.vastKey);
    expect(vault.open('provider:vast:default', sealed)).toBe(TEST_SECRETS.vastKey);
  });

  it('creates its key file with mode 0600 and reuses it', async () => {
    const dir = tempDir();
    const first = await Vault.open({ dataDir: dir });
    const file = path.join(dir, 'secret.key');
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = await Vault.open({ dataDir: dir });
    expect(second.open('x', first.seal('x', 'hello secret'))).toBe('hello secret');
  });

  it('refuses a secret sealed under another key, or moved to another slot, with a message saying what to do', async () => {
    const fromEnvironment = await Vault.open({ dataDir: tempDir(), secretKey: TEST_SECRETS.masterKey });
    const other = await Vault.open({ dataDir: tempDir() });
    const sealed = fromEnvironment.seal('provider:runpod:default', TEST_SECRETS.runpodKey);
    expect(() => other.open('provider:runpod:default', sealed)).toThrow(VaultError);
    expect(() => other.open('provider:runpod:default', sealed)).toThrow(/not the one it was encrypted with/);
    expect(() => fromEnvironment.open('provider:vast:default', sealed)).toThrow(VaultError);
    const tampered = sealed.slice(0, -4) + (sealed.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(() => fromEnvironment.open('provider:runpod:default', tampered)).toThrow(VaultError);
  });
});
