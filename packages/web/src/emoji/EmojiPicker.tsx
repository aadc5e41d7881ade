import { EMOJI_GROUPS, emojiByGroup, searchEmoji, withSkinTone, type EmojiEntry, type EmojiGroup, type SkinTone } from '@parley/emoji';
import { useMemo, useState } from 'react';
import { usePopover } from '../app/usePopover.js';
import { t } from '../i18n/index.js';
import { chooseSkinTone, recentEmoji, rememberEmoji, skinTone } from './preferences.js';

interface EmojiPickerProps {
  /** What the picker is for, for screen readers ("Add emoji", "Add reaction"). */
  label: string;
  onPick: (emoji: string) => void;
  onClose: () => void;
}

const TONES: readonly SkinTone[] = [0, 1, 2, 3, 4, 5];
const TONE_SAMPLE = ['✋', '✋🏻', '✋🏼', '✋🏽', '✋🏾', '✋🏿'];
const SEARCH_LIMIT = 80;

/**
 * Search, categories, skin tones and recently used. Loaded on demand with the emoji dataset
 * (default export for React.lazy). Escape or a click outside closes it.
 */
export default function EmojiPicker({ label, onPick, onClose }: EmojiPickerProps) {
  const [query, setQuery] = useState('');
  const [group, setGroup] = useState<EmojiGroup | 'recent'>(() => (recentEmoji().length ? 'recent' : 'smileys'));
  const [tone, setTone] = useState<SkinTone>(skinTone);
  const popover = usePopover<HTMLDivElement>(onClose);


  const shown: readonly string[] = useMemo(() => {
    const toned = (entry: EmojiEntry) => withSkinTone(entry, tone);
    if (query.trim()) return searchEmoji(query, { limit: SEARCH_LIMIT }).flatMap((r) => (r.kind === 'unicode' ? [toned(r.entry)] : []));
    if (group === 'recent') return recentEmoji();
    return emojiByGroup(group).map(toned);
  }, [query, group, tone]);

  const pick = (emoji: string) => {
    rememberEmoji(emoji);
    onPick(emoji);
  };

  return (
    <div ref={popover.ref} className="emoji-picker" role="dialog" aria-label={label} onKeyDown={popover.onKeyDown}>
      <input type="search" aria-label={t('emoji.search')} placeholder={t('emoji.search')} value={query} onChange={(e) => setQuery(e.target.value)} autoFocus />
      {!query.trim() && (
        <div className="emoji-groups" role="tablist" aria-label={t('emoji.categories')}>
          {(['recent', ...EMOJI_GROUPS.map((g) => g.id)] as const).map((id) => (
            <button key={id} type="button" role="tab" className="icon" aria-selected={group === id} aria-label={t(`emoji.group.${id}`)} title={t(`emoji.group.${id}`)} onClick={() => setGroup(id)}>
              {GROUP_ICONS[id]}
            </button>
          ))}
        </div>
      )}
      <div className="emoji-grid" role="listbox" aria-label={query.trim() ? t('emoji.results') : t(`emoji.group.${group}`)}>
        {shown.length === 0 && <p className="muted">{query.trim() ? t('emoji.none') : t('emoji.noRecent')}</p>}
        {shown.map((emoji) => (
          <button key={emoji} type="button" role="option" aria-selected={false} className="emoji" aria-label={emoji} onClick={() => pick(emoji)}>
            {emoji}
          </button>
        ))}
      </div>
      <div className="emoji-tones" role="radiogroup" aria-label={t('emoji.skinTone')}>
        {TONES.map((n) => (
          <button
            key={n}
            type="button"
            role="radio"
            className="icon"
            aria-checked={tone === n}
            aria-label={t('emoji.tone', { n })}
            onClick={() => {
              setTone(n);
              chooseSkinTone(n);
            }}
          >
            {TONE_SAMPLE[n]}
          </button>
        ))}
      </div>
    </div>
  );
}

const GROUP_ICONS: Record<EmojiGroup | 'recent', string> = {
  recent: '🕘',
  smileys: '😀',
  people: '👋',
  nature: '🐻',
  food: '🍔',
  travel: '✈️',
  activities: '⚽',
  objects: '💡',
  symbols: '❤️',
  flags: '🏁',
};
