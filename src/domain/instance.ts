// One shape for a rented machine, whatever provider runs it.
import type { ProviderName } from './providers.ts';

export const INSTANCE_STATUSES = ['creating', 'starting', 'running', 'stopping', 'stopped', 'exited', 'failed', 'terminated', 'unknown'] as const;
export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];

export interface SshEndpoint {
  host: string;
  port: number;
  user: string;
}

export interface PortMapping {
  /** Port inside the container / VM. */
  containerPort: number;
  protocol: 'tcp' | 'http';
  /** Where it is reachable from outside. */
  host: string;
  hostPort: number;
  /** A ready-made URL for HTTP ports (RunPod proxy, or http://host:port). */
  url?: string;
  /**
   * Not reachable from outside (Lambda's account firewall opens only SSH by default), so it is
   * forwarded over SSH to localhost:<containerPort> instead of being dialled at host:hostPort.
   */
  tunnel?: boolean;
}

export interface GpuMetrics {
  at: string;
  /** 0..100 */
  gpuUtilPercent?: number;
  gpuTempC?: number;
  vramUsedGb?: number;
  vramTotalGb?: number;
}

export interface Instance {
  provider: ProviderName;
  providerInstanceId: string;
  /** The provider-side name / label (carries our deploy label). */
  name?: string;
  status: InstanceStatus;
  /** The provider's own status word(s), kept verbatim. */
  rawStatus: string;
  statusMessage?: string;
  gpu: string;
  gpuCount: number;
  /** USD per hour while running, all-in. */
  pricePerHour: number;
  /** USD per hour while stopped (disk still billed), when the provider bills it. */
  stoppedPricePerHour?: number;
  image?: string;
  region?: string;
  ssh?: SshEndpoint;
  ports: PortMapping[];
  publicIp?: string;
  metrics?: GpuMetrics;
  createdAt?: string;
  interruptible: boolean;
  simulated: boolean;
}
