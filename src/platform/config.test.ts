import { describe, expect, it } from 'vitest';
import { loadConfig, tileImageSource } from './config.js';

describe('WENYUAN_MAP_TILE_URL and WENYUAN_MAP_ATTRIBUTION', () => {
  it('default to empty: no tile server', () => {
    expect(loadConfig({}, {})).toMatchObject({ mapTileUrl: '', mapAttribution: '' });
  });

  it.each([
    'https://tiles.museum.example/{z}/{x}/{y}.png',
    'http://127.0.0.1:8081/tiles/{z}/{x}/{y}.webp',
    'https://{s}.tiles.museum.example/{z}/{x}/{y}{r}.png',
  ])('accept %s', (template) => {
    const config = loadConfig({}, { WENYUAN_MAP_TILE_URL: template, WENYUAN_MAP_ATTRIBUTION: '© OpenStreetMap contributors' });
    expect(config).toMatchObject({ mapTileUrl: template, mapAttribution: '© OpenStreetMap contributors' });
  });

  it.each([
    ['tiles.museum.example/{z}/{x}/{y}.png', 'no scheme'],
    ['ftp://tiles.museum.example/{z}/{x}/{y}.png', 'not http(s)'],
    ['https://tiles.museum.example/{z}/{x}.png', 'no {y}'],
    ['javascript:alert(1)//{z}/{x}/{y}', 'a script'],
    ['https://tiles{s}.museum.example/{z}/{x}/{y}.png', 'a placeholder inside a host label'],
  ])('refuse %s (%s), naming the variable', (template) => {
    expect(() => loadConfig({}, { WENYUAN_MAP_TILE_URL: template })).toThrow(/WENYUAN_MAP_TILE_URL: must be an http:\/\/ or https:\/\/ URL template containing \{z\}, \{x\} and \{y\}/);
  });
});

describe('tileImageSource', () => {
  it('is the origin a CSP img-src must allow, {s} as a subdomain wildcard', () => {
    expect(tileImageSource('https://tiles.museum.example/{z}/{x}/{y}.png')).toBe('https://tiles.museum.example');
    expect(tileImageSource('http://127.0.0.1:8081/tiles/{z}/{x}/{y}.webp')).toBe('http://127.0.0.1:8081');
    expect(tileImageSource('https://{s}.tiles.museum.example/{z}/{x}/{y}{r}.png')).toBe('https://*.tiles.museum.example');
  });
});
