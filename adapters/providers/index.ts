// The way in: build the adapter for a provider by name.
import type { AdapterOptions } from './adapter-options.ts';
import { LambdaAdapter } from './lambda.ts';
import { RunpodAdapter } from './runpod.ts';
import { TensordockAdapter } from './tensordock.ts';
import type { ProviderAdapter, ProviderName } from './types.ts';
import { VastAdapter } from './vast.ts';

export type { AdapterOptions } from './adapter-options.ts';
export { ProviderError, UnsupportedError, PROVIDER_LABELS, type ProviderErrorKind } from './errors.ts';

export function createProviderAdapter(name: ProviderName, options: AdapterOptions): ProviderAdapter {
  switch (name) {
    case 'vast':
      return new VastAdapter(options);
    case 'runpod':
      return new RunpodAdapter(options);
    case 'lambda':
      return new LambdaAdapter(options);
    case 'tensordock':
      return new TensordockAdapter(options);
  }
}
