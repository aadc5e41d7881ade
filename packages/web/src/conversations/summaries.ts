import type { ConversationDetail, ConversationSummary, Message, User } from '@parley/sdk';
import { t } from '../i18n/index.js';
import { markdownToPlainText } from '../messages/markdown.js';

/** Most recent activity first; conversations without messages by creation time. */
export function sortByActivity(list: readonly ConversationSummary[]): ConversationSummary[] {
  const activity = (s: ConversationSummary) => s.conversation.lastMessageAt ?? s.conversation.createdAt;
  return [...list].sort((a, b) => (activity(a) < activity(b) ? 1 : activity(a) > activity(b) ? -1 : 0));
}

/** The list after a new message: preview, position and unread count follow it. */
export function withNewMessage(list: readonly ConversationSummary[], message: Message, meId: string, viewing: boolean): ConversationSummary[] {
  return sortByActivity(
    list.map((s) => {
      if (s.conversation.id !== message.conversationId || message.seq <= s.conversation.lastSeq) return s;
      const unread = message.senderId !== meId && !viewing && message.seq > s.membership.readSeq;
      const mentionsMe = message.mentions.includes(meId) || message.mentionsChannel;
      return {
        ...s,
        conversation: { ...s.conversation, lastSeq: message.seq, lastMessageAt: message.createdAt },
        lastMessage: message,
        unreadCount: s.unreadCount + (unread ? 1 : 0),
        mentionCount: s.mentionCount + (unread && mentionsMe ? 1 : 0),
      };
    }),
  );
}

/** An edit or deletion only changes the preview when it is of the last message. */
export function withChangedMessage(list: readonly ConversationSummary[], message: Message): ConversationSummary[] {
  return list.map((s) => (s.lastMessage?.id === message.id ? { ...s, lastMessage: message } : s));
}

/** My read position moved (here or on another device). */
export function withRead(list: readonly ConversationSummary[], conversationId: string, seq: number): ConversationSummary[] {
  return list.map((s) => {
    if (s.conversation.id !== conversationId || seq <= s.membership.readSeq) return s;
    // A partial read keeps the counts until the list is fetched again (useConversations does).
    const all = seq >= s.conversation.lastSeq;
    return { ...s, membership: { ...s.membership, readSeq: seq }, unreadCount: all ? 0 : s.unreadCount, mentionCount: all ? 0 : s.mentionCount };
  });
}

/** The list entry of a conversation I just started or joined: nothing unread yet. */
export function newSummary(detail: ConversationDetail, peer: User | null = null): ConversationSummary {
  return { ...detail, peer, unreadCount: 0, mentionCount: 0, lastMessage: null };
}

/** Conversations whose title (or DM peer's username) contains the filter, ignoring case and accents. */
export function filterSummaries(list: readonly ConversationSummary[], filter: string): readonly ConversationSummary[] {
  const needle = fold(filter.trim());
  if (!needle) return list;
  return list.filter((s) => fold(conversationTitle(s)).includes(needle) || (s.peer && fold(s.peer.username).includes(needle)));
}

function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
}

export function upsert(list: readonly ConversationSummary[], summary: ConversationSummary): ConversationSummary[] {
  return sortByActivity([summary, ...list.filter((s) => s.conversation.id !== summary.conversation.id)]);
}

/** What the sidebar and the pane header call a conversation. */
export function conversationTitle(s: ConversationSummary): string {
  const c = s.conversation;
  switch (c.kind) {
    case 'dm':
      return s.peer?.displayName || s.peer?.username || t('conversation.deletedUser');
    case 'group':
      return c.title || t('conversation.untitled');
    case 'channel':
      return c.name ? `#${c.name}` : t('conversation.untitled');
  }
}

/** One line of the last message for the sidebar (plain text, trimmed to a line). */
export function previewText(s: ConversationSummary, meId: string): string {
  const m = s.lastMessage;
  if (!m) return t('sidebar.noMessages');
  const text = m.deletedAt ? t('message.deleted') : markdownToPlainText(m.text) || '📎';
  return m.senderId === meId ? t('sidebar.you', { text }) : text;
}

/** Muted now: until I unmute, or until a time still ahead. */
export function isMuted(s: ConversationSummary, now = Date.now()): boolean {
  const mute = s.membership.mute;
  return mute !== null && (mute.until === null || Date.parse(mute.until) > now);
}

/** Unread messages of the conversations that are not muted: the number in the tab title. */
export function unreadTotal(list: readonly ConversationSummary[], now = Date.now()): number {
  return list.reduce((sum, s) => sum + (isMuted(s, now) ? 0 : s.unreadCount), 0);
}
