import { emojiIndex } from './dataset.js';
import { type CustomEmoji, type ShortcodeToken } from './types.js';

/** `:name:` at the current position; shortcodes hold letters, digits, `_`, `+` and `-` (`:+1:`, `:t-rex:`). */
const SHORTCODE = /:([a-z0-9_+-]{1,64}):/iy;
const ALPHANUMERIC = /[a-z0-9]/i;

/**
 * Splits text into plain text and `:shortcode:` tokens resolved to unicode or custom emoji. Unknown
 * shortcodes stay text, as does everything inside `inline code` and ``` / ~~~ fenced blocks. A
 * shortcode must not touch a letter or digit on either side, so `10:30:45` and `a:b:c` stay text.
 * Skin-tone shortcodes resolve to the toned emoji (`:+1_tone3:` → 👍🏽). When a custom emoji has the
 * name of a unicode shortcode, the unicode emoji wins, as in {@link replaceShortcodes}.
 *
 * @example
 * tokenizeShortcodes('ship it :tada: :parley:', new Map([['parley', { name: 'parley', url: '/e/parley.png' }]]));
 * // [{ kind: 'text', text: 'ship it ' }, { kind: 'unicode', text: ':tada:', emoji: '🎉' },
 * //  { kind: 'text', text: ' ' }, { kind: 'custom', text: ':parley:', emoji: { name: 'parley', url: '/e/parley.png' } }]
 */
export function tokenizeShortcodes(text: string, custom?: ReadonlyMap<string, CustomEmoji>): ShortcodeToken[] {
  const tokens: ShortcodeToken[] = [];
  let textStart = 0;
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if ((char === '`' || char === '~') && atLineStart(text, i)) {
      const end = fencedBlockEnd(text, i);
      if (end !== undefined) {
        i = end;
        continue;
      }
    }
    if (char === '`') {
      i = codeSpanEnd(text, i);
      continue;
    }
    if (char === ':' && !ALPHANUMERIC.test(text[i - 1] ?? '')) {
      SHORTCODE.lastIndex = i;
      const match = SHORTCODE.exec(text);
      const end = SHORTCODE.lastIndex;
      const name = match?.[1];
      if (match && name !== undefined && !ALPHANUMERIC.test(text[end] ?? '')) {
        const token = resolve(match[0], name, custom);
        if (token) {
          if (i > textStart) tokens.push({ kind: 'text', text: text.slice(textStart, i) });
          tokens.push(token);
          i = textStart = end;
          continue;
        }
      }
    }
    i++;
  }
  if (text.length > textStart) tokens.push({ kind: 'text', text: text.slice(textStart) });
  return tokens;
}

/**
 * Replaces known `:shortcodes:` with unicode emoji, e.g. in a composer on send; custom emoji stay
 * `:name:` (the server and the clients resolve those), and so does code.
 *
 * @example
 * replaceShortcodes('nice :+1: `:tada:`'); // 'nice 👍 `:tada:`'
 * replaceShortcodes(':parley: :nope:'); // ':parley: :nope:'
 */
export function replaceShortcodes(text: string): string {
  let out = '';
  for (const token of tokenizeShortcodes(text)) out += token.kind === 'unicode' ? token.emoji : token.text;
  return out;
}

function resolve(text: string, name: string, custom: ReadonlyMap<string, CustomEmoji> | undefined): ShortcodeToken | undefined {
  const lower = name.toLowerCase();
  const { byShortcode, toneShortcodes } = emojiIndex();
  const unicode = byShortcode.get(lower)?.emoji ?? toneShortcodes.get(lower)?.emoji;
  if (unicode !== undefined) return { kind: 'unicode', text, emoji: unicode };
  const emoji = custom?.get(name) ?? custom?.get(lower);
  return emoji ? { kind: 'custom', text, emoji } : undefined;
}

/** True if only up to three spaces precede `i` on its line: where a Markdown fence may open. */
function atLineStart(text: string, i: number): boolean {
  const lineStart = text.lastIndexOf('\n', i - 1) + 1;
  return i - lineStart <= 3 && /^ *$/.test(text.slice(lineStart, i));
}

/**
 * If a fence (three or more ` or ~) opens at `i`, the index after its closing fence line, or the
 * end of the text when it is never closed (CommonMark's rule).
 */
function fencedBlockEnd(text: string, i: number): number | undefined {
  const char = text[i] ?? '';
  const length = runLength(text, i, char);
  if (length < 3) return undefined;
  const lineEnd = indexOrEnd(text, '\n', i);
  if (char === '`' && text.slice(i + length, lineEnd).includes('`')) return undefined;

  const closing = new RegExp(`^ {0,3}${char === '`' ? '`' : '~'}{${length},}[ \\t]*$`);
  let lineStart = lineEnd + 1;
  while (lineStart <= text.length) {
    const end = indexOrEnd(text, '\n', lineStart);
    if (closing.test(text.slice(lineStart, end))) return end;
    lineStart = end + 1;
  }
  return text.length;
}

/** The index after a code span opening at `i`, or after the backticks if they never close. */
function codeSpanEnd(text: string, i: number): number {
  const length = runLength(text, i, '`');
  let j = text.indexOf('`', i + length);
  while (j !== -1) {
    const closing = runLength(text, j, '`');
    if (closing === length) return j + closing;
    j = text.indexOf('`', j + closing);
  }
  return i + length;
}

function runLength(text: string, i: number, char: string): number {
  let j = i;
  while (text[j] === char) j++;
  return j - i;
}

function indexOrEnd(text: string, search: string, from: number): number {
  const i = text.indexOf(search, from);
  return i === -1 ? text.length : i;
}
