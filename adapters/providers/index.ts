// The way in: build the adapter for a provider by name. Each provider of the table
// (src/domain/provider-table.ts) has its factory here; the compiler names a missing one.
import type { AdapterOptions } from './adapter-options.ts';
import { LambdaAdapter } from './lambda.ts';
import { RunpodAdapter } from './runpod.ts';
import { TensordockAdapter } from './tensordock.ts';
import type { ProviderAdapter, ProviderName } from './types.ts';
import { VastAdapter } from './vast.ts';

export type { AdapterOptions } from './adapter-options.ts';
export { ProviderError, UnsupportedError, type ProviderErrorKind } from './errors.ts';

const ADAPTER_FACTORIES: Record<ProviderName, (options: AdapterOptions) => ProviderAdapter> = {
  vast: (options) => new VastAdapter(options),
  runpod: (options) => new RunpodAdapter(options),
  lambda: (options) => new LambdaAdapter(options),
  tensordock: (options) => new TensordockAdapter(options),
};

export function createProviderAdapter(name: ProviderName, options: AdapterOptions): ProviderAdapter {
  const create = ADAPTER_FACTORIES[name];
  if (!create) throw new Error(`No adapter for provider ${name}: add its factory to adapters/providers/index.ts.`);
  return create(options);
}
