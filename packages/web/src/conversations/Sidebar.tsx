import type { User } from '@parley/sdk';
import { t } from '../i18n/index.js';
import { conversationTitle, previewText } from './summaries.js';
import type { ConversationsState } from './useConversations.js';

interface SidebarProps {
  me: User;
  conversations: ConversationsState;
  openId: string | null;
  onOpen: (id: string) => void;
  onNewMessage: () => void;
}

export function Sidebar({ me, conversations, openId, onOpen, onNewMessage }: SidebarProps) {
  const { list, loaded, error } = conversations;
  return (
    <nav className="sidebar" aria-label={t('sidebar.title')}>
      <div className="sidebar-head">
        <h2>{t('sidebar.title')}</h2>
        <button type="button" className="primary" onClick={onNewMessage}>
          {t('sidebar.newMessage')}
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {loaded && list.length === 0 && <p className="muted sidebar-empty">{t('sidebar.empty')}</p>}
      <ul className="conversation-list">
        {list.map((s) => {
          const id = s.conversation.id;
          return (
            <li key={id}>
              <button
                type="button"
                className={`conversation-item${id === openId ? ' active' : ''}${s.unreadCount ? ' unread' : ''}`}
                aria-current={id === openId ? 'true' : undefined}
                onClick={() => onOpen(id)}
              >
                <span className="conversation-title">{conversationTitle(s)}</span>
                {s.unreadCount > 0 && (
                  <span className="badge" aria-label={t('sidebar.unread', { count: s.unreadCount })}>
                    {s.unreadCount}
                  </span>
                )}
                <span className="conversation-preview">{previewText(s, me.id)}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
