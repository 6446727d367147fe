// Charts must not depend on system fonts (a slim Docker image has none): with the system font folders
// hidden, the title must still be drawn, from the DejaVu TTFs shipped in node_modules.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const FIXTURE = fileURLToPath(new URL('./fixtures/title-text-pixels.ts', import.meta.url));
const SYSTEM_FONT_DIRS = ['/usr/share/fonts', '/usr/local/share/fonts'];
// Hiding folders needs a private mount namespace (unprivileged user namespaces); skip where unavailable.
const canHideFonts = process.platform === 'linux' && spawnSync('unshare', ['-rm', 'true']).status === 0;

describe('chart fonts', () => {
  it.skipIf(!canHideFonts)('draws text with the system font folders hidden', () => {
    const hide = SYSTEM_FONT_DIRS.map((dir) => `if [ -d ${dir} ]; then mount -t tmpfs none ${dir}; fi`).join('; ');
    const output = execFileSync('unshare', ['-rm', 'sh', '-c', `${hide}; exec "$0" --import tsx "$1"`, process.execPath, FIXTURE], {
      cwd: path.resolve(path.dirname(FIXTURE), '../../..'),
      env: { ...process.env, HOME: mkdtempSync(path.join(os.tmpdir(), 'computehub-nofonts-')), XDG_DATA_HOME: '' },
      encoding: 'utf8',
    });
    const { families, titlePixels } = JSON.parse(output) as { families: string[]; titlePixels: number };
    expect(families).toEqual(['DejaVu Sans']);
    expect(titlePixels).toBeGreaterThan(200);
  });
});
