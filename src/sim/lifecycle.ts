// The instance life cycle shared by all four faces: phases, timed transitions and billing.
// Each face maps a phase to its provider's own status words (docs/providers.md §7).
import type { SimProvider } from './types.ts';

export type Phase =
  | 'pending' // just created: Vast actual_status null, RunPod PROVISIONING, Lambda booting, TensorDock starting
  | 'created' // Vast "created"
  | 'loading' // pulling image / booting
  | 'running'
  | 'rebooting'
  | 'stopping' // TensorDock "stopping"
  | 'stopped'
  | 'outbid' // interruptible instance lost its bid: stopped, storage still billed
  | 'crashed' // Vast exited, RunPod ERROR, Lambda unhealthy, TensorDock stopped
  | 'terminating'
  | 'terminated' // Lambda shows "terminated" for a while, then the instance disappears
  | 'gone';

/** Simulated ms spent in a transient phase before the next one, per provider. */
const TIMINGS: Record<SimProvider, Partial<Record<Phase, { ms: number; next: Phase }>>> = {
  vast: {
    pending: { ms: 1000, next: 'created' },
    created: { ms: 1500, next: 'loading' },
    loading: { ms: 2500, next: 'running' },
    rebooting: { ms: 2000, next: 'running' },
  },
  runpod: {
    pending: { ms: 1500, next: 'loading' },
    loading: { ms: 3000, next: 'running' },
    rebooting: { ms: 2000, next: 'running' },
  },
  lambda: {
    pending: { ms: 2000, next: 'loading' },
    loading: { ms: 5000, next: 'running' },
    rebooting: { ms: 4000, next: 'running' },
    terminating: { ms: 3000, next: 'terminated' },
    terminated: { ms: 30_000, next: 'gone' },
  },
  tensordock: {
    pending: { ms: 1500, next: 'loading' },
    loading: { ms: 2500, next: 'running' },
    stopping: { ms: 2000, next: 'stopped' },
    terminating: { ms: 2000, next: 'gone' },
  },
};

export interface SimInstance {
  provider: SimProvider;
  id: string;
  name: string;
  gpuName: string;
  gpuCount: number;
  vramGb: number;
  /** $/hr for compute while running (fixed at launch). */
  computePerHour: number;
  /** $/hr for disk, billed whenever the instance exists (Vast, RunPod volume, TensorDock storage). */
  storagePerHour: number;
  interruptible: boolean;
  bidPerHour?: number;
  phase: Phase;
  phaseSince: number;
  createdAt: number;
  /** Simulated ms of the last change to running (uptime counts from here). */
  runningSince?: number;
  billedUntil: number;
  /** Accrued cost in micro-dollars. */
  costMicros: number;
  /** Arms a fault for when it first reaches running. */
  crashWhenRunning?: boolean;
  outbidWhenRunning?: boolean;
  /** Its workload has stopped (the idle fault): the GPU reads 0 % until it next leaves running. */
  idle?: boolean;
  image?: string;
  env: Record<string, string>;
  ports: { port: number; protocol: 'tcp' | 'http' | 'udp' }[];
  /** Host port each container port is published on (only meaningful while running). */
  publicPorts: Record<number, number>;
  startScript?: string;
  diskGb: number;
  ip: string;
  privateIp: string;
  machineId: string;
  /** A stable per-instance number for metrics and ids. */
  key: number;
  /** Provider-specific details the faces echo back (location, offer, request fields). */
  details: Record<string, unknown>;
}

/** Phases where the GPU is billed. Lambda bills from launch until terminated. */
function billsCompute(instance: SimInstance): boolean {
  if (instance.provider === 'lambda') return !['terminated', 'gone'].includes(instance.phase);
  return instance.phase === 'running' || instance.phase === 'rebooting';
}

function billsStorage(instance: SimInstance): boolean {
  return !['gone', 'terminated', 'terminating'].includes(instance.phase);
}

export function perHourNow(instance: SimInstance): number {
  return (billsCompute(instance) ? instance.computePerHour : 0) + (billsStorage(instance) ? instance.storagePerHour : 0);
}

/** Bills from billedUntil to `until`, returns micro-dollars charged. */
function bill(instance: SimInstance, until: number): number {
  if (until <= instance.billedUntil) return 0;
  const micros = Math.round((perHourNow(instance) * 1e6 * (until - instance.billedUntil)) / 3_600_000);
  instance.billedUntil = until;
  instance.costMicros += micros;
  return micros;
}

export function setPhase(instance: SimInstance, phase: Phase, at: number): number {
  const charged = bill(instance, at);
  instance.phase = phase;
  instance.phaseSince = at;
  if (phase === 'running') instance.runningSince = at;
  else instance.idle = false;
  return charged;
}

/**
 * Plays timed transitions and billing up to `now`; returns micro-dollars charged. Armed faults fire
 * on reaching running: a crash or an outbid happens the moment the instance would have been usable.
 */
export function advanceInstance(instance: SimInstance, now: number): number {
  let charged = 0;
  for (;;) {
    const step = TIMINGS[instance.provider][instance.phase];
    if (!step || instance.phaseSince + step.ms > now) break;
    const at = instance.phaseSince + step.ms;
    charged += setPhase(instance, step.next, at);
    if (step.next === 'running' && instance.crashWhenRunning) {
      instance.crashWhenRunning = false;
      charged += setPhase(instance, 'crashed', at);
    } else if (step.next === 'running' && instance.outbidWhenRunning) {
      instance.outbidWhenRunning = false;
      charged += setPhase(instance, 'outbid', at);
    }
  }
  return charged + bill(instance, now);
}

/** Deterministic, plausible GPU metrics for a running instance (0–100 %). */
export function gpuMetrics(instance: SimInstance, now: number, gpuIndex = 0) {
  const seconds = now / 1000;
  const wave = (period: number, offset: number) => Math.sin((seconds / period) * Math.PI * 2 + ((instance.key + offset) % 360));
  const util = instance.idle ? 0 : Math.max(0, Math.min(100, Math.round(72 + 24 * wave(97, gpuIndex * 31))));
  const memoryUtil = Math.max(0, Math.min(100, Math.round(58 + 20 * wave(311, gpuIndex * 17))));
  return {
    util,
    memoryUtil,
    temp: Math.round(45 + util * 0.3),
    cpuUtil: Math.max(0, Math.min(100, Math.round(25 + 15 * wave(53, 7)))),
    memUtil: Math.max(0, Math.min(100, Math.round(40 + 10 * wave(401, 11)))),
  };
}
