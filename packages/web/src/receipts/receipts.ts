/** A member's positions in a conversation: everything up to `readSeq` seen, up to `deliveredSeq` received. */
export interface Receipt {
  readSeq: number;
  deliveredSeq: number;
}

export type ReceiptMap = ReadonlyMap<string, Receipt>;

/** The state of my message in a DM, as the ticks show it. */
export type Tick = 'sent' | 'delivered' | 'read';

/** A position moved forward (positions never go back: a late, older event changes nothing). */
export function withPosition(receipts: ReceiptMap, userId: string, kind: 'read' | 'delivered', seq: number): ReceiptMap {
  const old = receipts.get(userId) ?? { readSeq: 0, deliveredSeq: 0 };
  // Reading a message implies it arrived.
  const next: Receipt =
    kind === 'read'
      ? { readSeq: Math.max(old.readSeq, seq), deliveredSeq: Math.max(old.deliveredSeq, seq) }
      : { ...old, deliveredSeq: Math.max(old.deliveredSeq, seq) };
  if (next.readSeq === old.readSeq && next.deliveredSeq === old.deliveredSeq && receipts.has(userId)) return receipts;
  return new Map(receipts).set(userId, next);
}

/** Sent, delivered or read, for my message `seq`, by the other person of a DM. */
export function dmTick(receipts: ReceiptMap, peerId: string, seq: number): Tick {
  const peer = receipts.get(peerId);
  if (peer && peer.readSeq >= seq) return 'read';
  if (peer && peer.deliveredSeq >= seq) return 'delivered';
  return 'sent';
}

/** Who, other than the sender, has read up to `seq`. */
export function seenBy(receipts: ReceiptMap, seq: number, senderId: string): string[] {
  const ids: string[] = [];
  for (const [userId, r] of receipts) if (userId !== senderId && r.readSeq >= seq) ids.push(userId);
  return ids;
}
