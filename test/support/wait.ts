// Waiting in tests: poll until something holds, and pick a free loopback port.
import { createServer } from 'node:net';

export interface UntilOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** What to add to the timeout error (e.g. the bot's last output), read when it times out. */
  context?: () => string;
}

/** Polls `probe` until it gives a value other than undefined or false, and returns it; after the timeout it throws naming `what`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, options: UntilOptions = {}): Promise<T> {
  const { timeoutMs = 20_000, intervalMs = 50, context } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.${context ? `\n${context()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
