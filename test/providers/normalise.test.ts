// The pure normalisation functions against fixtures built from the documented field lists
// (the examples in docs/providers.md and the providers' public documentation), independent of the simulator.
import { describe, expect, it } from 'vitest';
import { parseVastInstance, parseVastOffer, vastFault } from '#providers/vast-parse.ts';
import { parseRunpodDataCenters, parseRunpodGpuType, parseRunpodOfferId, parseRunpodPod, runpodFault, RUNPOD_DISK_USD_PER_GB_MONTH } from '#providers/runpod-parse.ts';
import { lambdaFault, lambdaPortTags, parseLambdaGpuDescription, parseLambdaInstance, parseLambdaInstanceTypes } from '#providers/lambda-parse.ts';
import {
  parseTensordockInstance,
  parseTensordockLocations,
  parseTensordockOfferId,
  tensordockFault,
  tensordockForwards,
  tensordockStatus,
} from '#providers/tensordock-parse.ts';
import { cloudConfigUserData, containerBootScript } from '#providers/cloud-init.ts';
import { countryCode } from '#providers/countries.ts';
import type { LaunchSpec } from '#providers/types.ts';

const at = '2026-11-27T00:00:00.000Z';
const live = { fetchedAt: at, simulated: false };

describe('Vast.ai', () => {
  const offer = {
    id: 21876543, num_gpus: 1, gpu_name: 'RTX 4090', gpu_ram: 24564, cpu_cores: 64, cpu_cores_effective: 16.0,
    cpu_ram: 257823, disk_space: 512.3, inet_up: 852.1, inet_down: 904.7, dph_base: 0.35, storage_total_cost: 0.001,
    dph_total: 0.351, min_bid: 0.21, reliability: 0.9953, reliability2: 0.9953, geolocation: 'Oregon, US', cuda_max_good: 12.8,
  };

  it('turns an offer into the common shape: MB → GB, host RAM share, country from the location', () => {
    const parsed = parseVastOffer(offer, { ...live, interruptible: false })!;
    expect(parsed).toMatchObject({
      provider: 'vast', offerId: '21876543', gpu: 'RTX 4090', gpuRaw: 'RTX 4090', gpuCount: 1, vramGb: 24,
      pricePerHour: 0.351, pricePerGpuHour: 0.351, interruptible: false, region: 'Oregon, US', country: 'US',
      reliability: 0.9953, vcpus: 16, diskGb: 512.3, cudaVersion: 12.8, priceBreakdown: { gpu: 0.35, disk: 0.001 },
    });
    expect(parsed.ramGb).toBeCloseTo((257823 * 16) / 64 / 1024, 1);
    expect(parsed.minBidPerHour).toBeUndefined();
  });

  it('prices an interruptible offer at the minimum bid plus storage, per GPU for multi-GPU machines', () => {
    const parsed = parseVastOffer({ ...offer, num_gpus: 2, gpu_ram: 81920, gpu_name: 'A100 SXM4' }, { ...live, interruptible: true })!;
    expect(parsed.gpu).toBe('A100 80GB SXM');
    expect(parsed.minBidPerHour).toBe(0.21);
    expect(parsed.pricePerHour).toBe(0.211);
    expect(parsed.pricePerGpuHour).toBe(0.1055);
  });

  it('skips offers without an id, a GPU or a price', () => {
    expect(parseVastOffer({ ...offer, id: undefined }, { ...live, interruptible: false })).toBeUndefined();
    expect(parseVastOffer({ ...offer, dph_total: undefined, dph_base: undefined }, { ...live, interruptible: false })).toBeUndefined();
  });

  const instance = {
    id: 9876543, label: 'train-42', actual_status: 'running', intended_status: 'running', cur_state: 'running',
    status_msg: 'success, running pytorch', image_uuid: 'pytorch/pytorch:latest', image_runtype: 'ssh_direc ssh_proxy',
    num_gpus: 1, gpu_name: 'RTX 4090', gpu_ram: 24564, gpu_util: 87.0, gpu_temp: 64.0, vmem_usage: 18.2,
    disk_space: 40.0, storage_cost: 0.15, public_ipaddr: '203.0.113.42', ssh_host: 'ssh5.vast.ai', ssh_port: 27654,
    ports: { '22/tcp': [{ HostIp: '0.0.0.0', HostPort: '41022' }], '8080/tcp': [{ HostIp: '0.0.0.0', HostPort: '41080' }] },
    dph_total: 0.3521, is_bid: false, start_date: 1767225600.1, geolocation: 'Oregon, US',
  };

  it('reads a running instance: direct SSH from the mapped port 22 (a string), ports, metrics, prices', () => {
    const parsed = parseVastInstance(instance, live)!;
    expect(parsed).toMatchObject({
      providerInstanceId: '9876543', name: 'train-42', status: 'running', rawStatus: 'running', gpu: 'RTX 4090',
      pricePerHour: 0.3521, ssh: { host: '203.0.113.42', port: 41022, user: 'root' }, image: 'pytorch/pytorch:latest',
      metrics: { gpuUtilPercent: 87, gpuTempC: 64, vramUsedGb: 18.2, vramTotalGb: 24 }, createdAt: '2026-01-01T00:00:00.100Z',
    });
    expect(parsed.ports).toEqual([
      { containerPort: 22, protocol: 'tcp', host: '203.0.113.42', hostPort: 41022 },
      { containerPort: 8080, protocol: 'tcp', host: '203.0.113.42', hostPort: 41080, url: 'http://203.0.113.42:41080' },
    ]);
    expect(parsed.stoppedPricePerHour).toBeCloseTo((0.15 * 40) / 730, 6);
  });

  it('falls back to the SSH proxy when no port is mapped, one higher with Jupyter', () => {
    const proxy = parseVastInstance({ ...instance, ports: undefined }, live)!;
    expect(proxy.ssh).toEqual({ host: 'ssh5.vast.ai', port: 27654, user: 'root' });
    const jupyter = parseVastInstance({ ...instance, ports: undefined, image_runtype: 'jupyter_direc ssh_direc ssh_proxy' }, live)!;
    expect(jupyter.ssh?.port).toBe(27655);
  });

  it.each([
    [{ actual_status: null, intended_status: 'running' }, 'creating'],
    [{ actual_status: 'loading', intended_status: 'running' }, 'starting'],
    [{ actual_status: 'running', intended_status: 'stopped' }, 'stopping'],
    [{ actual_status: 'stopped', intended_status: 'stopped', cur_state: 'stopped' }, 'stopped'],
    [{ actual_status: 'stopped', intended_status: 'running' }, 'starting'],
    [{ actual_status: 'exited', intended_status: 'running' }, 'exited'],
    [{ actual_status: 'offline' }, 'unknown'],
    [{ actual_status: 'created', status_msg: 'Error: OCI runtime create failed: bad image' }, 'failed'],
    [{ actual_status: 'stopped', cur_state: 'unloaded' }, 'terminated'],
  ])('status %j → %s', (fields, expected) => {
    expect(parseVastInstance({ id: 1, ...fields }, live)!.status).toBe(expected);
  });

  it('has no SSH or ports until running', () => {
    const loading = parseVastInstance({ ...instance, actual_status: 'loading' }, live)!;
    expect(loading.ssh).toBeUndefined();
    expect(loading.ports).toEqual([]);
  });

  it('recognises errors on 200, plain-text 429s and the 404 "Invalid user key"', () => {
    expect(vastFault({ success: true }, 200)).toBeUndefined();
    expect(vastFault({ success: false, error: 'invalid_price', msg: 'bid too low' }, 200)).toEqual({ code: 'invalid_price', message: 'bid too low' });
    expect(vastFault('API requests too frequent: endpoint threshold=4.5', 429)?.kind).toBe('rate-limit');
    expect(vastFault({ success: false, error: 'no_such_instance', msg: 'Instance 1 not found' }, 404)?.kind).toBe('not-found');
    expect(vastFault({ detail: 'Invalid user key' }, 404)?.kind).toBe('auth');
    expect(vastFault({ success: false, error: 'no_such_ask', msg: 'no longer available' }, 410)?.kind).toBe('no-capacity');
  });
});

