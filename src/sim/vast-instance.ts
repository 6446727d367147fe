// How Vast shows an instance: its offer's machine fields plus status, SSH, ports, costs and metrics.
import { gpuMetrics, perHourNow, type SimInstance } from './lifecycle.ts';
import type { Market } from './market.ts';
import { round } from './random.ts';
import { vastPrices } from './vast-catalogue.ts';

/** An instance as Vast's show/list endpoints return it (docs/providers.md §1.4); ports only while running. */
export function renderVastInstance(market: Market, instance: SimInstance): Record<string, unknown> {
  const now = market.clock.now();
  const offer = market.vastOffersById.get(instance.details.offerId as number)!;
  const running = instance.phase === 'running';
  const stoppedByUser = instance.phase === 'stopped' || instance.phase === 'outbid';
  const actual = { pending: null, created: 'created', loading: 'loading', running: 'running', rebooting: 'rebooting', stopping: 'stopped', stopped: 'stopped', outbid: 'stopped', crashed: 'exited', terminating: 'stopped', terminated: 'stopped', gone: 'stopped' }[instance.phase];
  const contract = stoppedByUser ? 'stopped' : 'running';
  const metrics = running ? gpuMetrics(instance, now) : undefined;
  const sshPort = 20_000 + (instance.key % 40_000);
  const storagePrices = vastPrices(offer, now, instance.diskGb);
  return {
    ...offer.fixed,
    id: Number(instance.id),
    label: instance.name || null,
    actual_status: actual,
    intended_status: stoppedByUser ? 'stopped' : 'running',
    cur_state: contract,
    next_state: contract,
    status_msg: statusMessage(instance),
    image_uuid: instance.image,
    image_args: Array.isArray(instance.details.args) ? instance.details.args : [],
    image_runtype: instance.details.runtype,
    extra_env: instance.details.extraEnv,
    onstart: instance.startScript ?? null,
    jupyter_token: `sim${instance.key.toString(16)}`,
    template_id: null,
    template_hash_id: null,
    gpu_totalram: offer.fixed.gpu_total_ram,
    disk_space: instance.diskGb,
    disk_usage: running ? round(Math.min(instance.diskGb, 4 + instance.diskGb * 0.2), 1) : null,
    disk_util: running ? round(Math.min(1, (4 + instance.diskGb * 0.2) / instance.diskGb), 3) : null,
    gpu_util: metrics ? metrics.util : null,
    gpu_temp: metrics ? metrics.temp : null,
    vmem_usage: metrics ? round((instance.vramGb * metrics.memoryUtil) / 100, 2) : null,
    cpu_util: metrics ? round(metrics.cpuUtil / 100, 2) : null,
    mem_usage: metrics ? round(((offer.fixed.cpu_ram as number) / 1024) * (offer.numGpus / offer.machine.totalGpus) * (metrics.memUtil / 100), 1) : null,
    mem_limit: round(((offer.fixed.cpu_ram as number) / 1024) * (offer.numGpus / offer.machine.totalGpus), 1),
    public_ipaddr: offer.machine.ip,
    local_ipaddrs: `${instance.privateIp} 172.17.0.1`,
    ssh_host: `sim-ssh${1 + (instance.key % 9)}.vast.ai`,
    ssh_port: sshPort,
    ssh_idx: String(1 + (instance.key % 9)),
    machine_dir_ssh_port: sshPort + 1,
    direct_port_start: instance.publicPorts[22] ? Math.min(...Object.values(instance.publicPorts)) : null,
    direct_port_end: instance.publicPorts[22] ? Math.max(...Object.values(instance.publicPorts)) : null,
    ...(running ? { ports: Object.fromEntries(instance.ports.map((entry) => [`${entry.port}/tcp`, [{ HostIp: '0.0.0.0', HostPort: String(instance.publicPorts[entry.port]) }]])) } : {}),
    dph_base: instance.computePerHour,
    dph_total: round(instance.computePerHour + instance.storagePerHour, 5),
    storage_total_cost: instance.storagePerHour,
    min_bid: storagePrices.min_bid,
    is_bid: instance.interruptible,
    credit_balance: null,
    credit_discount: null,
    search: storagePrices.search,
    instance: { gpuCostPerHour: instance.computePerHour, diskHour: instance.storagePerHour, totalHour: perHourNow(instance), discountTotalHour: 0, discountedTotalPerHour: perHourNow(instance) },
    start_date: instance.createdAt / 1000,
    end_date: offer.fixed.end_date,
    uptime_mins: instance.runningSince !== undefined && running ? round((now - instance.runningSince) / 60_000, 1) : 0,
    time_remaining: '',
    volume_info: null,
    total_cost_usd: round(instance.costMicros / 1e6, 6),
  };
}

function statusMessage(instance: SimInstance): string {
  switch (instance.phase) {
    case 'pending':
    case 'created':
      return 'Creating container on simulated host';
    case 'loading':
      return `Pulling image ${instance.image}`;
    case 'running':
      return `success, running ${instance.image}`;
    case 'rebooting':
      return 'Rebooting container';
    case 'outbid':
      return 'Instance stopped: outbid by a higher bid on this machine';
    case 'crashed':
      return 'Container exited unexpectedly (exit code 137)';
    default:
      return 'Instance stopped';
  }
}
