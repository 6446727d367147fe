// The look every chart shares, so price, cost and monitoring charts read as one product.

/**
 * Okabe–Ito colours, ordered for a white background: distinguishable with the common forms of
 * colour blindness. Yellow comes last because it is faint on white.
 */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#000000', '#F0E442'] as const;

/** Registered from the `dejavu-fonts-ttf` package (fonts.ts), so text never depends on system fonts. */
export const FONT_FAMILY = 'DejaVu Sans';

export const TEXT_COLOR = '#222222';
export const GRID_COLOR = '#e5e5e5';
export const BACKGROUND_COLOR = '#ffffff';

export const DEFAULT_SIZE = { width: 800, height: 450, devicePixelRatio: 2 } as const;

/** Line dash patterns (canvas setLineDash) for telling series of one colour apart. */
export const DASHES = { solid: [], dashed: [8, 4], dotted: [2, 4] } as const;
export type LineStyle = keyof typeof DASHES;

/** Assigns palette colours by key in order of first appearance: the same key gets the same colour. */
export function colourAssigner(): (key: string) => { colour: string; cycle: number } {
  const seen = new Map<string, number>();
  return (key) => {
    if (!seen.has(key)) seen.set(key, seen.size);
    const index = seen.get(key)!;
    return { colour: PALETTE[index % PALETTE.length]!, cycle: Math.floor(index / PALETTE.length) };
  };
}

/** `#RRGGBB` with an alpha channel, for bar fills and areas. */
export function withAlpha(hex: string, alpha: number): string {
  const value = Math.round(alpha * 255).toString(16).padStart(2, '0');
  return `${hex}${value}`;
}

/** Logical size in CSS pixels; the PNG is width × devicePixelRatio pixels wide (crisp on phones). */
export interface ChartSize {
  width: number;
  height: number;
  devicePixelRatio: number;
}
