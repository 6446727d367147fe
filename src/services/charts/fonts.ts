// A canvas with no usable font draws every label silently missing (e.g. in a slim Docker image), so
// the offline renderer brings its own: DejaVu Sans from the `dejavu-fonts-ttf` npm package.
import { createRequire } from 'node:module';
import path from 'node:path';
import { GlobalFonts } from '@napi-rs/canvas';
import { FONT_FAMILY } from './theme.ts';

const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'];

let registered = false;

/** The folder holding the DejaVu TTFs, wherever npm put the package. */
export function dejavuFontDir(): string {
  const packageJson = createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json');
  return path.join(path.dirname(packageJson), 'ttf');
}

/** Registers DejaVu Sans (regular and bold) as FONT_FAMILY with @napi-rs/canvas. Idempotent. */
export function registerChartFonts(): void {
  if (registered) return;
  const dir = dejavuFontDir();
  for (const file of FONT_FILES) {
    const key = GlobalFonts.registerFromPath(path.join(dir, file), FONT_FAMILY);
    if (!key) {
      throw new Error(
        `Chart fonts: could not load ${path.join(dir, file)}. Reinstall dependencies (npm ci) so the dejavu-fonts-ttf package is complete.`,
      );
    }
  }
  registered = true;
}
