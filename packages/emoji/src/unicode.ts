const VS16 = /\uFE0F/g;

/**
 * A text-default emoji character (Emoji=Yes, Emoji_Presentation=No) not followed by a skin tone:
 * Unicode's fully-qualified form puts U+FE0F after it. Every emoji added since Unicode 9 defaults to
 * emoji presentation, so an engine that does not know a newer character (\p{Emoji} is false for it)
 * still gets the right answer: no selector.
 */
const NEEDS_VS16 = /(?!\p{Emoji_Presentation})(\p{Emoji})(?!\p{Emoji_Modifier})/gu;

/** The lookup key of an emoji: the sequence without any U+FE0F, so "❤" and "❤️" meet. */
export function emojiKey(value: string): string {
  return value.replace(VS16, '');
}

/**
 * The fully-qualified form of an emoji sequence. Emojibase writes U+FE0F after every emoji that has
 * a text variant, even where the emoji already defaults to emoji presentation (its 👍 is U+1F44D
 * U+FE0F); keyboards send the Unicode form, so that is the one we hand out.
 */
export function fullyQualified(value: string): string {
  return emojiKey(value).replace(NEEDS_VS16, '$1\uFE0F');
}

const FIRST_TONE = 0x1f3fb;
const LAST_TONE = 0x1f3ff;

/** The skin tones (1..5) a sequence contains, in order, e.g. [1, 3] for a two-person emoji. */
export function tonesOf(value: string): number[] {
  const tones: number[] = [];
  for (const char of value) {
    const cp = char.codePointAt(0) ?? 0;
    if (cp >= FIRST_TONE && cp <= LAST_TONE) tones.push(cp - FIRST_TONE + 1);
  }
  return tones;
}
