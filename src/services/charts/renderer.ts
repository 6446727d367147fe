// Chooses the renderer: QuickChart when QUICKCHART_URL is set and answering, otherwise (or on any
// failure) offline in-process, so a chart always comes back.
import type { ChartConfiguration } from 'chart.js';
import type { Logger } from '#src/log.ts';
import { isPng, pngSize } from './png.ts';
import { renderWithQuickChart } from './quickchart.ts';
import { DEFAULT_SIZE, type ChartSize } from './theme.ts';

export interface RenderedChart {
  png: Uint8Array;
  renderer: 'quickchart' | 'offline';
  /** Pixel size of the PNG. */
  width: number;
  height: number;
}

export interface ChartRenderer {
  render(config: ChartConfiguration, options?: Partial<ChartSize>): Promise<RenderedChart>;
}

export interface ChartRendererOptions {
  /** QUICKCHART_URL, e.g. https://quickchart.io or http://quickchart:3400; unset renders offline only. */
  quickchartUrl?: string | undefined;
  log: Logger;
  /** How long to wait for QuickChart before drawing offline. */
  timeoutMs?: number;
  /** After a failure, skip QuickChart for this long so each chart does not wait out the timeout again. */
  retryAfterMs?: number;
  now?: () => number;
}

const DEFAULT_QUICKCHART_TIMEOUT_MS = 3_000;
const DEFAULT_QUICKCHART_RETRY_AFTER_MS = 60_000;

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n').join(' ');

const MAX_PIXELS_PER_SIDE = 4096;

function checkedSize(size: ChartSize): ChartSize {
  const side = (n: number) => Number.isInteger(n) && n > 0;
  const pixels = Math.max(size.width, size.height) * size.devicePixelRatio;
  if (!side(size.width) || !side(size.height) || !(size.devicePixelRatio > 0) || pixels > MAX_PIXELS_PER_SIDE) {
    throw new Error(
      `Chart size ${size.width}×${size.height} at pixel ratio ${size.devicePixelRatio} is not drawable: use whole positive numbers, at most ${MAX_PIXELS_PER_SIDE} pixels per side.`,
    );
  }
  return size;
}

export function createChartRenderer(options: ChartRendererOptions): ChartRenderer {
  const { quickchartUrl, log } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_QUICKCHART_TIMEOUT_MS;
  const retryAfterMs = options.retryAfterMs ?? DEFAULT_QUICKCHART_RETRY_AFTER_MS;
  const now = options.now ?? Date.now;
  const quickchart = quickchartUrl ? new URL(quickchartUrl).origin : undefined;
  let quickchartDownUntil = 0;

  async function offline(config: ChartConfiguration, size: ChartSize, started: number, reason: string): Promise<RenderedChart> {
    // Loaded on first use: the canvas binary and chart.js are not needed by a bot that never draws.
    const { renderOffline } = await import('./offline.ts');
    const png = await renderOffline(config, size);
    const result = { png, renderer: 'offline' as const, ...pngSize(png) };
    log.info({ renderer: 'offline', reason, ms: now() - started, width: result.width, height: result.height }, 'chart rendered offline');
    return result;
  }

  return {
    async render(config, requested = {}) {
      const size = checkedSize({ ...DEFAULT_SIZE, ...requested });
      const started = now();
      if (!quickchartUrl) return offline(config, size, started, 'QUICKCHART_URL is not set');
      if (now() < quickchartDownUntil) return offline(config, size, started, `QuickChart at ${quickchart} failed recently; retrying it later`);
      try {
        const png = await renderWithQuickChart(quickchartUrl, config, size, timeoutMs);
        if (!isPng(png)) throw new Error(`answered with ${png.length} bytes that are not a PNG (is QUICKCHART_URL a QuickChart server?)`);
        const result = { png, renderer: 'quickchart' as const, ...pngSize(png) };
        log.info({ renderer: 'quickchart', quickchart, ms: now() - started, width: result.width, height: result.height }, 'chart rendered by QuickChart');
        return result;
      } catch (error) {
        quickchartDownUntil = now() + retryAfterMs;
        const reason = `QuickChart at ${quickchart} failed: ${errorText(error)}`;
        log.warn({ quickchart, reason, retryInSeconds: Math.round(retryAfterMs / 1000) }, 'QuickChart failed; drawing the chart offline');
        return offline(config, size, started, reason);
      }
    },
  };
}
