// How instances look in replies, shared by deploy, instances, ssh, the lifecycle commands and batch.
import type { CommandContext, OptionSpecs } from '#core/command.ts';
import type { Field, Reply } from '#core/reply.ts';
import { PHASE_TEXT, type InstanceView } from '#domain/fleet.ts';
import { formatDuration, formatUsd, usdToMicros } from '#domain/ledger.ts';
import type { InstanceRecord } from '#store/fleet-schema.ts';
import { DEPLOY_PHASES } from '#store/fleet-schema.ts';
import { viewOf } from '#services/fleet/records.ts';
import { currentProjectId } from '#services/projects.ts';

export const perHour = (usd: number) => `${formatUsd(usdToMicros(usd))}/h`;

export function view(context: CommandContext<OptionSpecs>, record: InstanceRecord): InstanceView {
  return viewOf(context.services.db.data, record, context.services.now().getTime());
}

/** The project the person is working in (project use), else the channel's or org's default. */
export function currentProject(context: CommandContext<OptionSpecs>): string {
  return currentProjectId(context.services.db.data, {
    orgId: context.orgId,
    platform: context.actor.platform,
    userId: context.actor.userId,
    fallback: context.projectId ?? 'default',
  });
}

export function describePorts(instance: InstanceView): string | undefined {
  const ports = instance.ports.filter((port) => port.containerPort !== 22);
  if (ports.length === 0) return undefined;
  return ports.map((port) => `${port.containerPort}/${port.protocol} → ${port.tunnel ? `localhost:${port.containerPort} over the SSH tunnel` : (port.url ?? `${port.host}:${port.hostPort}`)}`).join('\n');
}

// Only Lambda marks ports as tunnelled: its account firewall opens just TCP 22 unless the user changes it.
const TUNNEL_REASON = "Lambda's firewall only opens SSH, so these ports are reached through this tunnel; open them on the Firewall page of the Lambda dashboard to use them directly.";

/** SSH, ports and app URLs: what someone needs to use the machine. */
export function accessFields(instance: InstanceView): Field[] {
  const fields: Field[] = [];
  const ports = describePorts(instance);
  if (ports) fields.push({ name: 'Ports', value: ports });
  if (instance.tunnelCommand) fields.push({ name: 'SSH tunnel', value: `${instance.tunnelCommand}\n${TUNNEL_REASON}` });
  if (instance.apps.length) fields.push({ name: 'Apps', value: instance.apps.map((app) => `${app.app}: ${app.url}`).join('\n') });
  return fields;
}

export function summaryFields(instance: InstanceView): Field[] {
  return [
    { name: 'GPU', value: `${instance.gpuCount}× ${instance.gpu}`, inline: true },
    { name: 'Provider', value: `${instance.provider}${instance.simulated ? ' (simulated)' : ''}`, inline: true },
    { name: 'Price', value: perHour(instance.pricePerHour) + (instance.interruptible ? ' (interruptible bid)' : ''), inline: true },
    { name: 'Project', value: instance.project, inline: true },
    { name: 'Status', value: instance.status, inline: true },
    { name: 'Cost so far', value: formatUsd(usdToMicros(instance.costUsd)), inline: true },
  ];
}

/** The deploy's one message: each phase ticked off as it passes. */
export function progressReply(instance: InstanceView): Reply {
  const current = instance.phase ?? 'requested';
  const reached = DEPLOY_PHASES.indexOf(current);
  const steps = DEPLOY_PHASES.filter((phase) => phase !== 'failed' && phase !== 'cleanup-pending').map((phase, index) => {
    const mark = index < reached || current === 'ready' ? '✓' : index === reached ? '…' : ' ';
    return `${mark} ${PHASE_TEXT[phase]}`;
  });
  return {
    kind: 'info',
    title: `Deploying ${instance.id} (${instance.name}): ${instance.gpuCount}× ${instance.gpu} on ${instance.provider}, ${perHour(instance.pricePerHour)}`,
    text: steps.join('\n'),
    data: instance,
  };
}

export function readyReply(instance: InstanceView): Reply {
  return {
    kind: 'success',
    title: `${instance.id} is ready: ${instance.gpuCount}× ${instance.gpu} on ${instance.provider}, ${perHour(instance.pricePerHour)}`,
    ...(instance.ssh && { code: instance.ssh.command }),
    fields: [...accessFields(instance), ...summaryFields(instance)],
    footer: `Stop it with: stop ${instance.id} · destroy with: destroy ${instance.id}${instance.simulated ? ' · simulated' : ''}`,
    data: instance,
  };
}

export function failedReply(instance: InstanceView): Reply {
  const retry = `Try another offer: prices gpu=${instance.gpu.replace(/\s+/g, '')}`;
  if (instance.phase === 'cleanup-pending') {
    // Nobody knows yet whether a machine bills: say so, never "nothing is left".
    return { kind: 'error', title: `Deploy ${instance.id} failed; clean-up pending`, text: `${instance.failure ?? 'The deploy did not finish.'}\nSee where it stands with: instances. ${retry}`, data: instance };
  }
  return {
    kind: 'error',
    title: `Deploy ${instance.id} failed`,
    text: `${instance.failure ?? 'The deploy did not finish.'}\nNothing is left running or billing from it. ${retry}`,
    data: instance,
  };
}

export function uptime(instance: InstanceView): string {
  return instance.destroyedAt || instance.status === 'running' ? formatDuration(instance.uptimeSeconds * 1000) : '-';
}
