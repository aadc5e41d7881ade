import { limits, RESERVED_USERNAMES } from '@parley/protocol';

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
  for (const match of prose.matchAll(/(?<![\w@.])@([a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?)/gi)) {
    const name = (match[1] ?? '').toLowerCase();
    // The reserved names are the words that mention everyone in the conversation.
    if (RESERVED_USERNAMES.has(name)) channel = true;
    else if (name.length >= limits.usernameMinLength && name.length <= limits.usernameMaxLength) usernames.add(name);
    if (usernames.size >= MAX_MENTIONS) break;
  }
  return { usernames: [...usernames], channel };
}
