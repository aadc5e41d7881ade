import type { User } from '@parley/sdk';
import { useClient } from './client.js';

/**
 * Colours behind the initials of people without a picture; each person always gets the same one.
 * Eight hues, each dark enough for white initials (at least 4.5:1, checked in theme.test.ts).
 */
export const AVATAR_COLOURS = ['#306ba6', '#257e52', '#a65730', '#7f30a6', '#a63057', '#866f27', '#257e7e', '#437e25'];

function colourOf(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return AVATAR_COLOURS[h % AVATAR_COLOURS.length]!;
}

function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]!, words.at(-1)!] : words;
  return letters.map((w) => [...w][0]!.toUpperCase()).join('') || '?';
}

/** A person's picture, or their initials on a colour of their own; decorative, as their name is always beside it. */
export function Avatar({ user, size = 32 }: { user: Pick<User, 'id' | 'displayName' | 'avatarUrl'>; size?: number }) {
  const client = useClient();
  const style = { width: size, height: size, fontSize: Math.round(size * 0.4) };
  if (user.avatarUrl) return <img className="avatar" src={client.fileUrl(user.avatarUrl)} alt="" width={size} height={size} style={style} />;
  return (
    <span className="avatar avatar-initials" aria-hidden="true" style={{ ...style, backgroundColor: colourOf(user.id) }}>
      {initials(user.displayName)}
    </span>
  );
}
