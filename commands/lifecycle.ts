// start, stop, restart, destroy <id>. A provider that cannot do it answers with its reason and a
// button for the alternative (Lambda cannot stop: destroy instead).
import { UnsupportedError } from '#providers/errors.ts';
import { defineCommand, opt, type CommandContext } from '#core/command.ts';
import type { Reply } from '#core/reply.ts';
import { formatUsd, usdToMicros } from '#domain/ledger.ts';
import { findInstance } from '#services/fleet/records.ts';
import type { LifecycleAction } from '#services/fleet/lifecycle.ts';
import { perHour, summaryFields, view } from './shared/fleet-replies.ts';

const options = { id: opt.string('instance id from instances, e.g. i3', { required: true, positional: true, complete: 'instance' }) };

/** The unsupported-operation answer, with the provider's alternative as a button when it is destroy. */
function unsupported(error: UnsupportedError, id: string): Reply {
  return {
    kind: 'error',
    text: error.message,
    ...(/destroy|terminate/i.test(error.message) && { buttons: [{ label: `Destroy ${id} instead`, command: `destroy ${id}`, style: 'danger' as const }] }),
  };
}

async function act(context: CommandContext<typeof options>, action: LifecycleAction): Promise<Reply> {
  const { services } = context;
  const record = findInstance(services.db.data, context.orgId, context.options.id);
  try {
    const result = await services.fleet.apply(record, action);
    const instance = view(context, result.record);
    return { kind: 'success', text: result.message, fields: summaryFields(instance), data: instance };
  } catch (error) {
    if (error instanceof UnsupportedError) return unsupported(error, record.id);
    throw error;
  }
}

function lifecycleCommand(action: Exclude<LifecycleAction, 'destroy'>, summary: string) {
  return defineCommand({
    name: action,
    summary,
    examples: [`${action} i3`],
    options,
    role: 'dev',
    mutating: true,
    tier: 'free',
    run: (context) => act(context, action),
  });
}

export const start = lifecycleCommand('start', 'Start a stopped instance again');
export const stop = lifecycleCommand('stop', 'Stop an instance: the GPU is released, the disk is kept (and may still bill)');
export const restart = lifecycleCommand('restart', 'Restart an instance');

export const destroy = defineCommand({
  name: 'destroy',
  summary: 'Destroy an instance for good: all billing stops, its data is lost',
  examples: ['destroy i3'],
  options,
  role: 'dev',
  mutating: true,
  tier: 'free',
  confirm(context) {
    const { services } = context;
    const record = findInstance(services.db.data, context.orgId, context.options.id);
    services.fleet.check(record, 'destroy');
    // Confirm destroys this record, even if another instance takes its name later.
    context.options.id = record.id;
    const instance = view(context, record);
    return {
      kind: 'confirm',
      title: `Destroy ${instance.id} (${instance.name}) on ${instance.provider}?`,
      text: `It is ${instance.status} at ${perHour(instance.pricePerHour)} and has cost ${formatUsd(usdToMicros(instance.costUsd))} so far. Its disk and everything on it are deleted; this cannot be undone.${instance.external ? ' It was not created by ComputeHub.' : ''}`,
      fields: summaryFields(instance),
      data: instance,
    };
  },
  run: (context) => act(context, 'destroy'),
});
