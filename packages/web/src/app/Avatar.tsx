import type { User } from '@parley/sdk';
import { useClient } from './client.js';

/** Hues for the initials of people without a picture; each person always gets the same one. */
const HUES = [210, 150, 20, 280, 340, 45, 180, 100];

function hueOf(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return HUES[h % HUES.length]!;
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
    <span className="avatar avatar-initials" aria-hidden="true" style={{ ...style, backgroundColor: `hsl(${hueOf(user.id)} 55% 42%)` }}>
      {initials(user.displayName)}
    </span>
  );
}
