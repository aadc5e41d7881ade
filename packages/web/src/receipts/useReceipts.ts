import { useEffect, useState } from 'react';
import { useClient, useClientEvent } from '../app/client.js';
import { withPosition, type ReceiptMap } from './receipts.js';

/** Every member's read and delivery position here, fetched once and then moved by live events. */
export function useReceipts(conversationId: string): ReceiptMap {
  const client = useClient();
  const [receipts, setReceipts] = useState<ReceiptMap>(() => new Map());
  useEffect(() => {
    let stale = false;
    // Ticks are a nicety: on failure messages simply show as sent until events arrive.
    client.receipts(conversationId).then(
      ({ receipts: list }) => {
        if (stale) return;
        // Events that came while the list was on its way are kept: positions only move forward.
        setReceipts((live) => list.reduce<ReceiptMap>((m, r) => withPosition(withPosition(m, r.userId, 'delivered', r.deliveredSeq), r.userId, 'read', r.readSeq), live));
      },
      () => undefined,
    );
    return () => {
      stale = true;
    };
  }, [client, conversationId]);
  const mine = (e: { conversationId: string }) => e.conversationId === conversationId;
  useClientEvent('read', (e) => mine(e) && setReceipts((m) => withPosition(m, e.userId, 'read', e.seq)));
  useClientEvent('delivered', (e) => mine(e) && setReceipts((m) => withPosition(m, e.userId, 'delivered', e.seq)));
  return receipts;
}
