// One provider table (src/domain/provider-table.ts): a provider added there shows up everywhere the
// name used to be written out by hand — config, command choices and help, the store's schemas, the
// rule language, completions, the env-key maps and the simulator wiring — with no other edit.
// docs/ARCHITECTURE.md "Add a provider" lists what a real provider adds besides the entry.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { ProviderEntry } from '#domain/provider-table.ts';
import { tempDir } from '#test/support/app.ts';

const THROWAWAY: ProviderEntry = {
  name: 'throwaway',
  label: 'Throwaway Cloud',
  keyVariable: 'THROWAWAY_API_KEY',
  urlVariable: 'THROWAWAY_API_URL',
  defaultUrl: 'https://api.throwaway.example',
  keyHelp: 'Throwaway: Settings → Tokens',
  capabilities: {
    stop: true,
    start: true,
    restart: { reason: 'Throwaway has no restart call', alternative: 'stop it, then start it' },
    interruptible: true,
    customImage: true,
    gpuMetrics: true,
    balance: true,
  },
};

/** The modules that derive from the table, loaded afresh over a table with the throwaway provider added. */
async function withThrowaway() {
  vi.resetModules();
  vi.doMock('../../src/domain/provider-table.ts', async (importOriginal) => {
    const real = await importOriginal<typeof import('#domain/provider-table.ts')>();
    return { ...real, PROVIDER_TABLE: [...real.PROVIDER_TABLE, THROWAWAY] };
  });
  const [config, commands, schema, fleetSchema, rules, providers, db, vault] = await Promise.all([
    import('#src/config.ts'),
    import('#commands/index.ts'),
    import('#store/schema.ts'),
    import('#store/fleet-schema.ts'),
    import('#domain/rules/rule.ts'),
    import('#services/providers.ts'),
    import('#store/db.ts'),
    import('#store/vault.ts'),
  ]);
  return { config, commands, schema, fleetSchema, rules, providers, db, vault };
}

function withTheRealTable() {
  vi.doUnmock('../../src/domain/provider-table.ts');
  vi.resetModules();
}

afterAll(withTheRealTable);

describe('a provider added to the table', () => {
  it('gets its config entries: a key (a secret) and an API origin defaulting to its public API', async () => {
    const { config } = await withThrowaway();
    const loaded = config.loadConfig({ THROWAWAY_API_KEY: 'tw-key-1234' }, '/nonexistent/.env') as Record<string, unknown>;
    expect(loaded.THROWAWAY_API_KEY).toBe('tw-key-1234');
    expect(loaded.THROWAWAY_API_URL).toBe('https://api.throwaway.example');
    expect(config.SECRET_VARIABLES).toContain('THROWAWAY_API_KEY');
    expect(() => config.loadConfig({ THROWAWAY_API_URL: 'not a url' }, '/nonexistent/.env')).toThrow(/THROWAWAY_API_URL: expected an http\(s\) URL/);
  });

  it('is a choice of every command that takes a provider, and provider add says where its key is made', async () => {
    const { commands } = await withThrowaway();
    const command = (name: string) => commands.COMMANDS.find((candidate) => candidate.name === name)!;
    for (const name of ['deploy', 'instances', 'batch stop', 'provider add', 'provider test', 'provider remove', 'alert price']) {
      expect(command(name).options.provider!.choices, name).toContain('throwaway');
    }
    expect(command('provider add').options.key!.description).toContain('Throwaway: Settings → Tokens');
    expect(command('prices search').options.provider!.description).toContain('throwaway');
  });

  it('is accepted by the store: a saved key and instance of it load again (the bot does not stop at its next start)', async () => {
    const { schema, fleetSchema } = await withThrowaway();
    expect(schema.providerKeySchema.shape.provider.safeParse('throwaway').success).toBe(true);
    expect(fleetSchema.instanceRecordSchema.shape.provider.safeParse('throwaway').success).toBe(true);
    expect(schema.providerKeySchema.shape.provider.safeParse('nowhere').success).toBe(false);
  });

  it('is a provider to the rule language, whose errors list it', async () => {
    const { rules } = await withThrowaway();
    expect(rules.compileRule('r1', 'IF status == running AND cost_per_hour > $2 THEN migrate provider=throwaway').actions).toMatchObject([{ type: 'migrate', provider: 'throwaway' }]);
    expect(() => rules.compileRule('r2', 'IF status == running AND cost_per_hour > $2 THEN migrate provider=nowhere')).toThrow(/vast, runpod, lambda, tensordock or throwaway/);
  });

  it('is bound by the provider service from its environment key, and to its simulator URL when nobody has a key', async () => {
    const { config, providers, db, vault } = await withThrowaway();
    const dataDir = tempDir();
    const database = await db.openDatabase(dataDir);
    const sealer = await vault.Vault.open({ dataDir });
    const made: string[] = [];
    const service = (env: Record<string, string>, simulatorUrls?: Record<string, string>) =>
      new providers.ProviderService({
        config: config.loadConfig({ COMPUTEHUB_DATA_DIR: dataDir, ...env }, '/nonexistent/.env'),
        db: database,
        vault: sealer,
        log: { child: () => ({}) } as never,
        createAdapter: (name, options) => {
          made.push(`${name} ${options.baseUrl}`);
          return { name } as never;
        },
        ...(simulatorUrls && { simulatorUrls: simulatorUrls as never }),
        now: () => new Date(),
      });
    expect(providers.wantsSimulator(config.loadConfig({ THROWAWAY_API_KEY: 'tw-key-1234' }, '/nonexistent/.env'))).toBe(false);
    expect(service({ THROWAWAY_API_KEY: 'tw-key-1234' }).forOrg('default').map((bound) => bound.name)).toEqual(['throwaway']);
    expect(made).toEqual(['throwaway https://api.throwaway.example']);
    const simulated = service({}, { vast: 'http://127.0.0.1:1', runpod: 'http://127.0.0.1:2', lambda: 'http://127.0.0.1:3', tensordock: 'http://127.0.0.1:4', throwaway: 'http://127.0.0.1:5' }).forOrg('default');
    expect(simulated.map((bound) => `${bound.name} ${bound.mode}`)).toContain('throwaway simulated');
    expect(made).toContain('throwaway http://127.0.0.1:5');
    await database.flush();
  });
});

