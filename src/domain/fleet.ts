// Pure rules of the fleet: how our deploy label is spelled, what a provider's view of an instance
// means for a deploy in progress, how an observation updates our record and the ledger, and the
// one instance shape every command and `--json` shows.
import type { Instance } from './instance.ts';
import { accrue, billingState, usdToMicros } from './ledger.ts';
import { appLinks, type AppLink, type Template } from './templates.ts';
import type { DeployPhase, InstanceRecord, LedgerEntry } from './fleet-records.ts';

const LABEL_PREFIX = 'ch-';
const LABEL_PATTERN = /^ch-([a-z0-9]{10})(?:-|$)/;

/** Provider-side name: the deploy token first (so it survives truncation), then the user's name. */
export function deployLabel(token: string, name: string): string {
  const tail = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  return `${LABEL_PREFIX}${token}${tail ? `-${tail}` : ''}`.slice(0, 60);
}

/** The deploy token carried in a provider-side name, if it is one of ours. */
export function tokenFromLabel(label: string | undefined): string | undefined {
  return label ? LABEL_PATTERN.exec(label)?.[1] : undefined;
}

export const DEPLOY_TOKEN_PATTERN = /^[a-z0-9]{10}$/;

/** Where a deploy stands given the provider's view; `failed` carries why. */
export function deployPhase(instance: Instance): { phase: DeployPhase; failure?: string } {
  switch (instance.status) {
    case 'creating':
      return { phase: 'provisioning' };
    case 'starting':
      return { phase: 'pulling' };
    case 'running':
      return instance.ssh ? { phase: 'ready' } : { phase: 'running' };
    case 'unknown':
      return { phase: 'provisioning' };
    default: {
      const detail = instance.statusMessage ? `: ${instance.statusMessage}` : '';
      return { phase: 'failed', failure: `the instance went ${instance.status} (${instance.rawStatus}) before it was ready${detail}` };
    }
  }
}

/** A deploy still on its way to ready (not ready, failed or clean-up pending). */
export function isDeploying(phase: DeployPhase | null): boolean {
  return phase === 'requested' || phase === 'provisioning' || phase === 'pulling' || phase === 'running';
}

export const PHASE_TEXT: Record<DeployPhase, string> = {
  requested: 'Requested',
  provisioning: 'Provisioning the machine',
  pulling: 'Pulling the image and starting',
  running: 'Running, waiting for SSH',
  ready: 'Ready',
  failed: 'Failed',
  'cleanup-pending': 'Failed; clean-up pending',
};

/** USD per hour the record bills at in its status now (its disk while stopped, nothing once ended). */
export function billingRate(record: Pick<InstanceRecord, 'status' | 'pricePerHour' | 'stoppedPricePerHour'>): number {
  const state = billingState(record.status);
  return state === 'running' ? record.pricePerHour : state === 'stopped' ? (record.stoppedPricePerHour ?? 0) : 0;
}

/** Writes the cost of the time since the last accrual, at the rate the record was billing at. */
export function accrueRecord(record: InstanceRecord, ledger: LedgerEntry[], nowMs: number): void {
  const fromMs = Date.parse(record.accruedUntil);
  if (nowMs <= fromMs) return;
  const state = billingState(record.status);
  const rate = billingRate(record);
  if (state && rate > 0) {
    accrue(ledger, {
      key: {
        instanceId: record.id,
        orgId: record.orgId,
        projectId: record.projectId,
        provider: record.provider,
        gpu: record.gpu,
        user: record.createdBy ?? 'external',
      },
      state,
      rateMicrosPerHour: usdToMicros(rate),
      fromMs,
      toMs: nowMs,
    });
  }
  record.accruedUntil = new Date(nowMs).toISOString();
}

/**
 * Applies what the provider reports now: cost up to now is accrued at the old status and price
 * first, then status, price, SSH and ports are taken from the observation.
 */
