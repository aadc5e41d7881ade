import { useCallback, useLayoutEffect, useReducer, useRef, type RefObject } from 'react';
import { flushSync } from 'react-dom';
import { covers, indexAt, prefixSums, rangeBetween, runsToDraw, type IndexRange, type Run } from './virtual-window.js';

/** Within this many pixels of the bottom, the list sticks to the bottom as content grows. */
const STICK_THRESHOLD_PX = 48;
/** Drawn beyond the screen above and below, in screens; drawn again once the screen is within half of that of an edge. */
const OVERSCAN_SCREENS = 1.5;
/** On every item's root element: its key. */
export const ITEM_ATTR = 'data-window-item';
/** On the parts of an item (its messages): their key. The reader's place is kept by the part at the top of the screen. */
export const PART_ATTR = 'data-window-part';

/**
 * Where the reader is: at the bottom, or with the top of the screen `offset` pixels below the top
 * of one element (an item or a part of one; negative when it starts lower). `within`: how far that
 * element starts below its item's top, to find the place again before the element is drawn.
 */
type Anchor = { kind: 'bottom' } | { kind: 'at'; key: string; offset: number; within: number };

interface WindowOptions<T> {
  items: readonly T[];
  keyOf(item: T): string;
  /** The keys of the item's parts (messages), which it marks with PART_ATTR. */
  partsOf(item: T): readonly string[];
  /** A guess at an item's height until it has been drawn and measured. */
  estimate(item: T): number;
  /** Keys of parts or items drawn wherever the screen is: the focused message, the one being edited. */
  pinned: readonly string[];
}

interface Layout<T> {
  items: readonly T[];
  version: number;
  offsets: Float64Array;
  /** Item and part keys → the index of the item. */
  indexOf: ReadonlyMap<string, number>;
}

export interface VirtualWindow {
  scrollerRef: RefObject<HTMLDivElement | null>;
  listRef: RefObject<HTMLOListElement | null>;
  /** What to draw, in order; the first run's blank goes above the list's items, `spaceAfter` below them. */
  runs: readonly Run[];
  spaceAfter: number;
  /** The ref for every item's root element (which carries ITEM_ATTR). */
  measure(el: HTMLElement | null): (() => void) | undefined;
  /** For the scroller's scroll events: notes the reader's new place, draws what came near. */
  onScroll(): void;
  /** The reader is at the bottom, and stays there as content grows. */
  atBottom(): boolean;
  toBottom(): void;
  /** Puts the element with this key `fraction` of the way down the screen. */
  placeAt(key: string, fraction: number): void;
  /** Draws the element with this key if it is not, scrolls it into view and returns it. */
  reveal(key: string): HTMLElement | null;
}

/**
 * A list that draws only the items near the screen, for histories of any length. Heights are
 * measured as items are drawn (and whenever they change: a picture arriving, a reaction) and kept
 * by key; undrawn items are blank space of their known or estimated height. The reader's place is
 * kept by the element at the top of the screen: whatever changes above it (older pages, heights
 * that turn out different from the estimate), the list scrolls by the same amount before the
 * frame is painted, so nothing moves. At the bottom, it stays at the bottom.
 */
