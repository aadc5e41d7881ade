/** What is being typed at the caret that the composer can complete. */
export interface Trigger {
  kind: 'emoji' | 'mention';
  /** After the `:` or `@`. */
  query: string;
  /** Where the `:` or `@` is. */
  start: number;
}

// At a word start: `:` then two or more shortcode characters (one would pop up at every "a:b").
const EMOJI_AT_CARET = /(?:^|[\s(])(:[a-z0-9_+-]{2,})$/i;
// `@` at a word start, then what a username may hold so far (nothing yet is fine: the list opens).
const MENTION_AT_CARET = /(?:^|[\s(])(@[a-z0-9_.-]*)$/i;

/** The completion the text before the caret asks for, if any. */
export function findTrigger(text: string, caret: number): Trigger | null {
  const before = text.slice(0, caret);
  const emoji = EMOJI_AT_CARET.exec(before);
  if (emoji) return { kind: 'emoji', query: emoji[1]!.slice(1), start: caret - emoji[1]!.length };
  const mention = MENTION_AT_CARET.exec(before);
  if (mention) return { kind: 'mention', query: mention[1]!.slice(1), start: caret - mention[1]!.length };
  return null;
}

/** The text with the trigger replaced (and a space after it), and where the caret goes. */
export function complete(text: string, caret: number, trigger: Trigger, replacement: string): { text: string; caret: number } {
  const inserted = `${replacement} `;
  const after = text.slice(caret).replace(/^ /, '');
  return { text: text.slice(0, trigger.start) + inserted + after, caret: trigger.start + inserted.length };
}

/** Inserts at the caret (the emoji picker), replacing a selection. */
export function insertAt(text: string, start: number, end: number, insert: string): { text: string; caret: number } {
  return { text: text.slice(0, start) + insert + text.slice(end), caret: start + insert.length };
}
