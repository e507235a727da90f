import { describe, expect, it } from 'vitest';
import { editCandidates } from './search-typos.js';

describe('editCandidates', () => {
  it('covers one deletion, insertion, substitution and transposition', () => {
    const near = new Set(editCandidates('amnog'));
    expect(near.has('among')).toBe(true); // transposition
    expect(near.has('amnogs')).toBe(true); // insertion
    expect(near.has('amnig')).toBe(true); // substitution
    expect(near.has('amnog')).toBe(false);
    expect(editCandidates('travellers')).toContain('travelers'); // deletion
    expect(editCandidates('paintng')).toContain('painting'); // insertion
  });

  it('never offers a word shorter than five letters, nor two edits away', () => {
    const near = editCandidates('kuanx');
    expect(near).not.toContain('kuan');
    expect(near.every((w) => w.length >= 5)).toBe(true);
    expect(editCandidates('amnog')).not.toContain('among1');
    expect(editCandidates('abcdefghijkl').length).toBeLessThan(700);
  });
});
