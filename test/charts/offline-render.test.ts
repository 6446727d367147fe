// The offline renderer draws real, readable PNGs: its own fonts, a white background, the series colours.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { GlobalFonts } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { barChart, createChartRenderer, FONT_FAMILY, PALETTE, timeSeriesChart } from '#services/charts/index.ts';
import { dejavuFontDir, registerChartFonts } from '#services/charts/fonts.ts';
import { colourPixels, decodePng, memoryLogger, pixelAt, textPixels } from './support.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const TITLE_REGION = { left: 0.3, top: 0, right: 0.7, bottom: 0.06 };
const X_AXIS_TITLE_REGION = { left: 0.35, top: 0.93, right: 0.65, bottom: 1 };
const Y_AXIS_TITLE_REGION = { left: 0, top: 0.3, right: 0.03, bottom: 0.7 };

const costByGpu = (title: string) =>
  barChart({ title, categories: ['RTX 4090', 'A100 80GB', 'H100 SXM'], categoryAxis: 'GPU', values: [42.5, 120.2, 88], label: 'Cost', y: { title: 'Cost', unit: '$' } });

const hours = (values: number[]) => values.map((value, i) => ({ t: Date.UTC(2026, 10, 27) + i * 3_600_000, value }));
const utilisation = timeSeriesChart({
  title: 'GPU utilisation',
  series: [
    { label: 'gpu0', points: hours([10, 80, 60, 90, 30, 50]) },
    { label: 'gpu1', points: hours([20, 40, 70, 20, 60, 80]) },
    { label: 'gpu2', points: hours([50, 55, 35, 65, 45, 5]) },
  ],
  y: { title: 'Utilisation', unit: '%', min: 0, max: 100 },
});

// Pixel checks use pixel ratio 1: the same layout, a quarter of the pixels to draw and scan.
const SMALL = { devicePixelRatio: 1 };

describe('offline chart rendering', () => {
  const { log, lines } = memoryLogger();
  const charts = createChartRenderer({ log });

  // Drawing without any system font is checked in no-system-fonts.test.ts.
  it('finds the DejaVu TTFs through the installed npm package and registers them', () => {
    expect(existsSync(path.join(dejavuFontDir(), 'DejaVuSans.ttf'))).toBe(true);
    registerChartFonts();
    expect(GlobalFonts.has(FONT_FAMILY)).toBe(true);
  });

  it('returns a real PNG of the requested size, rendered offline when no QuickChart is configured', async () => {
    const result = await charts.render(costByGpu('Cost this month'), { width: 400, height: 300, devicePixelRatio: 1 });
    expect(result.renderer).toBe('offline');
    expect(Array.from(result.png.slice(0, 8))).toEqual(PNG_SIGNATURE);
    const ihdr = new DataView(result.png.buffer, result.png.byteOffset + 16, 8);
    expect([ihdr.getUint32(0), ihdr.getUint32(4)]).toEqual([400, 300]);
    expect([result.width, result.height]).toEqual([400, 300]);
    expect(lines().at(-1)).toMatchObject({ renderer: 'offline', reason: 'QUICKCHART_URL is not set' });
  });

  it('renders at twice the size by default, so text stays sharp on phones', async () => {
    const result = await charts.render(costByGpu('Cost'));
    expect([result.width, result.height]).toEqual([1600, 900]);
  });

  it('draws the title and axis titles as text, and nothing where the title is empty', async () => {
    const titled = await decodePng((await charts.render(costByGpu('Cost this month by GPU'), SMALL)).png);
    expect(textPixels(titled, TITLE_REGION)).toBeGreaterThan(200);
    expect(textPixels(titled, X_AXIS_TITLE_REGION)).toBeGreaterThan(40);
    expect(textPixels(titled, Y_AXIS_TITLE_REGION)).toBeGreaterThan(40);

    const untitled = await decodePng((await charts.render(costByGpu(''), SMALL)).png);
    expect(textPixels(untitled, TITLE_REGION)).toBe(0);
  });

  it('paints an opaque white background (transparent charts look broken in dark mode)', async () => {
    const image = await decodePng((await charts.render(costByGpu('Cost'), SMALL)).png);
    expect(pixelAt(image, 0, 0)).toEqual([255, 255, 255, 255]);
    expect(pixelAt(image, image.width - 1, image.height - 1)).toEqual([255, 255, 255, 255]);
  });

  it('draws each series in its own palette colour', async () => {
    const image = await decodePng((await charts.render(utilisation, SMALL)).png);
    for (const colour of PALETTE.slice(0, 3)) expect(colourPixels(image, colour)).toBeGreaterThan(200);
    expect(colourPixels(image, PALETTE[3])).toBe(0);
  });
});
