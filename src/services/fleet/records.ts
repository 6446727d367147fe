// Reading the fleet's store sections: find an instance by what a user typed, allocate short ids,
// look up templates and projects, and build the one instance view.
import { UserError } from '#core/errors.ts';
import { instanceView, type InstanceView } from '#domain/fleet.ts';
import { appLinks, secretVariables, templateCatalogue, usesSecret, type AppLink, type Template } from '#domain/templates.ts';
import { appSecretPurpose } from '#store/seal-secrets.ts';
import type { Vault } from '#store/vault.ts';
import type { Database } from '#store/schema.ts';
import type { InstanceRecord } from '#store/fleet-schema.ts';
import { instanceCostMicros } from '#store/series-ledger.ts';

/** i1, i2, ... per org; the counter only grows, so an id is never reused. */
export function allocateInstanceId(data: Database, orgId: string): string {
  const next = (data.instanceCounters[orgId] ?? 0) + 1;
  data.instanceCounters[orgId] = next;
  return `i${next}`;
}

export function orgInstances(data: Database, orgId: string): InstanceRecord[] {
  return data.instances.filter((record) => record.orgId === orgId);
}

/** By short id, then by name, then by the provider's id. */
export function findInstance(data: Database, orgId: string, reference: string): InstanceRecord {
  const wanted = reference.trim().toLowerCase();
  const records = orgInstances(data, orgId);
  const found =
    records.find((record) => record.id === wanted) ??
    records.find((record) => record.destroyedAt === undefined && record.name.toLowerCase() === wanted) ??
    records.find((record) => record.providerInstanceId?.toLowerCase() === wanted);
  if (!found) throw new UserError(`There is no instance '${reference}' in this org. List them with: instances`);
  return found;
}

export function orgTemplates(data: Database, orgId: string): Template[] {
  return templateCatalogue(data.templates.filter((entry) => entry.orgId === orgId).map((entry) => entry.template));
}

export function findTemplate(data: Database, orgId: string, id: string): Template {
  const templates = orgTemplates(data, orgId);
  const found = templates.find((template) => template.id === id.toLowerCase());
  if (!found) throw new UserError(`There is no template '${id}'. Templates: ${templates.map((template) => template.id).join(', ')}. See: template list`);
  return found;
}

export function projectName(data: Database, projectId: string): string {
  return data.projects.find((project) => project.id === projectId)?.name ?? projectId;
}

function templateOf(data: Database, record: InstanceRecord): Template | undefined {
  return record.templateId ? orgTemplates(data, record.orgId).find((candidate) => candidate.id === record.templateId) : undefined;
}

/** The instance's app secret, opened from the vault; undefined when it has none. */
export function openAppSecret(vault: Vault, record: InstanceRecord): string | undefined {
  if (record.appSecretSealed) return vault.open(appSecretPurpose(record.orgId, record.id), record.appSecretSealed);
  return record.appSecret;
}

/** What only devs and admins get, privately: the app links carrying the secret, and the secret. */
export interface AppAccess {
  apps: AppLink[];
  secret: string;
  /** Environment variables through which the app reads it (e.g. VLLM_API_KEY). */
  variables: string[];
}

/** Whether the instance's app is protected by a secret someone may need (without opening it). */
export function hasAppSecret(data: Database, record: InstanceRecord): boolean {
  const template = templateOf(data, record);
  return Boolean(template && usesSecret(template) && !record.destroyedAt && (record.appSecretSealed ?? record.appSecret));
}

export function appAccess(data: Database, vault: Vault, record: InstanceRecord): AppAccess | undefined {
  const template = templateOf(data, record);
  if (!template || !hasAppSecret(data, record)) return undefined;
  const secret = openAppSecret(vault, record)!;
  return { apps: appLinks(template, record.ports, secret), secret, variables: secretVariables(template) };
}

export function viewOf(data: Database, record: InstanceRecord, nowMs: number): InstanceView {
  const template = templateOf(data, record);
  return instanceView(record, { projectName: projectName(data, record.projectId), template, costMicros: instanceCostMicros(data, record.orgId, record.id), nowMs });
}
