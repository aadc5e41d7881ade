import type { ConversationSummary, User } from '@parley/sdk';
import { useCallback, useMemo, useRef, useState, type ReactNode } from 'react';
import { useShortcuts } from '../app/useShortcuts.js';
import { t } from '../i18n/index.js';
import { usePresences } from '../presence/usePresence.js';
import { conversationTitle, filterSummaries, isMuted, previewText } from './summaries.js';
import type { ConversationsState } from './useConversations.js';

/** The dialogs the sidebar opens. */
export type SidebarDialog = 'dm' | 'group' | 'channels';

interface SidebarProps {
  me: User;
  conversations: ConversationsState;
  openId: string | null;
  onOpen: (id: string) => void;
  onDialog: (dialog: SidebarDialog) => void;
  /** Shown above the list (the notifications question). */
  prompt?: ReactNode;
}

export function Sidebar({ me, conversations, openId, onOpen, onDialog, prompt }: SidebarProps) {
  const { list, loaded, error } = conversations;
  const [filter, setFilter] = useState('');
  const shown = useMemo(() => filterSummaries(list, filter), [list, filter]);
  const peerIds = useMemo(() => list.flatMap((s) => (s.peer ? [s.peer.id] : [])), [list]);
  const presences = usePresences(peerIds);
  const filterField = useRef<HTMLInputElement>(null);
  const step = useCallback(
    (by: 1 | -1) => {
      if (shown.length === 0) return;
      const at = shown.findIndex((s) => s.conversation.id === openId);
      const next = at === -1 ? (by === 1 ? 0 : shown.length - 1) : Math.min(shown.length - 1, Math.max(0, at + by));
      onOpen(shown[next]!.conversation.id);
    },
    [shown, openId, onOpen],
  );
  const find = useCallback(() => filterField.current?.focus(), []);
  useShortcuts({ step, find });
  return (
    <nav className="sidebar" aria-label={t('sidebar.title')}>
      <div className="sidebar-head">
        <h2>{t('sidebar.title')}</h2>
        <button type="button" className="primary" onClick={() => onDialog('dm')}>
          {t('sidebar.newMessage')}
        </button>
      </div>
      <div className="sidebar-tools">
        <button type="button" onClick={() => onDialog('group')}>
          {t('sidebar.newGroup')}
        </button>
        <button type="button" onClick={() => onDialog('channels')}>
          {t('sidebar.channels')}
        </button>
      </div>
      {prompt}
      <input ref={filterField} className="sidebar-filter" type="search" aria-label={t('sidebar.filter')} placeholder={t('sidebar.filterHint')} value={filter} onChange={(e) => setFilter(e.target.value)} aria-keyshortcuts="Control+K" />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {loaded && list.length === 0 && <p className="muted sidebar-empty">{t('sidebar.empty')}</p>}
      {list.length > 0 && shown.length === 0 && <p className="muted sidebar-empty">{t('sidebar.noMatch')}</p>}
      <ul className="conversation-list">
        {shown.map((s) => (
          <li key={s.conversation.id}>
            <ConversationItem summary={s} me={me} active={s.conversation.id === openId} status={s.peer ? (presences.get(s.peer.id)?.status ?? null) : null} onOpen={onOpen} />
          </li>
        ))}
      </ul>
    </nav>
  );
}

interface ConversationItemProps {
  summary: ConversationSummary;
  me: User;
  active: boolean;
  /** A DM peer's presence, when known. */
  status: 'online' | 'away' | 'offline' | null;
  onOpen: (id: string) => void;
}

function ConversationItem({ summary: s, me, active, status, onOpen }: ConversationItemProps) {
  const id = s.conversation.id;
  const muted = isMuted(s);
  return (
    <button type="button" className={`conversation-item${active ? ' active' : ''}${s.unreadCount ? ' unread' : ''}`} aria-current={active ? 'true' : undefined} onClick={() => onOpen(id)}>
      <span className="conversation-title">
        {status && <span className={`presence-dot presence-${status}`} data-status={status} role="img" aria-label={t(`presence.${status}`)} />}
        {conversationTitle(s)}
        {muted && (
          <span className="muted-icon" role="img" aria-label={t('mute.muted')} title={t('mute.muted')}>
            {' '}
            🔕
          </span>
        )}
      </span>
      {s.mentionCount > 0 ? (
        <span className={`badge mention${muted ? ' quiet' : ''}`} aria-label={s.mentionCount === 1 ? t('sidebar.mention') : t('sidebar.mentions', { count: s.mentionCount })}>
          @{s.mentionCount}
        </span>
      ) : (
        s.unreadCount > 0 && (
          <span className={`badge${muted ? ' quiet' : ''}`} aria-label={t('sidebar.unread', { count: s.unreadCount })}>
            {s.unreadCount}
          </span>
        )
      )}
      <span className="conversation-preview">{previewText(s, me.id)}</span>
    </button>
  );
}
