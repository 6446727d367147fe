// How Vast shows an instance: its offer's machine fields plus status, SSH, ports, costs and metrics;
// one instance, or a keyset page of them.
import { gpuMetrics, perHourNow, type SimInstance } from './lifecycle.ts';
import type { Market } from './market.ts';
import { round } from './random.ts';
import { vastPrices } from './vast-catalogue.ts';
import { isRecord, type Answer, type RequestContext } from './http.ts';
import { matches, parseVastSearch, sortRows } from './vast-query.ts';

const PAGE_SIZE = 25;

/** Vast's error body: `success: false`, a machine-readable `error` and a readable `msg`. */
export const vastFail = (status: number, error: string, msg: string, extra: Record<string, unknown> = {}): Answer => ({ status, json: { success: false, error, msg, ...extra } });

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

export function instanceOr404(market: Market, context: RequestContext): SimInstance | Answer {
  const instance = market.find('vast', context.params.id!);
  return instance ?? vastFail(404, 'no_such_instance', `Instance ${context.params.id} does not exist or is not yours.`);
}

/** GET /api/v1/instances/: filtered, ordered, 25 a page with an opaque `next_token` (docs/providers.md §1.4). */
export function pageOfInstances({ market }: { market: Market }, context: RequestContext): Answer {
  const readJson = (name: string): unknown => {
    const raw = context.query.get(name);
    if (raw === null) return undefined;
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  };
  const rawLimit = Number(readJson('limit') ?? PAGE_SIZE);
  const limit = !Number.isFinite(rawLimit) || rawLimit <= 0 ? 5 : Math.min(PAGE_SIZE, Math.floor(rawLimit));
  const filters = readJson('select_filters');
  const stored = new Set(['id', 'label', 'actual_status', 'intended_status', 'cur_state', 'next_state', 'machine_id', 'host_id', 'image_uuid', 'gpu_name']);
  let rows = market.list('vast').map((instance) => renderVastInstance(market, instance));
  if (isRecord(filters)) {
    const computed = Object.keys(filters).find((field) => !stored.has(field));
    if (computed) return vastFail(400, 'invalid_args', `select_filters: column "${computed}" is computed and cannot be filtered; filter on stored columns such as actual_status or label`);
    const search = parseVastSearch(filters);
    rows = rows.filter((row) => matches(row, search));
  }
  const orderBy = readJson('order_by');
  const order: [string, 'asc' | 'desc'][] = Array.isArray(orderBy) && isRecord(orderBy[0]) ? [[String(orderBy[0].col ?? 'id'), orderBy[0].dir === 'desc' ? 'desc' : 'asc']] : [['id', 'asc']];
  sortRows(rows, order);
  const labelCounts: Record<string, number> = {};
  for (const row of rows) labelCounts[String(row.label ?? '')] = (labelCounts[String(row.label ?? '')] ?? 0) + 1;
  const after = context.query.get('after_token');
  let start = 0;
  if (after) {
    const index = Number(Buffer.from(after, 'base64url').toString('utf8'));
    if (!Number.isInteger(index) || index < 0) return vastFail(400, 'invalid_args', 'after_token is not a token from a previous page');
    start = index;
  }
  const page = rows.slice(start, start + limit);
  const next = start + limit < rows.length ? Buffer.from(String(start + limit)).toString('base64url') : null;
  return { status: 200, json: { success: true, instances_found: page.length, total_instances: rows.length, label_counts: labelCounts, next_token: next, instances: page } };
}