export function useVirtualWindow<T>(options: WindowOptions<T>): VirtualWindow {
  const scrollerRef = useRef<HTMLDivElement>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const heights = useRef(new Map<string, number>());
  const heightsVersion = useRef(0);
  const cached = useRef<Layout<T> | null>(null);
  const anchor = useRef<Anchor>({ kind: 'bottom' });
  const drawn = useRef<IndexRange>({ start: 0, end: 0 });
  const observer = useRef<ResizeObserver | null>(null);
  // The scroll range when last put at the bottom: put there again only when that changes, so a
  // reader scrolling up from the bottom is not pulled back by every redraw.
  const keptBottom = useRef(Number.NaN);
  // The scroll position the list last set or saw: anything else is someone else's scroll (a
  // focus into view, find in page) whose scroll event has not come yet.
  const knownScrollTop = useRef(0);
  // Redraws asked for by the commit effect in a row: a bound against ever looping.
  const redrawsInARow = useRef(0);
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  // The newest options, for the handlers and observers that outlive a render.
  const latest = useRef(options);
  latest.current = options;

  const layout = (): Layout<T> => {
    const { items, keyOf, partsOf, estimate } = latest.current;
    const last = cached.current;
    if (last && last.items === items && last.version === heightsVersion.current) return last;
    let indexOf = last?.items === items ? last.indexOf : null;
    if (!indexOf) {
      const index = new Map<string, number>();
      items.forEach((item, i) => {
        index.set(keyOf(item), i);
        for (const part of partsOf(item)) index.set(part, i);
      });
      indexOf = index;
    }
    const offsets = prefixSums(items.map((item) => heights.current.get(keyOf(item)) ?? estimate(item)));
    cached.current = { items, version: heightsVersion.current, offsets, indexOf };
    return cached.current;
  };

  const screenHeight = () => scrollerRef.current?.clientHeight || window.innerHeight;

  /** The band of items to draw around the screen whose top is at `top` in the list, widened by `screens` screens each way. */
  const bandAt = (offsets: Float64Array, top: number, screens: number): IndexRange => {
    const height = screenHeight();
    return rangeBetween(offsets, top - screens * height, top + height + screens * height);
  };

  /** The top of the screen, in pixels from the top of the list's first item (negative above it), as drawn now. */
  const screenTopInList = (): number => {
    const scroller = scrollerRef.current!;
    const list = listRef.current!;
    return visibleTop(scroller) - list.getBoundingClientRect().top - list.clientTop;
  };

  const find = (key: string): HTMLElement | null => {
    const list = listRef.current;
    if (!list) return null;
    const selector = (attr: string) => `[${attr}="${CSS.escape(key)}"]`;
    return list.querySelector<HTMLElement>(selector(PART_ATTR)) ?? list.querySelector<HTMLElement>(selector(ITEM_ATTR));
  };

  /** Scrolls by what moved the anchor, so it is back where the reader had it. */
  const keepPlace = () => {
    const scroller = scrollerRef.current;
    if (!scroller) return;
    const at = anchor.current;
    const end = scroller.scrollHeight - scroller.clientHeight;
    if (at.kind === 'bottom') {
      if (end !== keptBottom.current) scroller.scrollTop = end;
      keptBottom.current = end;
      knownScrollTop.current = scroller.scrollTop;
      return;
    }
    // Scrolled meanwhile by another hand (not the browser pulling it up to the end of a shorter list): that is the place now.
    const moved = scroller.scrollTop - knownScrollTop.current;
    const clamped = moved < 0 && scroller.scrollTop >= end - 1;
    if (Math.abs(moved) > 1 && !clamped) return notePlace();
    const target = find(at.key);
    // Gone (a pending message now sent has another key): the place is kept from what is at the top now.
    if (!target) return notePlace();
    const box = target.getBoundingClientRect();
    const shift = at.offset - (visibleTop(scroller) - box.top);
    if (Math.abs(shift) >= 0.5) scroller.scrollTop += shift;
    knownScrollTop.current = scroller.scrollTop;
    // Placed by key alone (reveal, placeAt), it may sit lower in its item than guessed: next time the band is drawn around where it is.
    const item = target.closest(`[${ITEM_ATTR}]`);
    if (item) anchor.current = { ...at, within: box.top - item.getBoundingClientRect().top };
  };

  /** Learns the reader's place from the screen: at the bottom, or the element at its top. */
  const notePlace = () => {
    const scroller = scrollerRef.current;
    const list = listRef.current;
    if (!scroller || !list) return;
    knownScrollTop.current = scroller.scrollTop;
    const end = scroller.scrollHeight - scroller.clientHeight;
    if (end - scroller.scrollTop < STICK_THRESHOLD_PX) {
      if (anchor.current.kind !== 'bottom') keptBottom.current = end;
      anchor.current = { kind: 'bottom' };
    } else anchor.current = anchorOnScreen(scroller, list) ?? anchorFromLayout();
  };

  /** From the heights alone, when the screen shows only blank space (a jump through the scroll bar). */
  const anchorFromLayout = (): Anchor => {
    const { items, keyOf } = latest.current;
    const { offsets } = layout();
    const top = screenTopInList();
    const index = indexAt(offsets, top);
    if (index < 0) return { kind: 'bottom' };
    return { kind: 'at', key: keyOf(items[index]!), offset: top - offsets[index]!, within: 0 };
  };

  /** Whether the items drawn no longer reach far enough past the screen. */
  const farFromDrawn = (): boolean =>
    !!scrollerRef.current && !!listRef.current && !covers(drawn.current, bandAt(layout().offsets, screenTopInList(), OVERSCAN_SCREENS / 2));

  /** Records a measured height; true when it changed. */
  const record = (key: string, height: number): boolean => {
    if (Math.abs((heights.current.get(key) ?? -1) - height) < 0.5) return false;
    heights.current.set(key, height);
    heightsVersion.current++;
    return true;
  };

  const watch = (): ResizeObserver => {
    observer.current ??= new ResizeObserver((entries) => {
      let changed = false;
      for (const entry of entries) {
        const key = entry.target.getAttribute(ITEM_ATTR);
        if (entry.target === scrollerRef.current) changed = true;
        else if (key !== null && entry.target.isConnected) changed = record(key, entry.borderBoxSize[0]?.blockSize ?? entry.target.getBoundingClientRect().height) || changed;
      }
      // Before this frame is painted: what grew above the reader does not push them down.
      if (!changed) return;
      keepPlace();
      if (farFromDrawn()) redraw();
    });
    return observer.current;
  };

  const measure = useCallback((el: HTMLElement | null) => {
    if (!el) return undefined;
    const watcher = watch();
    watcher.observe(el);
    return () => watcher.unobserve(el);
  }, []);

  useLayoutEffect(() => {
    const scroller = scrollerRef.current;
    if (scroller) watch().observe(scroller);
    return () => {
      observer.current?.disconnect();
      observer.current = null;
    };
  }, []);

  // After every commit, before the paint: the new items' real heights, the reader's place kept.
  useLayoutEffect(() => {
    const list = listRef.current;
    if (!list) return;
    for (const child of list.children) {
      const key = child.getAttribute(ITEM_ATTR);
      if (key !== null) record(key, child.getBoundingClientRect().height);
    }
    keepPlace();
    // Drawn again at once (before the paint) when the place moved away from what was drawn; a bound
    // in case measuring and drawing kept disagreeing.
    if (redrawsInARow.current < 5 && farFromDrawn()) {
      redrawsInARow.current++;
      redraw();
    } else redrawsInARow.current = 0;
  });

  const { offsets, indexOf } = layout();
  const at = anchor.current;
  const known = at.kind === 'at' ? indexOf.get(at.key) : undefined;
  // Where the screen will be once the place is kept; a place that is gone leaves the screen where it is.
  const top =
    at.kind === 'bottom'
      ? offsets[offsets.length - 1]! - screenHeight()
      : known !== undefined
        ? offsets[known]! + at.within + at.offset
        : scrollerRef.current && listRef.current
          ? screenTopInList()
          : 0;
  const range = bandAt(offsets, top, OVERSCAN_SCREENS);
  drawn.current = range;
  const pinned = options.pinned.flatMap((key) => indexOf.get(key) ?? []);
  const { runs, spaceAfter } = runsToDraw(offsets, range, pinned);

  return {
    scrollerRef,
    listRef,
    runs,
    spaceAfter,
    measure,
    onScroll: () => {
      notePlace();
      if (farFromDrawn()) redraw();
    },
    atBottom: () => anchor.current.kind === 'bottom',
    toBottom: () => {
      anchor.current = { kind: 'bottom' };
      keptBottom.current = Number.NaN;
      redraw();
    },
    placeAt: (key, fraction) => {
      anchor.current = { kind: 'at', key, offset: -fraction * screenHeight(), within: 0 };
      redraw();
    },
    reveal: (key) => {
      let el = find(key);
      if (!el) {
        anchor.current = { kind: 'at', key, offset: 0, within: 0 };
        flushSync(redraw);
        el = find(key);
      }
      if (!el) return null;
      el.scrollIntoView({ block: 'nearest' });
      notePlace();
      if (farFromDrawn()) redraw();
      return el;
    },
  };
}