describe('RunPod', () => {
  const gpuType = {
    id: 'NVIDIA GeForce RTX 4090', displayName: 'RTX 4090', manufacturer: 'Nvidia', memoryInGb: 24, secureCloud: true,
    communityCloud: true, maxGpuCount: 8, securePrice: 0.69, communityPrice: 0.34, secureSpotPrice: 0.35, communitySpotPrice: 0.2,
    lowestPrice: { minimumBidPrice: 0.2, uninterruptablePrice: 0.34, minVcpu: 6, minMemory: 41, stockStatus: 'High' },
  };
  const disk = ((20 + 20) * RUNPOD_DISK_USD_PER_GB_MONTH) / 730;

  it('makes one offer per cloud: per-GPU price × count plus disk', () => {
    const offers = parseRunpodGpuType(gpuType, { ...live, gpuCount: 2, diskGb: 20, interruptible: false });
    expect(offers.map((offer) => offer.offerId)).toEqual(['SECURE:NVIDIA GeForce RTX 4090', 'COMMUNITY:NVIDIA GeForce RTX 4090']);
    expect(offers[0]).toMatchObject({ gpu: 'RTX 4090', gpuCount: 2, vramGb: 24, available: 'high', vcpus: 6, ramGb: 41, region: 'Secure Cloud' });
    expect(offers[0]!.pricePerHour).toBeCloseTo(0.69 * 2 + disk, 6);
    expect(offers[1]!.pricePerHour).toBeCloseTo(0.34 * 2 + disk, 6);
    expect(offers[1]!.pricePerGpuHour).toBeCloseTo((0.34 * 2 + disk) / 2, 6);
  });

  it('makes one Secure Cloud offer per data centre with stock, with its country', () => {
    const dataCenters = parseRunpodDataCenters([
      { id: 'EU-RO-1', name: 'EU-RO-1', listed: true, location: 'Romania', gpuAvailability: [{ gpuTypeId: 'NVIDIA GeForce RTX 4090', stockStatus: 'Low' }] },
      { id: 'US-TX-3', name: 'US-TX-3', listed: true, location: 'United States', gpuAvailability: [{ gpuTypeId: 'NVIDIA GeForce RTX 4090', stockStatus: 'None' }] },
    ]);
    const offers = parseRunpodGpuType(gpuType, { ...live, gpuCount: 1, diskGb: 20, interruptible: false, dataCenters });
    expect(offers.map((offer) => [offer.offerId, offer.region, offer.country, offer.available])).toEqual([
      ['SECURE:NVIDIA GeForce RTX 4090@EU-RO-1', 'EU-RO-1', 'RO', 'low'],
      ['COMMUNITY:NVIDIA GeForce RTX 4090', 'Community Cloud', undefined, 'high'],
    ]);
    expect(parseRunpodOfferId(offers[0]!.offerId)).toEqual({ cloud: 'SECURE', gpuTypeId: 'NVIDIA GeForce RTX 4090', dataCenterId: 'EU-RO-1' });
  });

  it('prices spot offers at the spot price with the bid floor × count', () => {
    const [secure] = parseRunpodGpuType(gpuType, { ...live, gpuCount: 2, diskGb: 20, interruptible: true });
    expect(secure!.interruptible).toBe(true);
    expect(secure!.pricePerHour).toBeCloseTo(0.35 * 2 + disk, 6);
    expect(secure!.minBidPerHour).toBeCloseTo(0.4, 6);
  });

  it('skips sold-out types, types not offered for the filter and counts above the maximum', () => {
    const base = { ...live, gpuCount: 1, diskGb: 20, interruptible: false };
    expect(parseRunpodGpuType({ ...gpuType, lowestPrice: { ...gpuType.lowestPrice, stockStatus: 'None' } }, base)).toEqual([]);
    expect(parseRunpodGpuType({ ...gpuType, lowestPrice: { stockStatus: null } }, base)).toEqual([]);
    expect(parseRunpodGpuType(gpuType, { ...base, gpuCount: 16 })).toEqual([]);
    expect(parseRunpodGpuType({ ...gpuType, communityPrice: null, communityCloud: false }, base)).toHaveLength(1);
  });

  const pod = {
    id: 'ldl1dxirsim64n', name: 'train-42', desiredStatus: 'RUNNING', imageName: 'runpod/pytorch:2.4.0', gpuCount: 1,
    volumeInGb: 20, costPerHr: 0.69, ports: '8888/http,22/tcp', lastStatusChange: 'Rented by User',
    machine: { gpuDisplayName: 'RTX 4090', podHostId: 'ldl1dxirsim64n-64410065' },
    runtime: {
      uptimeInSeconds: 3931,
      ports: [
        { ip: '213.173.109.39', isIpPublic: true, privatePort: 22, publicPort: 13007, type: 'tcp' },
        { ip: '100.65.0.101', isIpPublic: false, privatePort: 8888, publicPort: 60141, type: 'http' },
      ],
      gpus: [{ id: 'GPU-1', gpuUtilPercent: 93, memoryUtilPercent: 71 }],
    },
  };

  it('reads a running pod: public TCP 22 for SSH, HTTP ports through the proxy, GPU metrics', () => {
    const parsed = parseRunpodPod(pod, live)!;
    // costPerHr 0.69 plus the 20 GB volume at $0.10/GB-month.
    expect(parsed).toMatchObject({ status: 'running', gpu: 'RTX 4090', pricePerHour: 0.69274, ssh: { host: '213.173.109.39', port: 13007, user: 'root' } });
    expect(parsed.ports).toContainEqual({ containerPort: 8888, protocol: 'http', host: 'ldl1dxirsim64n-8888.proxy.runpod.net', hostPort: 443, url: 'https://ldl1dxirsim64n-8888.proxy.runpod.net' });
    expect(parsed.metrics).toMatchObject({ gpuUtilPercent: 93, vramTotalGb: 24, vramUsedGb: 17 });
  });

  it('treats RUNNING without a runtime as still starting, EXITED as stopped', () => {
    expect(parseRunpodPod({ ...pod, runtime: null }, live)).toMatchObject({ status: 'starting', rawStatus: 'RUNNING (no runtime yet)' });
    expect(parseRunpodPod({ ...pod, runtime: null }, live)!.ssh).toBeUndefined();
    expect(parseRunpodPod({ ...pod, desiredStatus: 'EXITED', runtime: null }, live)!.status).toBe('stopped');
  });

  it('finds GraphQL errors on HTTP 200 and classifies capacity, auth and not-found', () => {
    expect(runpodFault({ data: { myself: {} } }, 200)).toBeUndefined();
    expect(runpodFault({ errors: [{ message: 'There are no longer any instances available with the requested specifications' }], data: null }, 200)?.kind).toBe('no-capacity');
    expect(runpodFault({ errors: [{ message: 'pod not found to terminate' }] }, 200)?.kind).toBe('not-found');
    expect(runpodFault({ errors: [{ message: 'nope', extensions: { code: 'UNAUTHENTICATED' } }] }, 200)).toMatchObject({ kind: 'auth', code: 'UNAUTHENTICATED' });
    expect(runpodFault({ title: 'Too Many Requests', status: 429, detail: 'rate limit exceeded for the minute window' }, 429)?.kind).toBe('rate-limit');
  });
});

