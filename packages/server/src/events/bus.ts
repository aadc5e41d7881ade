import type { Presence } from '@parley/protocol';
import type { LogEvent } from './event-log.js';

/** Messages that only live nodes care about: never stored, never replayed. */
export type EphemeralMessage =
  | { kind: 'typing'; conversationId: string; userId: string; active: boolean }
  | { kind: 'presence'; presence: Presence }
  | { kind: 'sessions.revoked'; userId: string; sessionIds: readonly string[] };

export interface BusHandlers {
  /** Committed events, in position order as published by one node (nodes may interleave). */
  durable(events: readonly LogEvent[]): void;
  ephemeral(message: EphemeralMessage): void;
}

/**
 * How server nodes tell each other what happened. Features publish after commit; the realtime
 * gateway subscribes. The in-process bus serves one node; a Redis bus serves many.
 */
export interface EventBus {
  publish(events: readonly LogEvent[]): void;
  publishEphemeral(message: EphemeralMessage): void;
  subscribe(handlers: BusHandlers): () => void;
  close(): Promise<void>;
}

export class InProcessBus implements EventBus {
  private readonly subscribers = new Set<BusHandlers>();

  publish(events: readonly LogEvent[]): void {
    if (events.length === 0) return;
    for (const s of this.subscribers) s.durable(events);
  }

  publishEphemeral(message: EphemeralMessage): void {
    for (const s of this.subscribers) s.ephemeral(message);
  }

  subscribe(handlers: BusHandlers): () => void {
    this.subscribers.add(handlers);
    return () => this.subscribers.delete(handlers);
  }

  async close(): Promise<void> {
    this.subscribers.clear();
  }
}
