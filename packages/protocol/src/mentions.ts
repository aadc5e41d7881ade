import { limits } from './limits.js';
import { RESERVED_USERNAMES } from './users.js';

/** What a username looks like after the @ (the `usernamePattern` without its anchors). */
const NAME = '[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?';
const NAME_AT = new RegExp(NAME, 'iy');
/** An @ that starts a mention: not inside a word, an e-mail address or another mention. */
const NOT_A_BOUNDARY = /[\w@.]/;

export interface MentionMatch {
  /** Lower-cased, as usernames are stored. */
  name: string;
  /** Where the mention ends in the text (just after its name). */
  end: number;
  /** @channel, @here or @everyone: everyone in the conversation. */
  everyone: boolean;
}

/**
 * The mention at `at` (where an `@` is), or null: the one rule the server parses mentions with
 * and clients highlight them by. `before` is the character before the `@` ('' at the start).
 *
 * @example
 * mentionAt('hi @Bob.', 3, ' '); // { name: 'bob', end: 7, everyone: false }
 * mentionAt('mail bob@example.com', 8, 'b'); // null: an e-mail address
 */
export function mentionAt(text: string, at: number, before: string): MentionMatch | null {
  if (text[at] !== '@' || (before !== '' && NOT_A_BOUNDARY.test(before))) return null;
  NAME_AT.lastIndex = at + 1;
  const match = NAME_AT.exec(text);
  if (!match) return null;
  const name = match[0].toLowerCase();
  const everyone = RESERVED_USERNAMES.has(name);
  if (!everyone && (name.length < limits.usernameMinLength || name.length > limits.usernameMaxLength)) return null;
  return { name, end: at + 1 + match[0].length, everyone };
}
