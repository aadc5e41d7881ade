import type { User } from '@parley/sdk';
import { useEffect, useState } from 'react';
import { useClientEvent } from '../app/client.js';
import { conversationTitle, unreadTotal } from '../conversations/summaries.js';
import type { ConversationsState } from '../conversations/useConversations.js';
import { t } from '../i18n/index.js';
import { markdownToPlainText } from '../messages/markdown.js';
import { NOTIFICATIONS_KEY, notificationChoice, shouldNotify, tabTitle, type NotificationChoice } from './notify.js';

const supported = typeof Notification !== 'undefined';

export interface NotificationsState {
  /** Ask the person now: after they have taken part in a conversation, never on first load. */
  shouldAsk: boolean;
  enabled: boolean;
  /** Asks the browser for permission (from a click: browsers require a gesture). */
  enable(): Promise<void>;
  disable(): void;
  later(): void;
  permission: NotificationPermission | 'unsupported';
}

/** Browser notifications for DMs and mentions while the tab is hidden, and the unread count in its title. */
export function useNotifications(me: User, conversations: ConversationsState, onOpen: (id: string) => void): NotificationsState {
  const [choice, setChoice] = useState<NotificationChoice | null>(notificationChoice);
  const [permission, setPermission] = useState<NotificationPermission | 'unsupported'>(supported ? Notification.permission : 'unsupported');
  const [engaged, setEngaged] = useState(false);
  const total = unreadTotal(conversations.list);

  useEffect(() => {
    document.title = tabTitle(total);
  }, [total]);

  useClientEvent('message.created', ({ message }) => {
    if (message.senderId === me.id) setEngaged(true);
    const summary = conversations.list.find((s) => s.conversation.id === message.conversationId);
    if (!summary || permission !== 'granted' || choice === 'off') return;
    if (!shouldNotify(summary, message, me.id, document.visibilityState === 'hidden')) return;
    const body = markdownToPlainText(message.text) || t('notification.attachment');
    const notification = new Notification(conversationTitle(summary), { body: body.slice(0, 200), tag: summary.conversation.id });
    notification.onclick = () => {
      window.focus();
      onOpen(summary.conversation.id);
      notification.close();
    };
  });

  const remember = (next: NotificationChoice) => {
    localStorage.setItem(NOTIFICATIONS_KEY, next);
    setChoice(next);
  };

  return {
    shouldAsk: supported && engaged && permission === 'default' && choice === null,
    enabled: permission === 'granted' && choice !== 'off',
    permission,
    async enable() {
      if (!supported) return;
      const answer = await Notification.requestPermission();
      setPermission(answer);
      remember(answer === 'granted' ? 'on' : 'off');
    },
    disable: () => remember('off'),
    later: () => remember('later'),
  };
}
