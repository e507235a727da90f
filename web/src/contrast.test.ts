import { describe, expect, it } from 'vitest';
import { contrastRatio, darken, formatRatio, themeProperties, WHITE } from './contrast';

describe('theme colours on the client', () => {
  it('uses the WCAG ratio the server checks with', () => {
    expect(formatRatio(contrastRatio('#767676', WHITE))).toBe('4.5');
    expect(formatRatio(contrastRatio('#ffcc00', WHITE))).toBe('1.5');
  });

  it('darkens toward black', () => {
    expect(darken('#ffffff', 0)).toBe('#ffffff');
    expect(darken('#ffffff', 1)).toBe('#000000');
    expect(darken('#8a2f1d', 0.5)).toBe('#45180f');
    expect(contrastRatio(darken('#c8643c', 0.22), WHITE)).toBeGreaterThan(contrastRatio('#c8643c', WHITE));
  });

  it('sets only the properties of the colours chosen', () => {
    expect(themeProperties(null)).toEqual({});
    expect(themeProperties({ accent: null, headerBackground: null })).toEqual({});
    expect(themeProperties({ accent: '#00487A', headerBackground: null })).toEqual({ '--accent': '#00487a', '--link': '#00487a', '--accent-hover': darken('#00487a', 0.22) });
    expect(themeProperties({ accent: null, headerBackground: '#1f1b16' })).toEqual({ '--header-bg': '#1f1b16', '--header-ink': '#ffffff' });
    expect(themeProperties({ accent: null, headerBackground: '#f1ece2' })['--header-ink']).toBe('#1f1b16');
    // Whatever does not look like a colour never reaches the style sheet.
    expect(themeProperties({ accent: 'red;background:url(x)', headerBackground: null })).toEqual({});
  });
});
