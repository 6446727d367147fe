// Shared set-up for the provider contract suite: one simulator, adapters pointed at it with fast
// waits, and a logger whose every line is kept (and written to the suite's log file for the leak check).
import { appendFileSync } from 'node:fs';
import { pino } from 'pino';
import { createProviderAdapter, type AdapterOptions } from '#providers/index.ts';
import type { ProviderAdapter, ProviderName } from '#providers/types.ts';
import type { Instance, InstanceStatus } from '#domain/instance.ts';
import type { Simulator } from '#sim/index.ts';
import { TEST_SECRETS } from '#test/support/secrets.ts';

export const KEYS: Record<ProviderName, string> = {
  vast: TEST_SECRETS.vastKey,
  runpod: TEST_SECRETS.runpodKey,
  lambda: TEST_SECRETS.lambdaKey,
  tensordock: TEST_SECRETS.tensordockToken,
};

export const SSH_PUBLIC_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIContractSuiteKeyOnly computehub@test';

/** Every log line the adapters wrote, unscrubbed by the test logger, so a leak shows. */
export const logLines: string[] = [];

export const captureLog = pino({ level: 'debug' }, {
  write(line: string) {
    logLines.push(line);
    if (process.env.LOG_FILE) appendFileSync(process.env.LOG_FILE, line);
  },
});

export function adapterFor(sim: Simulator, provider: ProviderName, overrides: Partial<AdapterOptions> = {}): ProviderAdapter {
  return createProviderAdapter(provider, {
    baseUrl: sim.urls[provider],
    apiKey: KEYS[provider],
    log: captureLog,
    timeoutMs: 5_000,
    // Pacing intervals, backoff and Retry-After shrink 1000-fold: 6 s becomes 6 ms.
    waitScale: 0.001,
    now: () => new Date(sim.clock.now()),
    ...overrides,
  });
}

/** Advances simulated time a second at a time until the instance reaches one of the statuses. */
export async function advanceUntil(sim: Simulator, adapter: ProviderAdapter, id: string, statuses: InstanceStatus[], maxSeconds = 120): Promise<Instance> {
  let last: Instance | undefined;
  for (let second = 0; second <= maxSeconds; second++) {
    last = await adapter.getInstance(id);
    if (last && statuses.includes(last.status)) return last;
    sim.clock.advance(1_000);
  }
  throw new Error(`${adapter.name} instance ${id} never reached ${statuses.join('/')}; last seen ${last?.status ?? 'absent'} (${last?.rawStatus ?? ''})`);
}

/** Runs an operation that must fail, and returns the error for inspection. */
export async function failure(operation: Promise<unknown>): Promise<Error> {
  try {
    await operation;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the operation to fail, but it succeeded');
}
