import type * as EmojiModule from '@parley/emoji';

/**
 * The emoji dataset (≈165 kB gzipped) is its own chunk, fetched the first time a picker or an
 * autocomplete needs it, never on the first page.
 */
let loading: Promise<typeof EmojiModule> | null = null;

export function loadEmoji(): Promise<typeof EmojiModule> {
  loading ??= import('@parley/emoji');
  return loading;
}
