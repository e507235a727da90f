import { describe, expect, it } from 'vitest';
import { compileGlob, escapeGlob, FolderIndex, naturalOrder, showGlob } from './file-match.js';

const index = (rels: string[]): FolderIndex => new FolderIndex(rels.map((rel) => ({ rel, abs: `/root/${rel}`, size: 1 })));
const rels = (files: { rel: string }[]): string[] => files.map((f) => f.rel);

describe('glob patterns over an import folder', () => {
  const folder = index([
    'images/A1_10.tif',
    'images/A1_2.tif',
    'images/a1_1.TIF',
    'images/A12_1.tif',
    'images/A1_notes.txt',
    'images/sub/A1_3.tif',
    'A1.jpg',
    'scans/2001/A1.jpg',
    'cafe\u0301.png',
  ]);

  it('matches * within a folder, ignores case, and orders naturally', () => {
    expect(rels(folder.glob('images/A1_*.tif'))).toEqual(['images/a1_1.TIF', 'images/A1_2.tif', 'images/A1_10.tif']);
    expect(rels(folder.glob('images/A1?*.tif'))).toEqual(['images/a1_1.TIF', 'images/A1_2.tif', 'images/A1_10.tif', 'images/A12_1.tif']);
    expect(rels(folder.glob('images/A1_?.tif'))).toEqual(['images/a1_1.TIF', 'images/A1_2.tif']);
  });

  it('spans folders only with ** as a whole segment', () => {
    expect(rels(folder.glob('**/A1.jpg'))).toEqual(['A1.jpg', 'scans/2001/A1.jpg']);
    expect(rels(folder.glob('images/**/A1_3.tif'))).toEqual(['images/sub/A1_3.tif']);
    expect(rels(folder.glob('images/**'))).toHaveLength(6);
    // Inside a name, ** is a plain * (it does not reach into images/sub/).
    expect(rels(folder.glob('images/A1**.tif'))).toEqual(['images/a1_1.TIF', 'images/A1_2.tif', 'images/A1_10.tif', 'images/A12_1.tif']);
  });

  it('matches escaped values literally and folds Unicode normalisation', () => {
    expect(escapeGlob('1977.12*a?\\')).toBe('1977.12\\*a\\?\\\\');
    expect(showGlob('images/1977\\*_*.tif')).toBe('images/1977*_*.tif');
    expect(index(['x*y.jpg', 'xzy.jpg']).glob(`${escapeGlob('x*y')}.jpg`).map((f) => f.rel)).toEqual(['x*y.jpg']);
    expect(rels(folder.glob('café.png'))).toEqual(['cafe\u0301.png']);
    expect(compileGlob('Images/A1_*.tif')).toMatchObject({ prefix: 'images/a1_' });
  });

  it('finds a file by name in any folder, preferring the exact spelling', () => {
    expect(rels(folder.byName('A1.jpg'))).toEqual(['A1.jpg', 'scans/2001/A1.jpg']);
    expect(rels(folder.byName('A1_3.tif'))).toEqual(['images/sub/A1_3.tif']);
    expect(rels(index(['a/X.jpg', 'b/x.jpg']).byName('x.jpg'))).toEqual(['b/x.jpg']);
    expect(rels(index(['a/X.jpg']).byName('x.jpg'))).toEqual(['a/X.jpg']);
  });

  it('orders digits as numbers', () => {
    expect(['p10', 'p9', 'p1', 'P2'].sort(naturalOrder)).toEqual(['p1', 'P2', 'p9', 'p10']);
  });
});