describe('Lambda', () => {
  const types = {
    data: {
      gpu_1x_h100_pcie: {
        instance_type: { name: 'gpu_1x_h100_pcie', description: '1x H100 (80 GB PCIe)', gpu_description: 'H100 (80 GB PCIe)', price_cents_per_hour: 249, specs: { vcpus: 26, memory_gib: 200, storage_gib: 1024, gpus: 1 } },
        regions_with_capacity_available: [{ name: 'us-east-1', description: 'Virginia, USA' }, { name: 'europe-central-1', description: 'Germany' }],
      },
      gpu_8x_a100_80gb_sxm4: {
        instance_type: { name: 'gpu_8x_a100_80gb_sxm4', description: '8x A100 (80 GB SXM4)', gpu_description: 'A100 (80 GB SXM4)', price_cents_per_hour: 1432, specs: { vcpus: 240, memory_gib: 1800, storage_gib: 19500, gpus: 8 } },
        regions_with_capacity_available: [],
      },
    },
  };

  it('parses GPU descriptions', () => {
    expect(parseLambdaGpuDescription('8x H100 (80 GB SXM5)')).toEqual({ count: 8, model: 'H100', vramGb: 80, formFactor: 'SXM5' });
    expect(parseLambdaGpuDescription('A6000 (48 GB)')).toEqual({ model: 'A6000', vramGb: 48 });
    expect(parseLambdaGpuDescription('Tesla V100 (16 GB)')).toEqual({ model: 'Tesla V100', vramGb: 16 });
  });

  it('makes one offer per region with capacity, cents → dollars, none without capacity', () => {
    const offers = parseLambdaInstanceTypes(types, live);
    expect(offers).toHaveLength(2);
    expect(offers[0]).toMatchObject({ offerId: 'gpu_1x_h100_pcie@us-east-1', gpu: 'H100 PCIe', gpuCount: 1, vramGb: 80, pricePerHour: 2.49, country: 'US', vcpus: 26, ramGb: 200, diskGb: 1024 });
    expect(offers[1]).toMatchObject({ region: 'europe-central-1', country: 'DE' });
  });

  it('reads instances: ubuntu@ip once active, price from cents, statuses', () => {
    const raw = {
      id: '0920582c7ff041399e34823a0be62549', name: 'train-42', ip: '198.51.100.2', status: 'active', region: { name: 'us-east-1' },
      instance_type: { name: 'gpu_1x_a10', description: '1x A10 (24 GB PCIe)', gpu_description: 'A10 (24 GB PCIe)', price_cents_per_hour: 75, specs: { gpus: 1 } },
    };
    expect(parseLambdaInstance(raw, live)).toMatchObject({ status: 'running', gpu: 'A10', pricePerHour: 0.75, ssh: { host: '198.51.100.2', port: 22, user: 'ubuntu' } });
    expect(parseLambdaInstance({ ...raw, status: 'booting', ip: null }, live)).toMatchObject({ status: 'starting' });
    expect(parseLambdaInstance({ ...raw, status: 'booting', ip: null }, live)!.ssh).toBeUndefined();
  });

  it('reads the ports our launch tagged as tunnelled over SSH (the firewall opens only 22), keeping Lambda\'s Jupyter otherwise', () => {
    const raw = {
      id: 'abc', ip: '198.51.100.2', status: 'active', instance_type: { description: '1x A10 (24 GB PCIe)', price_cents_per_hour: 75 },
      jupyter_url: 'https://jupyter-abc.lambdaspaces.com/?token=lt',
      tags: [...lambdaPortTags([{ port: 22, protocol: 'tcp' }, { port: 8888, protocol: 'http' }, { port: 9000, protocol: 'tcp' }]), { key: 'team', value: 'ml' }],
    };
    expect(lambdaPortTags([{ port: 22, protocol: 'tcp' }, { port: 8888, protocol: 'http' }])).toEqual([{ key: 'computehub-port-8888', value: 'http' }]);
    expect(parseLambdaInstance(raw, live)!.ports).toEqual([
      { containerPort: 8888, protocol: 'http', host: '198.51.100.2', hostPort: 8888, tunnel: true },
      { containerPort: 9000, protocol: 'tcp', host: '198.51.100.2', hostPort: 9000, tunnel: true },
    ]);
    expect(parseLambdaInstance({ ...raw, tags: [] }, live)!.ports).toEqual([
      { containerPort: 8888, protocol: 'http', host: 'jupyter-abc.lambdaspaces.com', hostPort: 443, url: 'https://jupyter-abc.lambdaspaces.com/?token=lt' },
    ]);
    expect(parseLambdaInstance({ ...raw, status: 'booting' }, live)!.ports).toEqual([]);
  });

  it('classifies errors by code, not text', () => {
    expect(lambdaFault({ error: { code: 'global/invalid-api-key', message: 'x' } }, 401)?.kind).toBe('auth');
    expect(lambdaFault({ error: { code: 'instance-operations/launch/insufficient-capacity', message: 'Not enough capacity', suggestion: 'Try another region' } }, 400)).toEqual({
      code: 'instance-operations/launch/insufficient-capacity', message: 'Not enough capacity Try another region', kind: 'no-capacity',
    });
    expect(lambdaFault({ error: { code: 'provider/internal-unavailable', message: 'Try again shortly' } }, 503)?.kind).toBe('unavailable');
    expect(lambdaFault({ error: { code: 'global/invalid-address', message: 'Billing address is invalid' } }, 403)?.kind).toBe('invalid-request');
    // Codes without a meaning of their own leave the kind to the HTTP status (a 500 is not a bad request).
    expect(lambdaFault({ error: { code: 'global/unknown', message: 'An unknown error occurred.' } }, 500)?.kind).toBeUndefined();
    expect(lambdaFault({ data: {} }, 200)).toBeUndefined();
  });
});

