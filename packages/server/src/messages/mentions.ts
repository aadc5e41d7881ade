import { mentionAt } from '@parley/protocol';

const MAX_MENTIONS = 50;

export interface ParsedMentions {
  usernames: string[];
  channel: boolean;
}

/** Lines inside fenced code blocks (``` or ~~~, three or more) are not prose. */
function withoutFencedBlocks(text: string): string {
  const kept: string[] = [];
  let fence: string | null = null;
  for (const line of text.split('\n')) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === null && marker) fence = marker;
    else if (fence !== null && marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = null;
    else if (fence === null) kept.push(line);
  }
  return kept.join('\n');
}

/** A code span opens with a run of backticks and closes with a run of the same length. */
const CODE_SPAN = /(?<!`)(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g;

/**
 * Finds @username and @channel in Markdown source, ignoring code (fenced blocks and code spans of
 * any backtick count) and e-mail addresses. Usernames come back lower-cased and distinct.
 */
export function parseMentions(text: string): ParsedMentions {
  const prose = withoutFencedBlocks(text).replace(CODE_SPAN, ' ');
  const usernames = new Set<string>();
  let channel = false;
  for (let at = prose.indexOf('@'); at !== -1; at = prose.indexOf('@', at + 1)) {
    const mention = mentionAt(prose, at, prose[at - 1] ?? '');
    if (!mention) continue;
    if (mention.everyone) channel = true;
    else usernames.add(mention.name);
    if (usernames.size >= MAX_MENTIONS) break;
  }
  return { usernames: [...usernames], channel };
}
