// In-process rendering with chart.js 4 on @napi-rs/canvas: no network, no system fonts needed.
import { createCanvas } from '@napi-rs/canvas';
import { Chart, registerables, type ChartConfiguration, type Plugin } from 'chart.js';
import { registerChartFonts } from './fonts.ts';
import { BACKGROUND_COLOR, FONT_FAMILY, type ChartSize } from './theme.ts';

Chart.register(...registerables);
registerChartFonts();
Chart.defaults.font.family = FONT_FAMILY;

/** Canvases are transparent; a transparent chart looks broken in dark-mode chat clients. */
const whiteBackground: Plugin = {
  id: 'computehubWhiteBackground',
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = BACKGROUND_COLOR;
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

/** chart.js mutates the config it is given; the caller's copy may still be sent elsewhere. */
function ownCopy(config: ChartConfiguration): ChartConfiguration {
  try {
    return structuredClone(config);
  } catch (error) {
    throw new Error(
      `Chart configs must be plain data (they are also sent to QuickChart as JSON): precompute labels instead of using callbacks. ${(error as Error).message}`,
    );
  }
}

export async function renderOffline(config: ChartConfiguration, size: ChartSize): Promise<Uint8Array> {
  // chart.js scales the canvas itself by devicePixelRatio; it is created at the logical size.
  const canvas = createCanvas(size.width, size.height);
  const own = ownCopy(config);
  const chart = new Chart(canvas.getContext('2d') as never, {
    ...own,
    options: { ...own.options, responsive: false, animation: false, devicePixelRatio: size.devicePixelRatio },
    plugins: [whiteBackground],
  });
  try {
    return await canvas.encode('png');
  } finally {
    chart.destroy();
  }
}
