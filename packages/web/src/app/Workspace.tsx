import type { ConversationSummary, User } from '@parley/sdk';
import { SettingsDialog } from '../settings/SettingsDialog.js';
import { Avatar } from './Avatar.js';
import { useEffect, useState } from 'react';
import { ConnectionIndicator } from '../connection/ConnectionIndicator.js';
import { ChannelsDialog } from '../conversations/ChannelsDialog.js';
import { NewGroupDialog } from '../conversations/NewGroupDialog.js';
import { NewMessageDialog } from '../conversations/NewMessageDialog.js';
import { Sidebar, type SidebarDialog } from '../conversations/Sidebar.js';
import { useConversations } from '../conversations/useConversations.js';
import { t } from '../i18n/index.js';
import { ConversationPane } from '../messages/ConversationPane.js';
import { NotificationPrompt } from '../notifications/NotificationPrompt.js';
import { useNotifications } from '../notifications/useNotifications.js';
import { PresenceProvider } from '../presence/usePresence.js';
import { useClient } from './client.js';
import { useOpenConversation } from './route.js';

/** The logged-in app: header, conversation list, open conversation. Lives as long as the session. */
interface WorkspaceProps {
  me: User;
  onLogout: () => Promise<void>;
  /** My profile changed (Settings). */
  onProfile: (user: User) => void;
}

export function Workspace({ me, onLogout, onProfile }: WorkspaceProps) {
  const client = useClient();
  const [openId, open] = useOpenConversation();
  const conversations = useConversations(me, openId);
  const [dialog, setDialog] = useState<SidebarDialog | 'settings' | null>(null);
  const notifications = useNotifications(me, conversations, open);
  const openSummary = conversations.list.find((s) => s.conversation.id === openId) ?? null;

  useEffect(() => {
    // Failures show in the connection indicator; the SDK keeps retrying by itself.
    client.connect().catch(() => undefined);
    return () => client.disconnect();
  }, [client]);

  const started = (summary: ConversationSummary) => {
    conversations.put(summary);
    setDialog(null);
    open(summary.conversation.id);
  };
  const openFromDialog = (id: string) => {
    setDialog(null);
    open(id);
  };
  const closeDialog = () => setDialog(null);

  return (
    <PresenceProvider client={client}>
      <div className={`workspace${openId ? ' showing-conversation' : ''}`}>
        <header className="topbar">
          <h1 className="brand">Parley</h1>
          <ConnectionIndicator />
          <span className="me" title={`@${me.username}`}>
            <Avatar user={me} size={24} />
            {me.displayName}
          </span>
          <button type="button" className="link" onClick={() => setDialog('settings')}>
            {t('settings.title')}
          </button>
          <button type="button" className="link" onClick={() => void onLogout()}>
            {t('auth.logout')}
          </button>
        </header>
        <main className="workspace-body">
          <Sidebar me={me} conversations={conversations} openId={openId} onOpen={open} onDialog={setDialog} prompt={<NotificationPrompt notifications={notifications} />} />
          <div className="main">
            {openSummary ? (
              <ConversationPane key={openSummary.conversation.id} summary={openSummary} me={me} onRead={conversations.markedRead} onMembership={conversations.putMembership} onBack={() => open(null)} />
            ) : (
              <p className="muted pane-placeholder">{conversations.loaded || !openId ? t('pane.empty') : t('app.loading')}</p>
            )}
          </div>
        </main>
        {dialog === 'dm' && <NewMessageDialog me={me} onStarted={started} onClose={closeDialog} />}
        {dialog === 'group' && <NewGroupDialog me={me} onStarted={started} onClose={closeDialog} />}
        {dialog === 'settings' && <SettingsDialog me={me} notifications={notifications} onProfile={onProfile} onClose={closeDialog} />}
        {dialog === 'channels' && <ChannelsDialog onOpen={openFromDialog} onJoined={started} onClose={closeDialog} />}
      </div>
    </PresenceProvider>
  );
}
