// The database file's shape: the state (orgs, members, keys, instances, ...). The growing series
// (audit log, metrics, closed ledger entries) live in append-only day files (series-set.ts). Bump
// SCHEMA_VERSION and add a migration in migrations.ts whenever a change would not load an older
// file; sections added with a default need no migration.
import { z } from 'zod';
import { providerNameSchema } from '#domain/providers.ts';
import { ROLES } from '#domain/roles.ts';
import { pendingConfirmationSchema } from './confirmation-schema.ts';
import { automationSchema, emptyAutomation } from './automation-schema.ts';
import { alertsSchema, emptyAlertsStore, notifyChannelSchema } from './alerts-schema.ts';
import { digestRecordSchema } from './digest-schema.ts';
import { instanceRecordSchema, ledgerEntrySchema, orgTemplateSchema, projectChoiceSchema } from './fleet-schema.ts';

export const SCHEMA_VERSION = 3;

const isoTime = z.string().datetime({ offset: true });

export const orgSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: isoTime,
  defaultProjectId: z.string(),
  /** platform:userId of whoever created it; absent for the default org. */
  createdBy: z.string().optional(),
});

export const projectSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  name: z.string(),
  createdAt: isoTime,
});

export const memberSchema = z.object({
  orgId: z.string(),
  platform: z.string(),
  userId: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  addedAt: isoTime,
});

/** The org a person acts in where no bound channel decides (direct messages, unbound channels). */
export const orgChoiceSchema = z.object({ platform: z.string(), userId: z.string(), orgId: z.string() });

export const channelBindingSchema = z.object({
  platform: z.string(),
  channelId: z.string(),
  orgId: z.string(),
  projectId: z.string(),
  boundAt: isoTime,
  boundBy: z.string(),
});

export const auditEntrySchema = z.object({
  id: z.number().int(),
  at: isoTime,
  orgId: z.string(),
  actor: z.object({ platform: z.string(), userId: z.string(), displayName: z.string() }),
  command: z.string(),
  /** The command line with secret values replaced by ***. */
  args: z.string(),
  result: z.enum(['ok', 'refused', 'error', 'awaiting-confirmation']),
  message: z.string().optional(),
});

export const licenceRecordSchema = z.object({
  /** The licence key, sealed by the vault. */
  keySealed: z.string().optional(),
  /** The key in clear, only in files written before schema version 2; sealed (and removed) at start. */
  key: z.string().optional(),
  activatedAt: isoTime,
  activatedBy: z.string(),
});

export const providerKeySchema = z.object({
  orgId: z.string(),
  provider: providerNameSchema,
  /** The API key, sealed by the vault (never stored in clear). */
  keySealed: z.string(),
  /** The last four characters, to tell keys apart in `provider list`. */
  keyHint: z.string(),
  account: z.string().optional(),
  addedBy: z.string(),
  addedAt: isoTime,
  lastVerifiedAt: isoTime.optional(),
});

export const dbSchema = z.object({
  version: z.literal(SCHEMA_VERSION),
  orgs: z.array(orgSchema),
  projects: z.array(projectSchema),
  members: z.array(memberSchema),
  channels: z.array(channelBindingSchema).default([]),
  licence: licenceRecordSchema.nullable().default(null),
  providerKeys: z.array(providerKeySchema).default([]),
  instances: z.array(instanceRecordSchema).default([]),
  /** Next short instance number per org (i1, i2, ...); numbers are never reused. */
  instanceCounters: z.record(z.string(), z.number().int()).default({}),
  /** Ledger entries not yet moved to the ledger series: each instance's open one, and closed ones about to move. */
  ledger: z.array(ledgerEntrySchema).default([]),
  /** Per "orgId/instanceId", the micro-dollars of its entries already in the ledger series. */
  sealedLedgerMicros: z.record(z.string(), z.number().int()).default({}),
  templates: z.array(orgTemplateSchema).default([]),
  projectChoices: z.array(projectChoiceSchema).default([]),
  orgChoices: z.array(orgChoiceSchema).default([]),
  confirmations: z.array(pendingConfirmationSchema).default([]),
  /** Pro automation: rules, watches, rule state. */
  automation: automationSchema.default(emptyAutomation),
  /** Where alerts go (`notify add`): chat channels, email addresses, webhooks. */
  notifyChannels: z.array(notifyChannelSchema).default([]),
  /** The alert pipeline: grouping state and silences, the delivery outbox, dead letters, chat messages posted. */
  alerts: alertsSchema.default(emptyAlertsStore),
  /** Scheduled digests (cost, events, money leaks) posted to the chat each was added in. */
  digests: z.array(digestRecordSchema).default([]),
  /** The highest digest number given per org, so a removed digest's id is never given again. */
  digestCounters: z.record(z.string(), z.number().int()).default({}),
});

export type Database = z.infer<typeof dbSchema>;
export type Org = z.infer<typeof orgSchema>;
export type Project = z.infer<typeof projectSchema>;
export type Member = z.infer<typeof memberSchema>;
export type OrgChoice = z.infer<typeof orgChoiceSchema>;
export type ChannelBinding = z.infer<typeof channelBindingSchema>;
export type AuditEntry = z.infer<typeof auditEntrySchema>;
export type ProviderKey = z.infer<typeof providerKeySchema>;

export const DEFAULT_ORG_ID = 'default';
export const DEFAULT_PROJECT_ID = 'default';

export function emptyDatabase(now: Date): Database {
  const at = now.toISOString();
  return {
    version: SCHEMA_VERSION,
    orgs: [{ id: DEFAULT_ORG_ID, name: 'Default', createdAt: at, defaultProjectId: DEFAULT_PROJECT_ID }],
    projects: [{ id: DEFAULT_PROJECT_ID, orgId: DEFAULT_ORG_ID, name: 'default', createdAt: at }],
    members: [],
    channels: [],
    licence: null,
    providerKeys: [],
    instances: [],
    instanceCounters: {},
    ledger: [],
    sealedLedgerMicros: {},
    templates: [],
    projectChoices: [],
    orgChoices: [],
    confirmations: [],
    automation: emptyAutomation(),
    notifyChannels: [],
    alerts: emptyAlertsStore(),
    digests: [],
    digestCounters: {},
  };
}
