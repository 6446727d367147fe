// The marketplace simulator: one in-memory market behind four loopback servers that speak Vast,
// RunPod, Lambda and TensorDock's real wire protocols, plus an admin server for faults and state.
// Every response carries `x-computehub-simulated: 1`. See src/sim/README.md.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClock } from './clock.ts';
import { FaultRegistry } from './faults.ts';
import { createFaceServer, type Face } from './http.ts';
import { Market } from './market.ts';
import { vastFace } from './vast.ts';
import { runpodFace } from './runpod.ts';
import { lambdaFace } from './lambda.ts';
import { tensordockFace } from './tensordock.ts';
import { createAdminServer } from './admin.ts';
import { SIM_PROVIDERS, type SimProvider, type SimRequest, type Simulator, type SimulatorOptions } from './types.ts';

export type * from './types.ts';
export { SIM_PROVIDERS } from './types.ts';
export { SIMULATED_HEADER } from './http.ts';

/** The env lines that point ComputeHub's adapters at a running simulator (`<NAME>_API_URL`, as the provider table names them). */
export function simulatorEnv(urls: Simulator['urls']): Record<string, string> {
  return Object.fromEntries(SIM_PROVIDERS.map((provider) => [`${provider.toUpperCase()}_API_URL`, urls[provider]]));
}

function listen(server: http.Server, host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      // A wildcard bind is reachable locally on loopback; print that rather than 0.0.0.0.
      const local = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
      const shownHost = local.includes(':') ? `[${local}]` : local;
      resolve(`http://${shownHost}:${address.port}`);
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Hung (fault-injected) and keep-alive connections would otherwise hold close() open.
    server.closeAllConnections();
  });
}

/**
 * Starts the simulator. Defaults: seed 42, 2,000 Vast offers, real-time clock (timeScale 1),
 * 127.0.0.1 on random free ports, $500 credit per provider, any non-empty API key accepted.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const seed = options.seed ?? 42;
  const vastOffers = options.vastOffers ?? 2000;
  if (!(Number.isInteger(vastOffers) && vastOffers > 0)) throw new Error(`vastOffers must be a positive integer, got ${vastOffers}`);
  const host = options.host ?? '127.0.0.1';
  const clock = createClock(options.timeScale ?? 1, options.startTime ?? Date.now());
  const market = new Market(seed, vastOffers, clock, options.startingBalanceUsd ?? 500);
  const faults = new FaultRegistry(market);
  const requests: SimRequest[] = [];
  const faces: Record<SimProvider, Face> = {
    vast: vastFace(market, faults),
    runpod: runpodFace(market, faults),
    lambda: lambdaFace(market, faults),
    tensordock: tensordockFace(market, faults),
  };
  const servers = {} as Record<SimProvider | 'admin', http.Server>;
  for (const provider of SIM_PROVIDERS) {
    servers[provider] = createFaceServer(faces[provider], { market, faults, requests, acceptedKey: options.keys?.[provider] });
  }
  servers.admin = createAdminServer({ market, faults, requests, clock });
  const urls = {} as Simulator['urls'];
  const order = [...SIM_PROVIDERS, 'admin'] as const;
  try {
    for (const [index, name] of order.entries()) {
      urls[name] = await listen(servers[name], host, options.basePort === undefined ? 0 : options.basePort + index);
    }
  } catch (error) {
    await Promise.all(order.map((name) => (servers[name].listening ? closeServer(servers[name]) : undefined)));
    throw error;
  }
  return {
    urls,
    clock,
    faults,
    requests,
    market,
    close: async () => {
      await Promise.all(order.map((name) => closeServer(servers[name])));
    },
  };
}
