import { describe, expect, it } from 'vitest';
import { dmTick, seenBy, withPosition, type ReceiptMap } from './receipts.js';

describe('receipts', () => {
  const none: ReceiptMap = new Map();

  it('moves positions forward only, and reading implies delivery', () => {
    let r = withPosition(none, 'bob', 'delivered', 5);
    expect(r.get('bob')).toEqual({ readSeq: 0, deliveredSeq: 5 });
    r = withPosition(r, 'bob', 'read', 7);
    expect(r.get('bob')).toEqual({ readSeq: 7, deliveredSeq: 7 });
    // A late, older event changes nothing, and returns the same map (no re-render).
    expect(withPosition(r, 'bob', 'delivered', 3)).toBe(r);
    expect(withPosition(r, 'bob', 'read', 6)).toBe(r);
  });

  it('ticks a DM message sent, delivered or read by the other person', () => {
    const r = withPosition(withPosition(none, 'bob', 'delivered', 9), 'bob', 'read', 4);
    expect(dmTick(r, 'bob', 4)).toBe('read');
    expect(dmTick(r, 'bob', 5)).toBe('delivered');
    expect(dmTick(r, 'bob', 10)).toBe('sent');
    expect(dmTick(none, 'bob', 1)).toBe('sent');
  });

  it('lists who has seen a message, never its sender', () => {
    let r = withPosition(none, 'alice', 'read', 10);
    r = withPosition(r, 'bob', 'read', 10);
    r = withPosition(r, 'carol', 'read', 8);
    expect(seenBy(r, 10, 'alice')).toEqual(['bob']);
    expect(seenBy(r, 8, 'alice')).toEqual(['bob', 'carol']);
  });
});
