import type { Message, User } from '@parley/sdk';
import { createContext, useContext } from 'react';
import type { ReceiptMap } from '../receipts/receipts.js';

/** What every message on screen needs from its pane: who is who, and what can be done to it. */
export interface MessageView {
  me: User;
  nameOf(userId: string): string;
  /** The person, when known (their picture); null for someone no longer here. */
  personOf(userId: string): User | null;
  /** The message being edited in place, if any. */
  editingId: string | null;
  setEditingId(messageId: string | null): void;
  react(messageId: string, emoji: string): void;
  edit(messageId: string, text: string): Promise<boolean>;
  /** Asks first, then deletes. */
  askDelete(message: Message): void;
  retry(clientId: string): void;
  /** Opens a message's thread; absent inside the thread panel itself. */
  openThread?: ((messageId: string) => void) | undefined;
  receipts: ReceiptMap;
  /** In a DM, the other person: my messages get sent / delivered / read ticks. */
  dmPeerId: string | null;
  /** In a group, "seen by" goes under my newest message only. */
  lastOwnSeq: number | null;
}

export const MessageViewContext = createContext<MessageView | null>(null);

export function useMessageView(): MessageView {
  const view = useContext(MessageViewContext);
  if (!view) throw new Error('useMessageView needs a <MessageViewContext.Provider> above it');
  return view;
}