describe('the table and the simulator', () => {
  it('the simulator serves every provider of the table, under the URL variable the table names', async () => {
    withTheRealTable();
    const [{ PROVIDER_TABLE }, { startSimulator, simulatorEnv, SIM_PROVIDERS }] = await Promise.all([import('#domain/provider-table.ts'), import('#sim/index.ts')]);
    expect([...SIM_PROVIDERS]).toEqual(PROVIDER_TABLE.map((entry) => entry.name));
    const sim = await startSimulator({ seed: 3, vastOffers: 20, timeScale: 0 });
    try {
      expect(Object.keys(simulatorEnv(sim.urls))).toEqual(PROVIDER_TABLE.map((entry) => entry.urlVariable));
    } finally {
      await sim.close();
    }
  });
});

/** The files `## Add a provider` in docs/ARCHITECTURE.md says to edit (its step 2). */
function documentedEdits(): string[] {
  const doc = readFileSync(new URL('../../docs/ARCHITECTURE.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('## Add a provider'));
  const step = section.slice(section.indexOf('2. Edit'), section.indexOf('3. Document'));
  return [...step.matchAll(/^ {3}- `([^`]+)`/gm)].map((match) => match[1]!);
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => path.join(folder, file).split(path.sep).join('/'));
}

describe('docs/ARCHITECTURE.md "Add a provider"', () => {
  it('lists every file that names a provider outside its own files, and says how many', () => {
    const edits = documentedEdits();
    expect(edits).toHaveLength(6);
    expect(readFileSync(new URL('../../docs/ARCHITECTURE.md', import.meta.url), 'utf8')).toContain('2. Edit six files:');
    const root = new URL('../../', import.meta.url).pathname;
    const naming = ['src', 'commands', 'adapters']
      .flatMap((folder) => sourceFiles(path.join(root, folder)))
      .map((file) => path.relative(root, file))
      .filter((file) => !/(^|\/)lambda[.-]/.test(file))
      // The name as code writes it: a string, or an object key.
      .filter((file) => /['"`]lambda['"`]|^\s*lambda:/m.test(readFileSync(path.join(root, file), 'utf8')));
    expect(naming.sort()).toEqual([...edits].sort());
  });
});
