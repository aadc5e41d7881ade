import { limits } from '@parley/protocol';

/** Words that mention everyone in the conversation instead of a user. */
export const BROADCAST_MENTIONS = new Set(['channel', 'here', 'everyone']);

const MAX_MENTIONS = 50;

export interface ParsedMentions {
  usernames: string[];
  channel: boolean;
}

/**
 * Finds @username and @channel in Markdown source, ignoring code (fenced and inline) and e-mail
 * addresses. Usernames come back lower-cased and distinct.
 */
export function parseMentions(text: string): ParsedMentions {
  const prose = text.replace(/```[\s\S]*?(?:```|$)/g, ' ').replace(/`[^`\n]*`/g, ' ');
  const usernames = new Set<string>();
  let channel = false;
  for (const match of prose.matchAll(/(?<![\w@.])@([a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?)/gi)) {
    const name = (match[1] ?? '').toLowerCase();
    if (BROADCAST_MENTIONS.has(name)) channel = true;
    else if (name.length >= limits.usernameMinLength && name.length <= limits.usernameMaxLength) usernames.add(name);
    if (usernames.size >= MAX_MENTIONS) break;
  }
  return { usernames: [...usernames], channel };
}
