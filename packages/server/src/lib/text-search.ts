/** Lower-case, accents removed: "Zoë" is found by "zoe". */
export function searchable(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The text's words, searchable and without duplicates: what word-prefix search matches against. */
export function searchWords(text: string): string[] {
  return [...new Set(searchable(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean))];
}

/** Escapes LIKE's wildcards, for patterns written with `escape '\'`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => '\\' + c);
}