export function observe(record: InstanceRecord, instance: Instance, ledger: LedgerEntry[], nowMs: number): void {
  accrueRecord(record, ledger, nowMs);
  record.status = instance.status;
  record.rawStatus = instance.rawStatus;
  record.statusMessage = instance.statusMessage;
  if (instance.pricePerHour > 0) record.pricePerHour = instance.pricePerHour;
  if (instance.stoppedPricePerHour !== undefined) record.stoppedPricePerHour = instance.stoppedPricePerHour;
  if (instance.ssh) record.ssh = instance.ssh;
  if (instance.ports.length > 0) record.ports = instance.ports.map((port) => ({ ...port }));
  if (instance.gpu && instance.gpu !== 'unknown') record.gpu = instance.gpu;
  record.gpuCount = instance.gpuCount || record.gpuCount;
  record.region = instance.region ?? record.region;
  record.image = instance.image ?? record.image;
  record.lastSeenAt = new Date(nowMs).toISOString();
}

/** The instance is gone from the provider: cost stops here. */
export function markGone(record: InstanceRecord, ledger: LedgerEntry[], nowMs: number, status: 'terminated' | 'failed' = 'terminated'): void {
  accrueRecord(record, ledger, nowMs);
  record.status = status;
  record.destroyedAt = new Date(nowMs).toISOString();
  record.ssh = null;
  record.ports = [];
}

export function sshCommand(ssh: { host: string; port: number; user: string } | null, options: readonly string[] = []): string | undefined {
  if (!ssh) return undefined;
  return ['ssh', ...options, ...(ssh.port === 22 ? [] : ['-p', String(ssh.port)]), `${ssh.user}@${ssh.host}`].join(' ');
}

/** The SSH command that forwards every tunnelled port to the same port on localhost, if any needs it. */
export function tunnelCommand(ssh: { host: string; port: number; user: string } | null, ports: readonly { containerPort: number; tunnel?: boolean | undefined }[]): string | undefined {
  const forwards = ports.filter((port) => port.tunnel).flatMap((port) => ['-L', `${port.containerPort}:localhost:${port.containerPort}`]);
  return forwards.length ? sshCommand(ssh, ['-N', ...forwards]) : undefined;
}

/** The one machine-readable shape of an instance (deploy --json, instances --json). */
export interface InstanceView {
  id: string;
  provider: InstanceRecord['provider'];
  providerInstanceId: string | null;
  name: string;
  project: string;
  template: string | null;
  status: InstanceRecord['status'];
  phase: DeployPhase | null;
  gpu: string;
  gpuCount: number;
  pricePerHour: number;
  stoppedPricePerHour: number | null;
  interruptible: boolean;
  ssh: { host: string; port: number; user: string; command: string } | null;
  ports: InstanceRecord['ports'];
  /** `ssh -N -L ...` for the ports marked `tunnel`; null when none is (or there is no SSH yet). */
  tunnelCommand: string | null;
  apps: AppLink[];
  external: boolean;
  simulated: boolean;
  createdAt: string;
  destroyedAt: string | null;
  uptimeSeconds: number;
  costUsd: number;
  failure: string | null;
}

export function instanceView(record: InstanceRecord, context: { projectName: string; template: Template | undefined; costMicros: number; nowMs: number }): InstanceView {
  const end = record.destroyedAt ? Date.parse(record.destroyedAt) : context.nowMs;
  return {
    id: record.id,
    provider: record.provider,
    providerInstanceId: record.providerInstanceId,
    name: record.name,
    project: context.projectName,
    template: record.templateId,
    status: record.status,
    phase: record.phase,
    gpu: record.gpu,
    gpuCount: record.gpuCount,
    pricePerHour: record.pricePerHour,
    stoppedPricePerHour: record.stoppedPricePerHour ?? null,
    interruptible: record.interruptible,
    ssh: record.ssh ? { ...record.ssh, command: sshCommand(record.ssh)! } : null,
    ports: record.ports,
    tunnelCommand: tunnelCommand(record.ssh, record.ports) ?? null,
    // Never the secret: this shape goes to anyone who may see the instance (and to --json).
    apps: appLinks(context.template, record.ports, undefined),
    external: record.external,
    simulated: record.simulated,
    createdAt: record.createdAt,
    destroyedAt: record.destroyedAt ?? null,
    uptimeSeconds: Math.max(0, Math.round((end - Date.parse(record.createdAt)) / 1000)),
    costUsd: Math.round(context.costMicros / 10_000) / 100,
    failure: record.failure === undefined ? null : [record.failure, record.cleanup].filter(Boolean).join(' '),
  };
}
