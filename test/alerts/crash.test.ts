// At least once across a crash: a bot process (tsx) fills the outbox and is killed with SIGKILL
// while a delivery is in flight; the next start delivers every alert, each signature valid.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '#test/support/app.ts';
import { alertApp, clock, START_MS, tickFor, WEBHOOK_SECRET, WebhookReceiver } from './support.ts';
import { until } from '#test/support/wait.ts';

const ALERTS = 20;
let receiver: WebhookReceiver | undefined;
afterEach(() => receiver?.stop());

function outboxOnDisk(dataDir: string): number {
  try {
    return (JSON.parse(readFileSync(path.join(dataDir, 'db.json'), 'utf8')) as { alerts?: { outbox?: unknown[] } }).alerts?.outbox?.length ?? 0;
  } catch {
    return 0;
  }
}

describe('the outbox across kill -9', () => {
  it('a process killed with a full outbox and a delivery in flight loses nothing: the next start delivers every alert', async () => {
    const dataDir = tempDir('computehub-alerts-crash-');
    receiver = new WebhookReceiver();
    const url = await receiver.start();
    const setup = await alertApp(clock(), { COMPUTEHUB_DATA_DIR: dataDir });
    expect((await setup.run(`notify add webhook ${url} secret=${WEBHOOK_SECRET}`)).outcome).toBe('ok');
    await setup.close();

    let inFlight = 0;
    receiver.answer = () => {
      inFlight++;
      return 'hang';
    };
    const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('test/alerts/fill-outbox.ts'), dataDir, String(ALERTS), String(START_MS)], { env: process.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await until(`a full outbox and a delivery in flight (child said: ${stderr.slice(-500)})`, () => outboxOnDisk(dataDir) === ALERTS && inFlight > 0);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    receiver.answer = () => 200;
    const time = clock(START_MS + 3_600_000);
    const restarted = await alertApp(time, { COMPUTEHUB_DATA_DIR: dataDir });
    try {
      await tickFor(restarted, time, 60_000);
      expect(receiver.badSignatures).toEqual([]);
      expect(receiver.accepted().size).toBe(ALERTS);
      expect([...receiver.accepted().values()].every((count) => count === 1)).toBe(true);
      expect(outboxOnDisk(dataDir)).toBe(0);
    } finally {
      await restarted.close();
    }
  });
});
