import type { Message } from '@parley/sdk';
import { useEffect, useRef, useState } from 'react';
import { t } from '../i18n/index.js';
import { markdownToPlainText } from './markdown.js';

/** Lines the live region holds: a burst is read out whole, older lines leave it quietly. */
const KEPT = 3;

/** The messages from others newer than `seq`, oldest first: what arrived since then. */
export function arrivalsAfter(messages: readonly Message[], seq: number, meId: string): Message[] {
  const arrived: Message[] = [];
  for (let i = messages.length - 1; i >= 0 && messages[i]!.seq > seq; i--) if (messages[i]!.senderId !== meId) arrived.push(messages[i]!);
  return arrived.reverse();
}

export interface Arrival {
  id: string;
  line: string;
}

/**
 * What a screen reader is told as a conversation goes on: each new message from someone else,
 * once, with who sent it. The history itself is not a live region: it is windowed, so scrolling
 * back adds old messages to the page, and those must not be read out as news.
 */
export function useArrivals(messages: readonly Message[], loading: boolean, meId: string, nameOf: (userId: string) => string): readonly Arrival[] {
  const [arrivals, setArrivals] = useState<Arrival[]>([]);
  // The newest seq already known; null until the first page is in.
  const known = useRef<number | null>(null);
  const newestSeq = messages.at(-1)?.seq ?? 0;
  useEffect(() => {
    // What the first page shows was there before the reader came: only what follows it is news.
    if (known.current === null) {
      if (!loading) known.current = newestSeq;
      return;
    }
    if (newestSeq <= known.current) return;
    const arrived = arrivalsAfter(messages, known.current, meId);
    known.current = newestSeq;
    if (arrived.length === 0) return;
    const lines = arrived.map((m) => {
      const text = markdownToPlainText(m.text);
      return { id: m.id, line: text ? t('pane.arrived', { name: nameOf(m.senderId), text }) : t('pane.arrivedFile', { name: nameOf(m.senderId) }) };
    });
    setArrivals((said) => [...said, ...lines].slice(-KEPT));
  }, [messages, newestSeq, loading, meId, nameOf]);
  return arrivals;
}
