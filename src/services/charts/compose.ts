// Draws a panel grid (panels.ts) onto one canvas: white background, the header text in the charts'
// font, each panel's PNG in its cell, hairlines between cells.
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { registerChartFonts } from './fonts.ts';
import { HEADER_HEIGHT, type GridLayout, type PanelGrid } from './panels.ts';
import { BACKGROUND_COLOR, FONT_FAMILY, GRID_COLOR, TEXT_COLOR } from './theme.ts';

export async function composeGrid(layout: GridLayout, text: Pick<PanelGrid, 'title' | 'subtitle'>, panels: Uint8Array[]): Promise<Uint8Array> {
  registerChartFonts();
  const scale = layout.devicePixelRatio;
  const canvas = createCanvas(Math.round(layout.width * scale), Math.round(layout.height * scale));
  const ctx = canvas.getContext('2d');
  ctx.scale(scale, scale);
  ctx.fillStyle = BACKGROUND_COLOR;
  ctx.fillRect(0, 0, layout.width, layout.height);
  ctx.fillStyle = TEXT_COLOR;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'alphabetic';
  ctx.font = `bold 22px "${FONT_FAMILY}"`;
  ctx.fillText(text.title, layout.width / 2, text.subtitle ? 30 : 40, layout.width - 24);
  if (text.subtitle) {
    ctx.font = `14px "${FONT_FAMILY}"`;
    ctx.fillText(text.subtitle, layout.width / 2, 52, layout.width - 24);
  }
  ctx.strokeStyle = GRID_COLOR;
  ctx.lineWidth = 1;
  for (const [index, png] of panels.entries()) {
    const x = (index % layout.columns) * layout.panelWidth;
    const y = HEADER_HEIGHT + Math.floor(index / layout.columns) * layout.panelHeight;
    const image = await loadImage(Buffer.from(png));
    ctx.drawImage(image, x, y, layout.panelWidth, layout.panelHeight);
    ctx.strokeRect(x + 0.5, y + 0.5, layout.panelWidth - 1, layout.panelHeight - 1);
  }
  return canvas.encode('png');
}
