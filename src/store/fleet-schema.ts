// Store sections of the fleet and billing: instances (ours and external), the cost ledger, GPU
// metric samples, org templates and per-member project choice. Each has a default in schema.ts so
// files written before these sections existed still load.
import { z } from 'zod';
import { isoTime } from '#domain/fleet-records.ts';
import { templateSchema } from '#domain/templates.ts';

// Instance records, ledger entries and metric samples are domain shapes (src/domain works on them); the store keeps them.
export {
  DEPLOY_PHASES,
  instanceRecordSchema,
  ledgerEntrySchema,
  metricSampleSchema,
  type DeployPhase,
  type InstanceRecord,
  type LedgerEntry,
  type MetricSample,
} from '#domain/fleet-records.ts';

export const orgTemplateSchema = z.object({ orgId: z.string(), addedBy: z.string(), addedAt: isoTime, template: templateSchema });

export const projectChoiceSchema = z.object({ orgId: z.string(), platform: z.string(), userId: z.string(), projectId: z.string() });

export type OrgTemplate = z.infer<typeof orgTemplateSchema>;
export type ProjectChoice = z.infer<typeof projectChoiceSchema>;
