import type { ConversationSummary, Message } from '@parley/sdk';
import { isMuted } from '../conversations/summaries.js';

/** Remembered per browser: the person turned notifications off, or said "not now" to the question. */
export const NOTIFICATIONS_KEY = 'parley.notifications';
export type NotificationChoice = 'on' | 'off' | 'later';

export function notificationChoice(): NotificationChoice | null {
  const v = localStorage.getItem(NOTIFICATIONS_KEY);
  return v === 'on' || v === 'off' || v === 'later' ? v : null;
}

/**
 * Whether a new message deserves a browser notification: someone else's, in a conversation not
 * muted, while the tab is hidden, and a DM or a mention of me (or of everyone), as in Slack.
 */
export function shouldNotify(summary: ConversationSummary, message: Message, meId: string, pageHidden: boolean, now = Date.now()): boolean {
  if (message.senderId === meId || !pageHidden || isMuted(summary, now) || message.deletedAt) return false;
  return summary.conversation.kind === 'dm' || message.mentions.includes(meId) || message.mentionsChannel;
}

/** The tab's title: how many unread messages wait, so a background tab says it. */
export function tabTitle(unread: number): string {
  return unread > 0 ? `(${unread}) Parley` : 'Parley';
}
