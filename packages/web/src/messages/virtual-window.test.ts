import { describe, expect, it } from 'vitest';
import { covers, indexAt, prefixSums, rangeBetween, runsToDraw } from './virtual-window.js';

// Items 0..4 at 0, 10, 30, 60, 100; the list is 150 high.
const offsets = prefixSums([10, 20, 30, 40, 50]);

describe('prefixSums', () => {
  it('gives where each item starts and the height of them all', () => {
    expect([...offsets]).toEqual([0, 10, 30, 60, 100, 150]);
    expect([...prefixSums([])]).toEqual([0]);
  });

  it('counts a negative height (a measurement gone wrong) as nothing', () => {
    expect([...prefixSums([10, -5, 10])]).toEqual([0, 10, 10, 20]);
  });
});

describe('indexAt', () => {
  it('finds the item under a line, its top edge included', () => {
    expect([0, 9.9, 10, 29, 30, 99, 100, 149].map((y) => indexAt(offsets, y))).toEqual([0, 0, 1, 1, 2, 3, 4, 4]);
  });

  it('gives the first item above the list, the last past its end, and -1 for no items', () => {
    expect(indexAt(offsets, -40)).toBe(0);
    expect(indexAt(offsets, 1e6)).toBe(4);
    expect(indexAt(prefixSums([]), 0)).toBe(-1);
  });
});

describe('rangeBetween', () => {
  it('holds every item that meets the band, and no other', () => {
    expect(rangeBetween(offsets, 15, 65)).toEqual({ start: 1, end: 4 });
    // An item that ends where the band starts, or starts where it ends, does not meet it.
    expect(rangeBetween(offsets, 30, 60)).toEqual({ start: 2, end: 3 });
    expect(rangeBetween(offsets, 0, 150)).toEqual({ start: 0, end: 5 });
  });

  it('clamps a band reaching past either end', () => {
    expect(rangeBetween(offsets, -500, 20)).toEqual({ start: 0, end: 2 });
    expect(rangeBetween(offsets, 120, 9000)).toEqual({ start: 4, end: 5 });
  });

  it('keeps the nearest item for a band off the list, and nothing for no items', () => {
    expect(rangeBetween(offsets, 400, 500)).toEqual({ start: 4, end: 5 });
    expect(rangeBetween(offsets, -90, -10)).toEqual({ start: 0, end: 1 });
    expect(rangeBetween(prefixSums([]), 0, 100)).toEqual({ start: 0, end: 0 });
  });

  it('stays small in a long list: a band the height of a screen meets a screen of items', () => {
    const long = prefixSums(Array.from({ length: 20_000 }, (_, i) => 20 + (i % 7) * 10));
    const mid = long[10_000]!;
    const { start, end } = rangeBetween(long, mid, mid + 600);
    expect(start).toBe(10_000);
    expect(end - start).toBeGreaterThanOrEqual(600 / 80);
    expect(end - start).toBeLessThanOrEqual(600 / 20 + 1);
    expect(long[start]!).toBeLessThanOrEqual(mid);
    expect(long[end]!).toBeGreaterThanOrEqual(mid + 600);
  });
});

describe('covers', () => {
  it('is true when every item of the inner range is in the outer one', () => {
    expect(covers({ start: 2, end: 8 }, { start: 3, end: 8 })).toBe(true);
    expect(covers({ start: 2, end: 8 }, { start: 1, end: 5 })).toBe(false);
    expect(covers({ start: 2, end: 8 }, { start: 5, end: 9 })).toBe(false);
  });
});

describe('runsToDraw', () => {
  it('draws the range between two blanks that stand for the rest', () => {
    expect(runsToDraw(offsets, { start: 1, end: 3 })).toEqual({ runs: [{ start: 1, end: 3, spaceBefore: 10 }], spaceAfter: 90 });
    expect(runsToDraw(offsets, { start: 0, end: 5 })).toEqual({ runs: [{ start: 0, end: 5, spaceBefore: 0 }], spaceAfter: 0 });
  });

  it('draws a pinned item far from the range in its place, the blanks around it adding up to the same height', () => {
    const { runs, spaceAfter } = runsToDraw(offsets, { start: 3, end: 5 }, [0]);
    expect(runs).toEqual([
      { start: 0, end: 1, spaceBefore: 0 },
      { start: 3, end: 5, spaceBefore: 50 },
    ]);
    expect(spaceAfter).toBe(0);
    const after = runsToDraw(offsets, { start: 0, end: 2 }, [4]);
    expect(after.runs).toEqual([
      { start: 0, end: 2, spaceBefore: 0 },
      { start: 4, end: 5, spaceBefore: 70 },
    ]);
  });

  it('merges pinned items inside or next to the range, and ignores ones that no longer exist', () => {
    expect(runsToDraw(offsets, { start: 1, end: 3 }, [2, 3, -1, 9]).runs).toEqual([{ start: 1, end: 4, spaceBefore: 10 }]);
    expect(runsToDraw(offsets, { start: 2, end: 3 }, [1]).runs).toEqual([{ start: 1, end: 3, spaceBefore: 10 }]);
  });

  it('draws nothing for no items', () => {
    expect(runsToDraw(prefixSums([]), { start: 0, end: 0 }, [0])).toEqual({ runs: [], spaceAfter: 0 });
  });
});