describe('TensorDock', () => {
  const locations = {
    data: {
      locations: [
        {
          id: '1b6e0a2c', city: 'Austin', stateprovince: 'Texas', country: 'United States', tier: 3,
          gpus: [{
            v0Name: 'geforcertx4090-pcie-24gb', displayName: 'NVIDIA GeForce RTX 4090 PCIe 24GB', max_count: 4, price_per_hr: 0.35,
            resources: { max_vcpus: 32, max_ram_gb: 128, max_storage_gb: 2000 },
            pricing: { per_vcpu_hr: 0.003, per_gb_ram_hr: 0.002, per_gb_storage_hr: 0.00005 },
          }],
        },
      ],
    },
  };

  it('sums GPU, vCPU, RAM and storage, with the 100 GB storage minimum', () => {
    const [offer] = parseTensordockLocations(locations, { ...live, gpuCount: 2, diskGb: 20 });
    expect(offer).toMatchObject({ gpu: 'RTX 4090', gpuCount: 2, vramGb: 24, vcpus: 8, ramGb: 32, diskGb: 100, country: 'US', region: 'Austin, Texas, United States', available: 4 });
    expect(offer!.pricePerHour).toBeCloseTo(0.35 * 2 + 8 * 0.003 + 32 * 0.002 + 100 * 0.00005, 6);
    expect(parseTensordockOfferId(offer!.offerId)).toEqual({ locationId: '1b6e0a2c', v0Name: 'geforcertx4090-pcie-24gb', vcpus: 8, ramGb: 32 });
    expect(parseTensordockLocations(locations, { ...live, gpuCount: 8, diskGb: 20 })).toEqual([]);
  });

  it('reads instances from JSON:API-ish envelopes, status casing and port forwards in both shapes', () => {
    const raw = {
      data: {
        type: 'virtualmachine', id: '550e8400', attributes: {
          name: 'train-42', status: 'Running', ipAddress: '203.0.113.77', portForwards: [{ internal_port: 22, external_port: 20001 }, { internal_port: 8888, external_port: 20002 }],
          resources: { vcpu_count: 8, ram_gb: 32, storage_gb: 200, gpus: [{ gpuV0Name: 'geforcertx4090-pcie-24gb', count: 1 }] }, rateHourly: 0.384,
        },
      },
    };
    expect(parseTensordockInstance(raw, live)).toMatchObject({
      providerInstanceId: '550e8400', name: 'train-42', status: 'running', rawStatus: 'Running', gpu: 'RTX 4090', gpuCount: 1, pricePerHour: 0.384,
      ssh: { host: '203.0.113.77', port: 20001 }, ports: [{ containerPort: 8888, hostPort: 20002 }],
    });
    expect(tensordockForwards({ '20001': '22' })).toEqual([{ internal: 22, external: 20001 }]);
    expect(tensordockStatus('StoppedDisassociated')).toBe('stopped');
  });

  it('recognises already-terminated as not-found and JSON:API errors', () => {
    expect(tensordockFault({ success: false, error: 'Machine already terminated' }, 200)?.kind).toBe('not-found');
    expect(tensordockFault({ errors: [{ status: '400', title: 'Bad Request', detail: 'storage must be at least 100 GB' }] }, 400)).toEqual({ message: 'storage must be at least 100 GB' });
  });
});

