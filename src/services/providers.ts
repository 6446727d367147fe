// Which provider adapters an org may use, and with which key. A key comes from a direct message
// (`provider add`, stored sealed by the vault), or from the environment (it belongs to the default
// org). An org with no key at all is served by the built-in simulator when one is running, so the
// embedded default works; once an org has a real key, simulated offers never mix into its answers.
import type { Config } from '#src/config.ts';
import type { Logger } from '#src/log.ts';
import { registerSecret } from '#src/log.ts';
import type { Db } from '#store/db.ts';
import { DEFAULT_ORG_ID } from '#store/schema.ts';
import type { Vault } from '#store/vault.ts';
import { UserError } from '#core/errors.ts';
import type { Account, ProviderAdapter } from '#providers/types.ts';
import { PROVIDER_NAMES, providerEntry, type ProviderName } from '#domain/providers.ts';

export interface BoundProvider {
  name: ProviderName;
  adapter: ProviderAdapter;
  mode: 'real' | 'simulated';
  source: 'environment' | 'chat' | 'simulator';
}

export type AdapterFactory = (name: ProviderName, options: { baseUrl: string; apiKey: string; log: Logger; timeoutMs: number }) => ProviderAdapter;

/** The key the simulator is called with: it accepts any key, and this one is no secret. */
const SIMULATOR_KEY = 'computehub-simulator';

/** The default org's key from the environment (the table names the variable). */
function environmentKey(config: Config, name: ProviderName): string | undefined {
  return config[providerEntry(name).keyVariable as keyof Config] as string | undefined;
}

/** The embedded default: no provider key anywhere in the environment → run the built-in simulator. */
export function wantsSimulator(config: Config): boolean {
  return PROVIDER_NAMES.every((name) => !environmentKey(config, name));
}

export interface ProviderServiceOptions {
  config: Config;
  db: Db;
  vault: Vault;
  log: Logger;
  createAdapter: AdapterFactory;
  /** Base URLs of the in-process simulator, when one runs. */
  simulatorUrls?: Record<ProviderName, string>;
  now: () => Date;
}

export class ProviderService {
  /** Adapters are kept so their rate limits, throttles and circuit breakers persist between calls. */
  private readonly adapters = new Map<string, ProviderAdapter>();

  constructor(private readonly options: ProviderServiceOptions) {
    for (const name of PROVIDER_NAMES) registerSecret(this.environmentKey(name));
  }

  /** True while no org has a real key (env or chat): Pro is open for trying out. */
  simulatorOnly(): boolean {
    return PROVIDER_NAMES.every((name) => !this.environmentKey(name)) && this.options.db.data.providerKeys.length === 0;
  }

  /** The providers this org may use now. */
  forOrg(orgId: string): BoundProvider[] {
    const real = PROVIDER_NAMES.flatMap((name): BoundProvider[] => {
      const stored = this.options.db.data.providerKeys.find((key) => key.orgId === orgId && key.provider === name);
      if (stored) return [this.bind(name, this.options.vault.open(purpose(orgId, name), stored.keySealed), 'chat')];
      const fromEnvironment = orgId === DEFAULT_ORG_ID ? this.environmentKey(name) : undefined;
      return fromEnvironment ? [this.bind(name, fromEnvironment, 'environment')] : [];
    });
    if (real.length > 0 || !this.options.simulatorUrls) return real;
    return PROVIDER_NAMES.map((name) => this.bind(name, SIMULATOR_KEY, 'simulator'));
  }

  get(orgId: string, name: ProviderName): BoundProvider | undefined {
    return this.forOrg(orgId).find((provider) => provider.name === name);
  }

  /** Verifies the key with a real call, then stores it sealed for the org. */
  async add(orgId: string, name: ProviderName, apiKey: string, addedBy: string): Promise<Account> {
    registerSecret(apiKey);
    const adapter = this.options.createAdapter(name, { baseUrl: this.baseUrl(name), apiKey, log: this.options.log, timeoutMs: this.options.config.HTTP_TIMEOUT_MS });
    const account = await adapter.verifyKey();
    const now = this.options.now().toISOString();
    await this.options.db.update((data) => {
      data.providerKeys = data.providerKeys.filter((key) => !(key.orgId === orgId && key.provider === name));
      data.providerKeys.push({
        orgId,
        provider: name,
        keySealed: this.options.vault.seal(purpose(orgId, name), apiKey),
        keyHint: apiKey.slice(-4),
        account: account.name ?? account.id,
        addedBy,
        addedAt: now,
        lastVerifiedAt: now,
      });
    });
    return account;
  }

  async remove(orgId: string, name: ProviderName): Promise<boolean> {
    const present = this.options.db.data.providerKeys.some((key) => key.orgId === orgId && key.provider === name);
    if (!present) return false;
    await this.options.db.update((data) => {
      data.providerKeys = data.providerKeys.filter((key) => !(key.orgId === orgId && key.provider === name));
    });
    return true;
  }

  /** Calls the provider with the org's key; records when it last answered. */
  async test(orgId: string, name: ProviderName): Promise<{ provider: BoundProvider; account: Account }> {
    const provider = this.get(orgId, name);
    if (!provider) throw new UserError(`No ${name} key is set for your org. Add one in a direct message: provider add ${name} <key>`);
    const account = await provider.adapter.verifyKey();
    if (provider.source === 'chat') {
      await this.options.db.update((data) => {
        const stored = data.providerKeys.find((key) => key.orgId === orgId && key.provider === name);
        if (stored) stored.lastVerifiedAt = this.options.now().toISOString();
      });
    }
    return { provider, account };
  }

  /** How the org's key for a provider is shown: never the key, only where it came from and its end. */
  describeKey(orgId: string, name: ProviderName): { source: BoundProvider['source'] | 'none'; hint?: string; lastVerifiedAt?: string; account?: string } {
    const stored = this.options.db.data.providerKeys.find((key) => key.orgId === orgId && key.provider === name);
    if (stored) return { source: 'chat', hint: `…${stored.keyHint}`, lastVerifiedAt: stored.lastVerifiedAt, account: stored.account };
    const fromEnvironment = orgId === DEFAULT_ORG_ID ? this.environmentKey(name) : undefined;
    if (fromEnvironment) return { source: 'environment', hint: `…${fromEnvironment.slice(-4)}` };
    return { source: this.get(orgId, name)?.source === 'simulator' ? 'simulator' : 'none' };
  }

  private bind(name: ProviderName, apiKey: string, source: BoundProvider['source']): BoundProvider {
    const baseUrl = source === 'simulator' ? this.options.simulatorUrls![name] : this.baseUrl(name);
    const cacheKey = `${name} ${baseUrl} ${apiKey}`;
    let adapter = this.adapters.get(cacheKey);
    if (!adapter) {
      adapter = this.options.createAdapter(name, { baseUrl, apiKey, log: this.options.log, timeoutMs: this.options.config.HTTP_TIMEOUT_MS });
      this.adapters.set(cacheKey, adapter);
    }
    return { name, adapter, mode: source === 'simulator' ? 'simulated' : 'real', source };
  }

  private baseUrl(name: ProviderName): string {
    return this.options.config[providerEntry(name).urlVariable as keyof Config] as string;
  }

  private environmentKey(name: ProviderName): string | undefined {
    return environmentKey(this.options.config, name);
  }
}

function purpose(orgId: string, name: ProviderName): string {
  return `provider:${name}:${orgId}`;
}
