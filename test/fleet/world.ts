// A simulator and a real app wired to it as a user would have it: provider keys configured (so Pro
// is not unlocked by the simulator trial), adapters aimed at the simulator with shrunk waits, and the
// app's clock reading simulated time. `drive` moves simulated time while a command runs.
import { startSimulator, type Simulator } from '#sim/index.ts';
import { PROVIDER_NAMES } from '#domain/providers.ts';
import { type ProviderName } from '#providers/types.ts';
import type { BoundProvider } from '#services/providers.ts';
import type { Actor, Channel } from '#core/command.ts';
import type { Execution } from '#core/registry.ts';
import { adapterFor, SSH_PUBLIC_KEY } from '#test/contract/harness.ts';
import { tempDir, testApp, testLicenceKeys, type TestApp } from '#test/support/app.ts';
import { signLicence } from '#services/licence.ts';
import { TEST_SECRETS } from '#test/support/secrets.ts';

export interface World {
  sim: Simulator;
  app: TestApp;
  dataDir: string;
  bound: BoundProvider[];
  /** Runs a command while simulated time advances a second per few real milliseconds. */
  run(line: string, who?: { actor?: Actor; channel?: Channel }): Promise<Execution>;
  /** Advances simulated time while a promise is pending. */
  drive<T>(work: Promise<T>): Promise<T>;
  /**
   * Holds simulated time still until the provider is asked to create (or the work ends), then drives it:
   * the simulated market's prices drift with time, so a press right after its preview sees the prices shown.
   */
  driveFromCreate<T>(work: Promise<T>): Promise<T>;
  /** Advances simulated time an hour at a time, syncing the fleet after each. */
  syncHours(hours: number): Promise<void>;
  /** A fresh app on the same data folder and simulator, as after a bot restart. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export const PROVIDER_ENV = {
  VAST_API_KEY: TEST_SECRETS.vastKey,
  RUNPOD_API_KEY: TEST_SECRETS.runpodKey,
  LAMBDA_API_KEY: TEST_SECRETS.lambdaKey,
  TENSORDOCK_API_TOKEN: TEST_SECRETS.tensordockToken,
  SSH_PUBLIC_KEY,
};

/** A Pro licence signed with the tests' own key, and the public key the app must trust for it. */
function proLicence() {
  const keys = testLicenceKeys();
  const key = signLicence({ v: 1, id: 'lic-fleet', licensee: 'Fleet tests', features: ['pro'], issuedAt: '2026-01-01T00:00:00.000Z' }, keys.privateKey);
  return { env: { COMPUTEHUB_LICENCE_KEY: key }, publicKey: keys.publicKey };
}

export async function startWorld(options: { seed?: number; providers?: readonly ProviderName[]; startTime?: number; pro?: boolean; deployTimeoutMs?: number } = {}): Promise<World> {
  const sim = await startSimulator({ seed: options.seed ?? 7, timeScale: 0, vastOffers: 300, ...(options.startTime !== undefined && { startTime: options.startTime }) });
  const bound: BoundProvider[] = (options.providers ?? PROVIDER_NAMES).map((name) => ({ name, adapter: adapterFor(sim, name), mode: 'real', source: 'environment' }));
  const dataDir = tempDir('computehub-fleet-');
  const licence = options.pro ? proLicence() : undefined;
  const open = () =>
    testApp(
      { ...PROVIDER_ENV, ...licence?.env, COMPUTEHUB_DATA_DIR: dataDir },
      { now: () => new Date(sim.clock.now()), providersFor: () => bound, fleetTiming: { pollMs: 2, ...(options.deployTimeoutMs && { deployTimeoutMs: options.deployTimeoutMs }) }, ...(licence && { licencePublicKey: licence.publicKey }) },
    );
  const world: World = {
    sim,
    app: await open(),
    dataDir,
    bound,
    drive: (work) => driveClock(sim, work),
    async driveFromCreate(work) {
      const creates = sim.requests.filter((request) => request.endpoint === 'create').length;
      let ended = false;
      const watched = work.finally(() => (ended = true));
      while (!ended && sim.requests.filter((request) => request.endpoint === 'create').length === creates) await new Promise((resolve) => setTimeout(resolve, 5));
      return driveClock(sim, watched);
    },
    async syncHours(hours) {
      for (let hour = 0; hour < hours; hour++) {
        sim.clock.advance(3_600_000);
        await world.app.services.fleet.sync();
      }
    },
    run(line, who) {
      return world.drive(world.app.run(line, who));
    },
    async restart() {
      await world.app.close();
      world.app = await open();
    },
    async close() {
      await world.app.close();
      await sim.close();
    },
  };
  return world;
}

const ENDED = new Set(['unloaded', 'TERMINATED', 'terminated', 'terminating', 'deleted', 'deleting']);

/** Runs work while simulated time moves a second every few real milliseconds. */
export async function driveClock<T>(sim: Simulator, work: Promise<T>): Promise<T> {
  let settled = false;
  const done = work.finally(() => {
    settled = true;
  });
  while (!settled) {
    sim.clock.advance(1_000);
    await new Promise((resolve) => setTimeout(resolve, 3));
  }
  return done;
}

/** Machines the simulated providers still hold (running, stopped or on the way): what still bills. */
export function liveMachines(sim: Simulator, provider?: ProviderName) {
  return sim.market.instances(provider).filter((instance) => !ENDED.has(instance.status));
}
