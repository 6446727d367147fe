// The provider table: every provider ComputeHub rents from, described once. The name union, the
// store's zod enums, the commands' choices, the config entries, the env-key maps and the simulator
// wiring are derived from it (src/domain/providers.ts); docs/ARCHITECTURE.md "Add a provider" lists
// the rest. Pure data, so every room may read it. What a provider cannot do is declared here with
// the reason and the alternative (SkyPilot style), so callers never guess.

export type Capability = 'stop' | 'start' | 'restart' | 'interruptible' | 'customImage' | 'gpuMetrics' | 'balance';

/** true, or why the provider cannot do it and what to do instead. */
export type Capabilities = Readonly<Record<Capability, true | { readonly reason: string; readonly alternative?: string }>>;

export interface ProviderEntry {
  /** The name users type (`provider add vast`) and the store keeps. Lower case letters. */
  readonly name: string;
  /** How the provider calls itself, in messages. */
  readonly label: string;
  /** The environment variable holding the default org's key (a secret). */
  readonly keyVariable: string;
  /** The environment variable overriding the API origin (the simulator sets it too). */
  readonly urlVariable: string;
  /** The provider's public API origin; the adapter appends the documented paths. */
  readonly defaultUrl: string;
  /** Where in the provider's console a key is made, for `provider add`'s help. */
  readonly keyHelp: string;
  readonly capabilities: Capabilities;
}

const ALL_CAPABILITIES = { stop: true, start: true, restart: true, interruptible: true, customImage: true, gpuMetrics: true, balance: true } as const;

export const PROVIDER_TABLE = [
  {
    name: 'vast',
    label: 'Vast.ai',
    keyVariable: 'VAST_API_KEY',
    urlVariable: 'VAST_API_URL',
    defaultUrl: 'https://console.vast.ai',
    keyHelp: 'Vast: Account → Keys',
    capabilities: ALL_CAPABILITIES,
  },
  {
    name: 'runpod',
    label: 'RunPod',
    keyVariable: 'RUNPOD_API_KEY',
    urlVariable: 'RUNPOD_API_URL',
    defaultUrl: 'https://api.runpod.io',
    keyHelp: 'RunPod: Settings → API Keys',
    capabilities: ALL_CAPABILITIES,
  },
  {
    name: 'lambda',
    label: 'Lambda',
    keyVariable: 'LAMBDA_API_KEY',
    urlVariable: 'LAMBDA_API_URL',
    defaultUrl: 'https://cloud.lambda.ai',
    keyHelp: 'Lambda: API keys',
    capabilities: {
      stop: { reason: 'Lambda instances cannot be stopped; Lambda bills until an instance is terminated', alternative: 'destroy it instead and deploy again later' },
      start: { reason: 'Lambda has no stopped state to start from', alternative: 'deploy a new instance instead' },
      restart: true,
      interruptible: { reason: 'Lambda sells on-demand instances only', alternative: 'use Vast.ai or RunPod for interruptible (spot) rentals' },
      customImage: true,
      gpuMetrics: { reason: "Lambda's API reports no per-instance GPU metrics", alternative: 'run nvidia-smi over SSH' },
      balance: { reason: "Lambda's API has no balance or billing endpoint", alternative: 'check the Lambda Cloud dashboard; ComputeHub estimates spend from price × uptime' },
    },
  },
  {
    name: 'tensordock',
    label: 'TensorDock',
    keyVariable: 'TENSORDOCK_API_TOKEN',
    urlVariable: 'TENSORDOCK_API_URL',
    defaultUrl: 'https://dashboard.tensordock.com',
    keyHelp: 'TensorDock: Developer settings',
    capabilities: {
      stop: true,
      start: true,
      restart: { reason: "TensorDock's API has no restart call", alternative: 'stop it, then start it' },
      interruptible: { reason: "TensorDock's v2 API rents on-demand VMs only", alternative: 'use Vast.ai or RunPod for interruptible (spot) rentals' },
      customImage: true,
      gpuMetrics: { reason: "TensorDock's API reports no per-instance GPU metrics", alternative: 'run nvidia-smi over SSH' },
      balance: { reason: "TensorDock's v2 API has no documented balance endpoint", alternative: 'check the TensorDock dashboard' },
    },
  },
] as const satisfies readonly ProviderEntry[];
