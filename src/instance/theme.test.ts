import { describe, expect, it } from 'vitest';
import { CONTRAST_AA, contrastRatio, formatRatio, headerInk, INK, relativeLuminance, themeContrasts, WHITE } from './theme.js';

describe('WCAG contrast', () => {
  it('gives the luminance of the sRGB primaries and the extremes', () => {
    expect(relativeLuminance('#000000')).toBe(0);
    expect(relativeLuminance('#ffffff')).toBeCloseTo(1, 10);
    expect(relativeLuminance('#FF0000')).toBeCloseTo(0.2126, 4);
    expect(relativeLuminance('#00ff00')).toBeCloseTo(0.7152, 4);
    expect(relativeLuminance('#0000ff')).toBeCloseTo(0.0722, 4);
  });

  it('matches the published ratios (black/white 21, #767676 on white 4.54, #777777 fails AA)', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#000000')).toBeCloseTo(21, 5);
    expect(contrastRatio('#123456', '#123456')).toBe(1);
    expect(contrastRatio('#767676', WHITE)).toBeCloseTo(4.54, 2);
    expect(contrastRatio('#777777', WHITE)).toBeLessThan(CONTRAST_AA);
    // The default seal red: styles.css says 8.3:1 on white.
    expect(formatRatio(contrastRatio('#8a2f1d', WHITE))).toBe('8.3');
  });

  it('rounds down for display, so a failing ratio never reads as passing', () => {
    expect(formatRatio(4.4999)).toBe('4.4');
    expect(formatRatio(3.06)).toBe('3.0');
    expect(formatRatio(21)).toBe('21.0');
  });

  it('refuses what is not #rrggbb', () => {
    expect(() => relativeLuminance('red')).toThrow(/#rrggbb/);
    expect(() => relativeLuminance('#fff')).toThrow(/#rrggbb/);
  });

  it('puts dark ink on light headers and white on dark ones', () => {
    expect(headerInk('#ffffff')).toBe(INK);
    expect(headerInk('#f8f5ee')).toBe(INK);
    expect(headerInk('#1f1b16')).toBe(WHITE);
    expect(headerInk('#8a2f1d')).toBe(WHITE);
  });

  it('checks each colour a theme sets against the text it carries', () => {
    expect(themeContrasts({ accent: null, headerBackground: null })).toEqual([]);
    const [accent, header] = themeContrasts({ accent: '#ffcc00', headerBackground: '#00487a' });
    expect(accent).toMatchObject({ field: 'accent', text: WHITE });
    expect(accent!.ratio).toBeLessThan(2);
    expect(header).toMatchObject({ field: 'headerBackground', text: WHITE });
    expect(header!.ratio).toBeGreaterThan(CONTRAST_AA);
  });
});
