// Rendering through a QuickChart server (quickchart.io or a self-hosted one) with quickchart-js.
import QuickChartModule from 'quickchart-js';
import type { ChartConfiguration } from 'chart.js';
import { withinDeadline } from '#core/deadline.ts';
import { BACKGROUND_COLOR, type ChartSize } from './theme.ts';

// Under NodeNext the default import types as the module namespace; at run time it is the class.
const QuickChart = QuickChartModule as unknown as typeof QuickChartModule.default;

/** The chart.js major version our configs are written for (QuickChart defaults to 2.9). */
const CHART_JS_VERSION = '4';

export async function renderWithQuickChart(
  baseUrl: string,
  config: ChartConfiguration,
  size: ChartSize,
  timeoutMs: number,
): Promise<Uint8Array> {
  const url = new URL(baseUrl);
  // quickchart-js has no base-URL setter: host (with port and any path prefix) and scheme instead.
  const chart = new QuickChart()
    .setScheme(url.protocol.replace(':', ''))
    .setHost(`${url.host}${url.pathname.replace(/\/+$/, '')}`)
    .setVersion(CHART_JS_VERSION)
    .setConfig(config)
    .setWidth(size.width)
    .setHeight(size.height)
    .setDevicePixelRatio(size.devicePixelRatio)
    .setBackgroundColor(BACKGROUND_COLOR)
    .setFormat('png');
  // quickchart-js offers no timeout or abort; a hung server must not hold the reply hostage.
  const png = await withinDeadline(chart.toBinary(), timeoutMs, () => {
    throw new Error(`no answer within ${timeoutMs} ms`);
  });
  return new Uint8Array(png);
}
