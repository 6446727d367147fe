import { defineCommand, defineGroup, opt } from '#core/command.ts';
import { UserError } from '#core/errors.ts';
import { PROVIDER_NAMES, PROVIDER_TABLE_KEY_HELP, type Capabilities } from '#domain/providers.ts';
import { orgName } from '#services/orgs.ts';

export const providerGroup = defineGroup({ name: 'provider', summary: 'Connect your GPU provider accounts (keys stay encrypted on this machine)', defaultSubcommand: 'list' });

const providerName = () => opt.choice(PROVIDER_NAMES, 'the provider', { required: true, positional: true, complete: 'provider' });

function missingCapabilities(capabilities: Capabilities): string[] {
  return Object.entries(capabilities)
    .filter(([, value]) => value !== true)
    .map(([name, value]) => `${name}: ${(value as { reason: string }).reason}`);
}

export const providerAdd = defineCommand({
  name: 'provider add',
  summary: 'Add or replace a provider API key (direct message only; it is checked with the provider first)',
  examples: ['provider add vast 1a2b3c...', 'provider add runpod rpa_...'],
  options: {
    provider: providerName(),
    key: opt.string(`the API key (${PROVIDER_TABLE_KEY_HELP})`, {
      required: true,
      positional: true,
      secret: true,
      maxLength: 400,
    }),
  },
  role: 'admin',
  mutating: true,
  tier: 'free',
  directOnly: true,
  async run({ options, orgId, actor, services }) {
    const account = await services.providers.add(orgId, options.provider, options.key.trim(), `${actor.platform}:${actor.userId}`);
    return {
      kind: 'success',
      title: `${options.provider} connected`,
      text: `The key works (account ${account.name ?? account.id}). It is stored encrypted and used for org ${orgName(services.db.data, orgId)} from now on. You can delete your message with the key.`,
      data: { provider: options.provider, account },
    };
  },
});

export const providerList = defineCommand({
  name: 'provider list',
  summary: 'Show connected providers, masked keys, when each was last checked, and what each can do',
  examples: ['provider list', 'provider'],
  options: {},
  role: 'admin',
  mutating: false,
  tier: 'free',
  run({ orgId, services }) {
    const bound = services.providers.forOrg(orgId);
    const rows = PROVIDER_NAMES.map((name) => {
      const key = services.providers.describeKey(orgId, name);
      const provider = bound.find((candidate) => candidate.name === name);
      const source = key.source === 'chat' ? 'added in chat' : key.source === 'environment' ? 'from .env' : key.source === 'simulator' ? 'simulator' : 'not connected';
      const cannot = provider ? missingCapabilities(provider.adapter.capabilities).map((line) => line.split(':')[0]).join(', ') : '';
      return { name, key, source, cannot, connected: Boolean(provider), mode: provider?.mode };
    });
    return {
      kind: 'info',
      title: 'Providers',
      table: {
        columns: [{ header: 'Provider' }, { header: 'Key' }, { header: 'Source' }, { header: 'Last checked (UTC)' }, { header: 'Cannot' }],
        rows: rows.map((row) => [row.name, row.key.hint ?? '—', row.source, row.key.lastVerifiedAt?.slice(0, 16).replace('T', ' ') ?? '—', row.cannot || '—']),
      },
      footer: services.providers.simulatorOnly() ? 'No real key yet: answers come from the built-in simulator. Add a key in a direct message: provider add <name> <key>' : undefined,
      data: {
        providers: rows.map((row) => ({ provider: row.name, connected: row.connected, mode: row.mode ?? null, source: row.key.source, keyHint: row.key.hint ?? null, lastVerifiedAt: row.key.lastVerifiedAt ?? null })),
      },
    };
  },
});

export const providerTest = defineCommand({
  name: 'provider test',
  summary: 'Check a provider key still works, and show the balance where the provider reports it',
  examples: ['provider test vast'],
  options: { provider: providerName() },
  role: 'admin',
  mutating: false,
  tier: 'free',
  async run({ options, orgId, services }) {
    const { provider, account } = await services.providers.test(orgId, options.provider);
    const canBalance = provider.adapter.capabilities.balance === true;
    const balance = canBalance ? await provider.adapter.balance() : undefined;
    const missing = missingCapabilities(provider.adapter.capabilities);
    return {
      kind: 'success',
      title: `${options.provider} answers${provider.mode === 'simulated' ? ' (simulated)' : ''}`,
      fields: [
        { name: 'Account', value: account.name ?? account.id, inline: true },
        { name: 'Balance', value: balance ? `$${balance.creditUsd.toFixed(2)}` : 'not reported by this provider', inline: true },
        ...(missing.length ? [{ name: 'Cannot', value: missing.join('\n') }] : []),
      ],
      data: { provider: options.provider, mode: provider.mode, account, balance: balance ?? null },
    };
  },
});

export const providerRemove = defineCommand({
  name: 'provider remove',
  summary: 'Forget a provider key added in chat (instances keep running at the provider)',
  examples: ['provider remove tensordock'],
  options: { provider: providerName() },
  role: 'admin',
  mutating: true,
  tier: 'free',
  async run({ options, orgId, services }) {
    const removed = await services.providers.remove(orgId, options.provider);
    if (!removed) {
      const source = services.providers.describeKey(orgId, options.provider).source;
      throw new UserError(
        source === 'environment'
          ? `The ${options.provider} key comes from the environment (.env); remove it there and restart.`
          : `No ${options.provider} key was added in chat for your org.`,
      );
    }
    return { kind: 'success', text: `The ${options.provider} key is forgotten. Instances you rented keep running (and billing) at ${options.provider}.`, data: { provider: options.provider, removed: true } };
  },
});
