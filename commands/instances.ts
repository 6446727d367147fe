import { defineCommand, opt } from '../src/core/command.ts';
import type { InstanceView } from '../src/domain/fleet.ts';
import { INSTANCE_STATUSES } from '../src/domain/instance.ts';
import { formatUsd, usdToMicros } from '../src/domain/ledger.ts';
import { orgInstances } from '../src/services/fleet/records.ts';
import { findProject } from '../src/services/projects.ts';
import { perHour, uptime, view } from './fleet-replies.ts';

/** What it bills now: the running price, or the disk price while stopped. */
function rateNow(instance: InstanceView): string {
  if (instance.status === 'stopped' || instance.status === 'exited') return instance.stoppedPricePerHour ? `${perHour(instance.stoppedPricePerHour)} disk` : '-';
  return instance.destroyedAt ? '-' : perHour(instance.pricePerHour);
}

export const instances = defineCommand({
  name: 'instances',
  summary: 'List your instances on every provider: status, GPU, $/h, uptime, cost, SSH',
  description: 'One list across Vast.ai, RunPod, Lambda and TensorDock, refreshed from the providers first. Machines created outside ComputeHub show as external. Destroyed ones show with status=terminated.',
  examples: ['instances', 'instances provider=vast status=running', 'instances project=ml --json'],
  options: {
    provider: opt.choice(['vast', 'runpod', 'lambda', 'tensordock'] as const, 'only this provider', { complete: 'provider' }),
    project: opt.string('only this project', { complete: 'project' }),
    status: opt.choice([...INSTANCE_STATUSES, 'requested'] as const, 'only this status'),
  },
  role: 'viewer',
  mutating: false,
  tier: 'free',
  async run(context) {
    const { options: o, services, orgId } = context;
    const report = await services.fleet.sync([orgId]);
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
    const unreachable = report.failed.map((failure) => `${failure.provider} could not be reached (${failure.error}); its rows are as last seen.`);
    if (views.length === 0) {
      return { kind: 'info', text: ['No instances match. Rent one with: deploy gpu=4090 template=pytorch', ...unreachable].join('\n'), data: { instances: [] } };
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
          instance.status,
          rateNow(instance),
          uptime(instance),
          formatUsd(usdToMicros(instance.costUsd)),
          instance.ssh?.command ?? '-',
        ]),
      },
      ...((warnings.length || unreachable.length) && { text: [...warnings, ...unreachable].join('\n') }),
      footer: `Details and app URLs: ssh <id>${views.some((instance) => instance.simulated) ? ' · simulated providers' : ''}`,
      data: { instances: views },
    };
  },
});
