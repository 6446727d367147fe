// Builds a real App on a fresh temporary data folder, configured as a user's environment would be.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { createApp, type App, type AppOptions } from '#src/app.ts';
import { loadConfig } from '#src/config.ts';
import type { Actor, Channel } from '#core/command.ts';
import type { Execution } from '#core/registry.ts';
import { LOCAL_ACTOR, LOCAL_CHANNEL } from '#core/command.ts';

export function tempDir(prefix = 'computehub-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A licence key pair of the tests' own (the shipped public key is never used to sign here). */
export function testLicenceKeys() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

export interface TestApp extends App {
  dataDir: string;
  /** Runs a command line as someone (the local admin unless given). */
  run(line: string, who?: { actor?: Actor; channel?: Channel }): Promise<Execution>;
}

export async function testApp(env: Record<string, string> = {}, options: AppOptions = {}): Promise<TestApp> {
  const dataDir = env.COMPUTEHUB_DATA_DIR ?? tempDir();
  const config = loadConfig({ LOG_FILE: process.env.LOG_FILE, LOG_LEVEL: 'debug', COMPUTEHUB_DATA_DIR: dataDir, ...env }, '/nonexistent/.env');
  const app = await createApp(config, options);
  return {
    ...app,
    dataDir,
    run: (line, who = {}) => app.services.commands.execute({ line, actor: who.actor ?? LOCAL_ACTOR, channel: who.channel ?? LOCAL_CHANNEL }),
  };
}