/** The top edge of what the scroller shows, in viewport pixels. */
function visibleTop(scroller: HTMLElement): number {
  return scroller.getBoundingClientRect().top + scroller.clientTop;
}

/**
 * The element at the top of the screen: the first message (part of an item) reaching below it,
 * so a message stays still even when what is above it in its item (a heading) changes. A day
 * separator is not chosen while a message is on screen: its key is "the first item of that day",
 * which moves up as older messages of the day arrive. Null when the screen shows only blank space.
 */
function anchorOnScreen(scroller: HTMLElement, list: HTMLElement): Anchor | null {
  const top = visibleTop(scroller);
  const bottom = top + scroller.clientHeight;
  const items = [...list.children].filter((el): el is HTMLElement => el instanceof HTMLElement && el.hasAttribute(ITEM_ATTR));
  // Drawn items are in order, so the first one ending below the top is found by halving.
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (items[mid]!.getBoundingClientRect().bottom > top) high = mid;
    else low = mid + 1;
  }
  const first = items[low];
  if (!first || first.getBoundingClientRect().top >= bottom) return null;
  for (let i = low; i < items.length; i++) {
    const item = items[i]!;
    const itemTop = item.getBoundingClientRect().top;
    if (itemTop >= bottom) break;
    for (const part of item.querySelectorAll<HTMLElement>(`[${PART_ATTR}]`)) {
      const box = part.getBoundingClientRect();
      if (box.bottom > top) return { kind: 'at', key: part.getAttribute(PART_ATTR)!, offset: top - box.top, within: box.top - itemTop };
    }
  }
  return { kind: 'at', key: first.getAttribute(ITEM_ATTR)!, offset: top - first.getBoundingClientRect().top, within: 0 };
}
