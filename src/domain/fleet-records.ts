// The shapes of an instance record, a ledger entry and a GPU metric sample: what src/domain's fleet,
// ledger and monitoring logic works on, validated by the store (src/store/fleet-schema.ts) when the database loads.
import { z } from 'zod';
import { INSTANCE_STATUSES } from './instance.ts';
import { providerNameSchema } from './providers.ts';

/** An instant as the store writes it: ISO 8601 with an offset. */
export const isoTime = z.string().datetime({ offset: true });

/**
 * Where a deploy has got to; `ready` and `failed` are final. `cleanup-pending`: it failed, but whether
 * a machine of it still exists is not known yet; every sync retries the clean-up until it is.
 */
export const DEPLOY_PHASES = ['requested', 'provisioning', 'pulling', 'running', 'ready', 'failed', 'cleanup-pending'] as const;

export const instanceRecordSchema = z.object({
  /** Short id users type: i1, i2, ... per org, never reused. */
  id: z.string(),
  orgId: z.string(),
  projectId: z.string(),
  provider: providerNameSchema,
  /** Unknown until the provider has answered the create. */
  providerInstanceId: z.string().nullable(),
  /** The provider-side name; carries the deploy token so a restarted bot can adopt the machine. */
  label: z.string(),
  deployToken: z.string().nullable(),
  name: z.string(),
  templateId: z.string().nullable(),
  /** Found on the provider account, not deployed by this bot. */
  external: z.boolean(),
  /** platform:userId of whoever deployed it; null for external instances. */
  createdBy: z.string().nullable(),
  status: z.enum([...INSTANCE_STATUSES, 'requested']),
  phase: z.enum(DEPLOY_PHASES).nullable(),
  rawStatus: z.string(),
  statusMessage: z.string().optional(),
  failure: z.string().optional(),
  /** What the clean-up of a failed deploy found the last time it ran. */
  cleanup: z.string().optional(),
  gpu: z.string(),
  gpuCount: z.number().int(),
  /** USD/h in force now while running (the launch price until the provider reports another). */
  pricePerHour: z.number(),
  /** USD/h while stopped (disk), when the provider bills it. */
  stoppedPricePerHour: z.number().optional(),
  interruptible: z.boolean(),
  bidPerHour: z.number().optional(),
  image: z.string().optional(),
  region: z.string().optional(),
  ssh: z.object({ host: z.string(), port: z.number().int(), user: z.string() }).nullable(),
  ports: z.array(
    z.object({ containerPort: z.number().int(), protocol: z.enum(['tcp', 'http']), host: z.string(), hostPort: z.number().int(), url: z.string().optional(), tunnel: z.boolean().optional() }),
  ),
  /** Random secret the template's app uses (Jupyter token, vLLM API key, code-server password), sealed by the vault. */
  appSecretSealed: z.string().optional(),
  /** The same in clear, only in files written before schema version 2; sealed (and removed) at start. */
  appSecret: z.string().optional(),
  simulated: z.boolean(),
  createdAt: isoTime,
  readyAt: isoTime.optional(),
  lastSeenAt: isoTime.optional(),
  destroyedAt: isoTime.optional(),
  /** Cost has been written to the ledger up to this instant. */
  accruedUntil: isoTime,
});

export const ledgerEntrySchema = z.object({
  instanceId: z.string(),
  orgId: z.string(),
  projectId: z.string(),
  provider: providerNameSchema,
  gpu: z.string(),
  /** platform:userId of whoever deployed it, or "external". */
  user: z.string(),
  state: z.enum(['running', 'stopped']),
  /** The rate in force over [from, to), in micro-dollars per hour. */
  rateMicrosPerHour: z.number().int(),
  from: isoTime,
  to: isoTime,
  amountMicros: z.number().int(),
});

export const metricSampleSchema = z.object({
  instanceId: z.string(),
  orgId: z.string(),
  at: isoTime,
  gpuUtilPercent: z.number().optional(),
  gpuTempC: z.number().optional(),
  vramUsedGb: z.number().optional(),
  vramTotalGb: z.number().optional(),
});

export type InstanceRecord = z.infer<typeof instanceRecordSchema>;
export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;
export type MetricSample = z.infer<typeof metricSampleSchema>;
export type DeployPhase = (typeof DEPLOY_PHASES)[number];
