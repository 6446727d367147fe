// The database file's shape. Bump SCHEMA_VERSION and add a migration in migrations.ts whenever a
// change would not load an older file; sections added with a default need no migration.
import { z } from 'zod';
import { ROLES } from '../domain/roles.ts';

export const SCHEMA_VERSION = 1;

const isoTime = z.string().datetime({ offset: true });

export const orgSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: isoTime,
  defaultProjectId: z.string(),
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
  key: z.string(),
  activatedAt: isoTime,
  activatedBy: z.string(),
});

export const dbSchema = z.object({
  version: z.literal(SCHEMA_VERSION),
  orgs: z.array(orgSchema),
  projects: z.array(projectSchema),
  members: z.array(memberSchema),
  channels: z.array(channelBindingSchema).default([]),
  audit: z.array(auditEntrySchema).default([]),
  licence: licenceRecordSchema.nullable().default(null),
});

export type Database = z.infer<typeof dbSchema>;
export type Org = z.infer<typeof orgSchema>;
export type Project = z.infer<typeof projectSchema>;
export type Member = z.infer<typeof memberSchema>;
export type ChannelBinding = z.infer<typeof channelBindingSchema>;
export type AuditEntry = z.infer<typeof auditEntrySchema>;

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
    audit: [],
    licence: null,
  };
}
