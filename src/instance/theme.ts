/**
 * The instance's colours and the contrast rules they must meet. Pure: the server refuses a theme
 * with it and the setup page (web/src/contrast.ts) warns with the same figures as the admin types.
 */

/** A colour as the theme stores it: `#rrggbb`, lower-case. */
export const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;

/** The text colours the theme's colours are used with (styles.css: --accent-ink, --ink). */
export const WHITE = '#ffffff';
export const INK = '#1f1b16';

/** WCAG 2.x asks for this ratio between normal text and its background (SC 1.4.3, AA). */
export const CONTRAST_AA = 4.5;
/** Below this even large text and interface parts are hard to see (SC 1.4.11): the server refuses it. */
export const CONTRAST_MIN = 3;

export interface Theme {
  /** Buttons (white text on it), links and marks (on white); null: the default seal red. */
  accent: string | null;
  /** The site header's background; null: white. */
  headerBackground: string | null;
}

/** The relative luminance of an `#rrggbb` colour (WCAG 2.x definition, sRGB). */
export function relativeLuminance(hex: string): number {
  if (!HEX_COLOUR.test(hex)) throw new Error(`not a #rrggbb colour: ${hex}`);
  const channel = (offset: number) => {
    const c = parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** The WCAG 2.x contrast ratio of two `#rrggbb` colours, from 1 (none) to 21 (black on white). */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** A ratio as people read it: one decimal, rounded down so 4.49 never shows as a passing 4.5. */
export function formatRatio(ratio: number): string {
  return (Math.floor(ratio * 10) / 10).toFixed(1);
}

/** The text colour for a header of this background: ink or white, whichever reads better. */
export function headerInk(background: string): string {
  return contrastRatio(background, INK) >= contrastRatio(background, WHITE) ? INK : WHITE;
}

/** How one colour of the theme fares against the text it is used with. */
export interface ThemeContrast {
  field: keyof Theme;
  colour: string;
  text: string;
  ratio: number;
}

/** The contrast of each colour set in a theme against the text it carries (accent: white; header: its ink). */
export function themeContrasts(theme: Partial<Theme>): ThemeContrast[] {
  const out: ThemeContrast[] = [];
  if (theme.accent) out.push({ field: 'accent', colour: theme.accent, text: WHITE, ratio: contrastRatio(theme.accent, WHITE) });
  if (theme.headerBackground) {
    const text = headerInk(theme.headerBackground);
    out.push({ field: 'headerBackground', colour: theme.headerBackground, text, ratio: contrastRatio(theme.headerBackground, text) });
  }
  return out;
}
