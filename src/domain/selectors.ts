// Batch selectors: which instances a batch command acts on. Every given criterion must match; an
// empty selector matches nothing, so "batch destroy" with a typo never means "everything".
import { matchGpuQuery } from './gpus.ts';
import type { InstanceRecord } from './fleet-records.ts';

export interface Selector {
  /** Short ids (i1, i3) typed by the user. */
  ids?: string[];
  /** Project id. */
  projectId?: string;
  gpu?: string;
  provider?: string;
  /** The instance's name (name= at deploy), or its provider-side label. */
  label?: string;
  status?: string;
}

export function isEmptySelector(selector: Selector): boolean {
  return !(selector.ids?.length || selector.projectId || selector.gpu || selector.provider || selector.label || selector.status);
}

export function selectInstances(records: readonly InstanceRecord[], selector: Selector): InstanceRecord[] {
  if (isEmptySelector(selector)) return [];
  const ids = selector.ids?.map((id) => id.toLowerCase());
  const gpuNames = selector.gpu ? new Set(matchGpuQuery(selector.gpu).map((gpu) => gpu.name)) : undefined;
  const label = selector.label?.toLowerCase();
  return records.filter(
    (record) =>
      (!ids?.length || ids.includes(record.id)) &&
      (!selector.projectId || record.projectId === selector.projectId) &&
      (!gpuNames || gpuNames.has(record.gpu) || record.gpu.toLowerCase() === selector.gpu!.toLowerCase()) &&
      (!selector.provider || record.provider === selector.provider) &&
      (!label || record.name.toLowerCase() === label || record.label.toLowerCase() === label) &&
      (!selector.status || record.status === selector.status),
  );
}

/** Describes a selector in words for the confirmation: "project ml, gpu 4090, status running". */
export function describeSelector(selector: Selector, projectName?: string): string {
  const parts: string[] = [];
  if (selector.ids?.length) parts.push(selector.ids.join(', '));
  if (selector.projectId) parts.push(`project ${projectName ?? selector.projectId}`);
  if (selector.gpu) parts.push(`gpu ${selector.gpu}`);
  if (selector.provider) parts.push(`provider ${selector.provider}`);
  if (selector.label) parts.push(`label ${selector.label}`);
  if (selector.status) parts.push(`status ${selector.status}`);
  return parts.join(', ');
}
