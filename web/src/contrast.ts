/**
 * Colour contrast for the web client: the same WCAG 2.x arithmetic the server checks a theme with
 * (src/instance/theme.ts), and the CSS custom properties a theme sets.
 */
import { contrastRatio, CONTRAST_AA, CONTRAST_MIN, formatRatio, headerInk, HEX_COLOUR, INK, themeContrasts, WHITE, type Theme } from '../../src/instance/theme';

export { contrastRatio, CONTRAST_AA, CONTRAST_MIN, formatRatio, headerInk, HEX_COLOUR, INK, themeContrasts, WHITE, type Theme };

/** Mixes an `#rrggbb` colour with black: `amount` 0 keeps it, 1 gives black. */
export function darken(hex: string, amount: number): string {
  if (!HEX_COLOUR.test(hex)) throw new Error(`not a #rrggbb colour: ${hex}`);
  const channel = (offset: number) =>
    Math.round(parseInt(hex.slice(offset, offset + 2), 16) * (1 - amount))
      .toString(16)
      .padStart(2, '0');
  return `#${channel(1)}${channel(3)}${channel(5)}`;
}

/** The CSS custom properties (styles.css) a theme overrides; the defaults stay for colours it leaves unset. */
export function themeProperties(theme: Partial<Theme> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (theme?.accent && HEX_COLOUR.test(theme.accent)) {
    const accent = theme.accent.toLowerCase();
    out['--accent'] = accent;
    out['--link'] = accent;
    // Hover darkens, which only raises the contrast of the white text on it.
    out['--accent-hover'] = darken(accent, 0.22);
  }
  if (theme?.headerBackground && HEX_COLOUR.test(theme.headerBackground)) {
    const background = theme.headerBackground.toLowerCase();
    out['--header-bg'] = background;
    out['--header-ink'] = headerInk(background);
  }
  return out;
}
