// Writes docs/slack-manifest.yml from the command definitions, or prints a manifest for your own
// address: npx tsx adapters/platforms/slack/slack-manifest-write.ts [--url https://host/slack/events] [--socket-mode]
// With no options it rewrites the committed file (a test fails when the two differ).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createApp } from '#src/app.ts';
import { loadConfig } from '#src/config.ts';
import { generateSlackManifest } from './slack-manifest.ts';

export const MANIFEST_FILE = path.resolve(import.meta.dirname, '../../docs/slack-manifest.yml');

const { values } = parseArgs({ options: { url: { type: 'string' }, 'socket-mode': { type: 'boolean', default: false } } });

// The registry needs an app; a throwaway data folder keeps this from touching the real database.
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'computehub-manifest-'));
try {
  const app = await createApp(loadConfig({ COMPUTEHUB_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, path.join(dataDir, '.env')));
  const manifest = generateSlackManifest(app.services.commands, { requestUrl: values.url, socketMode: values['socket-mode'] });
  await app.close();
  if (values.url || values['socket-mode']) process.stdout.write(manifest);
  else {
    writeFileSync(MANIFEST_FILE, manifest);
    process.stdout.write(`Wrote ${MANIFEST_FILE}\n`);
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
