// Several charts in one image, Grafana-style: a header (title, subtitle) over a grid of panels, each
// panel an ordinary chart config drawn by the renderer (QuickChart or offline), then composed here.
// One image keeps a dashboard to one chat message.
import type { ChartConfiguration } from 'chart.js';
import { describeChart } from './describe.ts';
import type { ChartRenderer, RenderedChart } from './renderer.ts';
import type { ChartText } from './layout.ts';

export interface PanelGrid extends ChartText {
  panels: ChartConfiguration[];
  /** Panels per row; defaults to 1 for one panel, 2 up to four, 3 beyond. */
  columns?: number;
  /** Logical size of each panel. */
  panelWidth?: number;
  panelHeight?: number;
  /** Pixel ratio asked of each panel; lowered when the whole image would pass MAX_SIDE_PIXELS. */
  devicePixelRatio?: number;
}

/** Logical height of the header band above the panels. */
export const HEADER_HEIGHT = 64;
/** Longest side of the composed PNG: chat platforms shrink or refuse larger photos. */
export const MAX_SIDE_PIXELS = 4096;

export interface GridLayout {
  columns: number;
  rows: number;
  panelWidth: number;
  panelHeight: number;
  devicePixelRatio: number;
  /** Logical size of the whole image. */
  width: number;
  height: number;
}

export function gridLayout(grid: PanelGrid): GridLayout {
  const count = Math.max(1, grid.panels.length);
  const columns = Math.max(1, Math.min(count, grid.columns ?? (count === 1 ? 1 : count <= 4 ? 2 : 3)));
  const rows = Math.ceil(count / columns);
  const panelWidth = grid.panelWidth ?? 640;
  const panelHeight = grid.panelHeight ?? 320;
  const width = columns * panelWidth;
  const height = HEADER_HEIGHT + rows * panelHeight;
  const devicePixelRatio = Math.min(grid.devicePixelRatio ?? 2, MAX_SIDE_PIXELS / Math.max(width, height));
  return { columns, rows, panelWidth, panelHeight, devicePixelRatio, width, height };
}

/** Alt text: the dashboard's title, then each panel's own description. */
export function describePanels(grid: PanelGrid): string {
  return [grid.title, ...grid.panels.map(describeChart)].join('. ');
}

export async function renderPanels(renderer: ChartRenderer, grid: PanelGrid): Promise<RenderedChart> {
  if (grid.panels.length === 0) throw new Error('A panel grid needs at least one chart.');
  const layout = gridLayout(grid);
  const size = { width: layout.panelWidth, height: layout.panelHeight, devicePixelRatio: layout.devicePixelRatio };
  const rendered = await Promise.all(grid.panels.map((panel) => renderer.render(panel, size)));
  // Loaded on first use, as the offline renderer is: a bot that never draws never loads the canvas.
  const { composeGrid } = await import('./compose.ts');
  const png = await composeGrid(layout, grid, rendered.map((panel) => panel.png));
  const renderers = new Set(rendered.map((panel) => panel.renderer));
  return { png, renderer: renderers.has('offline') ? 'offline' : 'quickchart', width: Math.round(layout.width * layout.devicePixelRatio), height: Math.round(layout.height * layout.devicePixelRatio) };
}
