import { defineCommand, opt } from '#core/command.ts';
import type { InstanceView } from '#domain/fleet.ts';
import { PROVIDER_NAMES } from '#domain/providers.ts';
import { INSTANCE_STATUSES } from '#domain/instance.ts';
import { formatDuration, formatUsd, usdToMicros } from '#domain/ledger.ts';
import { hasRole } from '#domain/roles.ts';
import { orgInstances } from '#services/fleet/records.ts';
import { findProject } from '#services/projects.ts';
import { perHour, uptime, view } from './shared/fleet-replies.ts';

/** How old the viewer's list is. */
function syncAge(at: Date | undefined, now: Date): string {
  if (!at) return 'Not checked with the providers since ComputeHub started; the next sync will.';
  const ms = Math.max(0, now.getTime() - at.getTime());
  return `As of the last sync, ${ms < 60_000 ? `${Math.round(ms / 1000)} s` : formatDuration(ms)} ago`;
}

/** What it bills now: the running price, or the disk price while stopped. */
function rateNow(instance: InstanceView): string {
  if (instance.status === 'stopped' || instance.status === 'exited') return instance.stoppedPricePerHour ? `${perHour(instance.stoppedPricePerHour)} disk` : '-';
  return instance.destroyedAt ? '-' : perHour(instance.pricePerHour);
}

export const instances = defineCommand({
  name: 'instances',
  summary: 'List your instances on every provider: status, GPU, $/h, uptime, cost, SSH',
  description:
    'One list across Vast.ai, RunPod, Lambda and TensorDock. For devs and admins it is refreshed from the providers first; viewers see the last sync (its age is shown). Machines created outside ComputeHub show as external. Destroyed ones show with status=terminated.',
  examples: ['instances', 'instances provider=vast status=running', 'instances project=ml --json'],
  options: {
    provider: opt.choice(PROVIDER_NAMES, 'only this provider', { complete: 'provider' }),
    project: opt.string('only this project', { complete: 'project' }),
    status: opt.choice([...INSTANCE_STATUSES, 'requested'] as const, 'only this status'),
  },
  role: 'viewer',
  mutating: false,
  tier: 'free',
  async run(context) {
    const { options: o, services, orgId } = context;
    // Only those who may act on the fleet make every provider be called; viewers read the last sync.
    const report = hasRole(context.role, 'dev') ? await services.fleet.sync([orgId]) : undefined;
    const last = services.fleet.lastSync(orgId);
    const failed = report?.failed ?? last?.failed ?? [];
    const asOf = report ? undefined : syncAge(last?.at, services.now());
    const data = services.db.data;
    const projectId = o.project ? findProject(data, orgId, o.project).id : undefined;
    const records = orgInstances(data, orgId).filter(
      (record) =>
        (o.status ? record.status === o.status : !record.destroyedAt) &&
        (!o.provider || record.provider === o.provider) &&
        (!projectId || record.projectId === projectId),
    );
    const views = records.map((record) => view(context, record));
    const idleDisks = views.filter((instance) => (instance.status === 'stopped' || instance.status === 'exited') && (instance.stoppedPricePerHour ?? 0) > 0);
    const warnings = idleDisks.map((instance) => `${instance.id} is ${instance.status} but its disk still bills ${perHour(instance.stoppedPricePerHour!)}; destroy it if you no longer need it.`);
    const pending = views.filter((instance) => instance.phase === 'cleanup-pending').map((instance) => `${instance.id}: clean-up pending on ${instance.provider}. ${instance.failure ?? ''}`.trim());
    const unreachable = failed.map((failure) => `${failure.provider} could not be reached (${failure.error}); its rows are as last seen.`);
    const lastSync = last ? last.at.toISOString() : null;
    if (views.length === 0) {
      return { kind: 'info', text: ['No instances match. Rent one with: deploy gpu=4090 template=pytorch', ...unreachable].join('\n'), ...(asOf && { footer: asOf }), data: { instances: [], lastSync } };
    }
    return {
      kind: 'info',
      title: `${views.length} instance${views.length === 1 ? '' : 's'}`,
      table: {
        columns: [
          { header: 'ID' },
          { header: 'Name' },
          { header: 'Provider' },
          { header: 'GPU' },
          { header: 'Status' },
          { header: '$/h', align: 'right' },
          { header: 'Uptime', align: 'right' },
          { header: 'Cost', align: 'right' },
          { header: 'SSH' },
        ],
        rows: views.map((instance) => [
          instance.id,
          instance.name + (instance.external ? ' (external)' : ''),
          instance.provider,
          `${instance.gpuCount}× ${instance.gpu}`,
          instance.phase === 'cleanup-pending' ? 'cleanup-pending' : instance.status,
          rateNow(instance),
          uptime(instance),
          formatUsd(usdToMicros(instance.costUsd)),
          instance.ssh?.command ?? '-',
        ]),
      },
      ...((pending.length || warnings.length || unreachable.length) && { text: [...pending, ...warnings, ...unreachable].join('\n') }),
      footer: [asOf, 'Details and app URLs: ssh <id>', ...(views.some((instance) => instance.simulated) ? ['simulated providers'] : [])].filter(Boolean).join(' · '),
      data: { instances: views, lastSync },
    };
  },
});
