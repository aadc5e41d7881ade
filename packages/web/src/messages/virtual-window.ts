/**
 * The arithmetic of a windowed list: where each item starts given the heights (measured or
 * estimated), which items meet a band of the scroll range, and what to draw for it. Pure, so it
 * is tested without a browser; `useVirtualWindow` does the DOM side.
 */

/** offsets[i] is where item i starts, in pixels from the top of the list; offsets[n] is the height of them all. */
export function prefixSums(heights: readonly number[]): Float64Array {
  const offsets = new Float64Array(heights.length + 1);
  for (let i = 0; i < heights.length; i++) offsets[i + 1] = offsets[i]! + Math.max(0, heights[i]!);
  return offsets;
}

/** The item under the line `y`: above the list that is the first, past its end the last; -1 when there is none. */
export function indexAt(offsets: Float64Array, y: number): number {
  const count = offsets.length - 1;
  if (count <= 0) return -1;
  // The last item that starts at or above y.
  let low = 0;
  let high = count - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (offsets[mid]! <= y) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** Items `start` to `end - 1`. */
export interface IndexRange {
  readonly start: number;
  readonly end: number;
}

/** The items that meet the band from `top` to `bottom`; never empty while there are items (a band off the list gets the nearest). */
export function rangeBetween(offsets: Float64Array, top: number, bottom: number): IndexRange {
  const count = offsets.length - 1;
  if (count <= 0) return { start: 0, end: 0 };
  const start = indexAt(offsets, top);
  // The first item that starts at or below the band's bottom edge is the first one left out.
  let low = start + 1;
  let high = count;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (offsets[mid]! >= bottom) high = mid;
    else low = mid + 1;
  }
  return { start, end: low };
}

/** Whether `outer` holds every item of `inner`. */
export function covers(outer: IndexRange, inner: IndexRange): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

/** Consecutive items drawn together, after a blank the height of the undrawn items before them. */
export interface Run extends IndexRange {
  readonly spaceBefore: number;
}

/**
 * What to draw: the items of `range`, and the `pinned` ones wherever they are (an item holding
 * the focus must not vanish), as runs in order, with the blank space left after the last run.
 */
export function runsToDraw(offsets: Float64Array, range: IndexRange, pinned: readonly number[] = []): { runs: Run[]; spaceAfter: number } {
  const count = offsets.length - 1;
  const spans: IndexRange[] = range.end > range.start ? [range] : [];
  for (const index of pinned) if (index >= 0 && index < count) spans.push({ start: index, end: index + 1 });
  spans.sort((a, b) => a.start - b.start);
  const runs: Run[] = [];
  let drawnTo = 0;
  for (const span of spans) {
    const last = runs.at(-1);
    if (last && span.start <= last.end) {
      if (span.end > last.end) runs[runs.length - 1] = { ...last, end: span.end };
    } else {
      runs.push({ ...span, spaceBefore: offsets[span.start]! - offsets[drawnTo]! });
    }
    drawnTo = runs.at(-1)!.end;
  }
  return { runs, spaceAfter: offsets[count]! - offsets[drawnTo]! };
}