describe('VM boot (cloud-init)', () => {
  const spec: LaunchSpec = {
    offerId: 'x', name: 'n', image: 'vllm/vllm-openai:latest', env: { MODEL: "it's" }, ports: [{ port: 22, protocol: 'tcp' }, { port: 8000, protocol: 'http' }],
    diskGb: 100, gpuCount: 1, startScript: 'echo hi',
  };

  it('installs Docker + the NVIDIA toolkit and runs the image with env, ports (not 22) and the start script', () => {
    const script = containerBootScript(spec);
    expect(script).toContain('get.docker.com');
    expect(script).toContain('nvidia-container-toolkit');
    expect(script).toContain("docker run -d --restart unless-stopped --gpus all --name computehub -p 8000:8000 -e 'MODEL=it'\\''s' 'vllm/vllm-openai:latest' bash -c 'echo hi'");
    expect(script).not.toContain('-p 22:22');
    expect(cloudConfigUserData(spec).startsWith('#cloud-config\n')).toBe(true);
    // JSON is YAML: the body after the header is the cloud-config; the script (it holds the env) is root-only.
    const config = JSON.parse(cloudConfigUserData(spec).slice('#cloud-config\n'.length));
    expect(config.write_files).toEqual([{ path: '/opt/computehub/boot.sh', content: script, permissions: '0700' }]);
    expect(script).toContain('gpg --batch --yes --dearmor');
    expect(script).not.toMatch(/apt-get[^\n]*&&|nvidia-ctk[^\n]*&&/);
  });
});

it('reads country codes from provider location text', () => {
  expect(countryCode('Oregon, US')).toBe('US');
  expect(countryCode('Tokyo, Japan')).toBe('JP');
  expect(countryCode('Virginia, USA')).toBe('US');
  expect(countryCode('Atlantis')).toBeUndefined();
});

it('knows every country, not a hand-picked few, in the spellings providers use', () => {
  expect(countryCode('Moscow, Russia')).toBe('RU');
  expect(countryCode('Almaty, Kazakhstan')).toBe('KZ');
  expect(countryCode('Lagos, Nigeria')).toBe('NG');
  expect(countryCode('Istanbul, Turkey')).toBe('TR');
  expect(countryCode('Istanbul, Türkiye')).toBe('TR');
  expect(countryCode('Amsterdam, The Netherlands')).toBe('NL');
  expect(countryCode('Hong Kong')).toBe('HK');
  expect(countryCode('Sarajevo, Bosnia & Herzegovina')).toBe('BA');
  expect(countryCode('London, United Kingdom')).toBe('GB');
  expect(countryCode('Brussels, European Union')).toBeUndefined();
});
