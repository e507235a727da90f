import { describe, expect, it } from 'vitest';
import { activeSection, applyIntersections, pictureSection, progressOf, READING_LINE_MARGIN, sectionAtLine } from './story-activation';

const order = ['intro', 'cave', 'mural', 'end'];

describe('which section is current', () => {
  it('watches a thin band at the reading line', () => {
    expect(READING_LINE_MARGIN).toBe('-40% 0px -59% 0px');
  });

  it('follows the observer as sections cross the reading line', () => {
    let crossing = applyIntersections(new Set(), [{ id: 'intro', isIntersecting: true }]);
    expect(activeSection(order, crossing, null)).toBe('intro');
    crossing = applyIntersections(crossing, [
      { id: 'intro', isIntersecting: false },
      { id: 'cave', isIntersecting: true },
    ]);
    expect([...crossing]).toEqual(['cave']);
    expect(activeSection(order, crossing, 'intro')).toBe('cave');
  });

  it('takes the first in reading order when two cross the line at once', () => {
    expect(activeSection(order, new Set(['mural', 'cave']), null)).toBe('cave');
  });

  it('keeps the previous section in the gap between two, and forgets one that was removed', () => {
    expect(activeSection(order, new Set(), 'mural')).toBe('mural');
    expect(activeSection(order, new Set(), 'gone')).toBeNull();
    expect(activeSection(order, new Set(), null)).toBeNull();
  });

  it('finds the section at the line from positions (after a jump to an anchor)', () => {
    const tops = [
      { id: 'intro', top: -900, bottom: -100 },
      { id: 'cave', top: -60, bottom: 500 },
      { id: 'mural', top: 520, bottom: 1400 },
    ];
    expect(sectionAtLine(tops, 1000)).toBe('cave');
    expect(sectionAtLine([{ id: 'intro', top: 600, bottom: 900 }], 1000)).toBeNull();
  });

  it('counts progress through the story', () => {
    expect(progressOf(order, null)).toEqual({ index: 0, count: 4, fraction: 0 });
    expect(progressOf(order, 'mural')).toEqual({ index: 3, count: 4, fraction: 0.75 });
    expect(progressOf([], null)).toEqual({ index: 0, count: 0, fraction: 0 });
  });
});

describe('which picture the pane shows', () => {
  it('shows the current section\'s picture, else the one above it, else the cover', () => {
    const pictures = [false, true, false, true];
    expect(pictureSection(order, pictures, 'intro')).toBeNull();
    expect(pictureSection(order, pictures, 'cave')).toBe(1);
    expect(pictureSection(order, pictures, 'mural')).toBe(1);
    expect(pictureSection(order, pictures, 'end')).toBe(3);
    expect(pictureSection(order, pictures, null)).toBeNull();
  });
});
