import { closeCodes } from '@parley/protocol';
import type { Logger } from 'pino';
import type { EphemeralMessage } from '../events/bus.js';
import type { EventLog, LogEvent } from '../events/event-log.js';
import type { Metrics } from '../observability/metrics.js';
import { ephemeralFrame, type Connection } from './connection.js';

/** Corked frames to one socket are written out once they reach this size. */
const CORK_FLUSH_BYTES = 16 * 1024;

/** How long an out-of-order event waits for the ones before it before they are read from the store. */
const GAP_WAIT_MS = 100;

function addTo<K, V>(index: Map<K, Set<V>>, key: K, value: V): void {
  const set = index.get(key);
  if (set) set.add(value);
  else index.set(key, new Set([value]));
}

function removeFrom<K, V>(index: Map<K, Set<V>>, key: K, value: V): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) index.delete(key);
}

/**
 * Delivers committed events to this node's sockets in log order. Events may reach the node out of
 * order (several writers, several nodes); they are held until the gap before them fills, or read
 * from the store if it does not fill quickly. Each event is serialised once and the same bytes are
 * written to every recipient.
 */
export class Dispatcher {
  private readonly byConversation = new Map<string, Set<Connection>>();
  private readonly byUser = new Map<string, Set<Connection>>();
  private readonly presenceWatchers = new Map<string, Set<Connection>>();
  private readonly held = new Map<number, LogEvent>();
  private nextPos: number;
  private gapTimer: NodeJS.Timeout | null = null;
  private filling = false;
  /** Sockets written to in this turn of the event loop, corked until its end. */
  private corked: Set<Connection> | null = null;

  constructor(
    private readonly log: EventLog,
    startPos: number,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {
    this.nextPos = startPos + 1;
  }

  /** Every event up to here has been dispatched. */
  get position(): number {
    return this.nextPos - 1;
  }

  receive(events: readonly LogEvent[]): void {
    // Sockets written to stay corked until the end of this turn of the event loop, so a batch's
    // frames to one socket, and the acks that follow them, leave in one system call.
    if (!this.corked) {
      this.corked = new Set();
      setImmediate(() => this.uncorkAll());
    }
    this.receiveBatch(events);
  }

  private uncorkAll(): void {
    const corked = this.corked;
    this.corked = null;
    for (const c of corked ?? []) c.uncork();
  }

  private receiveBatch(events: readonly LogEvent[]): void {
    for (const event of events) {
      if (event.pos < this.nextPos) continue;
      if (event.pos === this.nextPos) {
        this.dispatch(event);
        this.drainHeld();
      } else {
        this.held.set(event.pos, event);
      }
    }
    if (this.held.size > 0) this.gapTimer ??= setTimeout(() => void this.fillGap(), GAP_WAIT_MS);
  }

  private drainHeld(): void {
    for (let next = this.held.get(this.nextPos); next; next = this.held.get(this.nextPos)) {
      this.held.delete(next.pos);
      this.dispatch(next);
    }
    if (this.held.size === 0 && this.gapTimer) {
      clearTimeout(this.gapTimer);
      this.gapTimer = null;
    }
  }

  private async fillGap(): Promise<void> {
    this.gapTimer = null;
    if (this.held.size === 0 || this.filling) return;
    this.filling = true;
    try {
      const upTo = Math.max(...this.held.keys());
      const missing = await this.log.readRange(this.position, upTo);
      this.receive(missing);
      if (this.held.size > 0 && !this.held.has(this.nextPos)) {
        // The store lacks them too (pruned): skip ahead rather than stall every socket.
        const resumeAt = Math.min(...this.held.keys());
        this.logger.warn({ from: this.nextPos, to: resumeAt - 1 }, 'events missing from the log; skipping');
        this.nextPos = resumeAt;
        this.drainHeld();
      }
    } catch (err) {
      this.logger.error({ err }, 'could not read missing events');
      this.gapTimer ??= setTimeout(() => void this.fillGap(), GAP_WAIT_MS);
    } finally {
      this.filling = false;
    }
  }

  private dispatch(event: LogEvent): void {
    this.nextPos = event.pos + 1;
    this.metrics.eventsDispatched.inc();
    const conversationId = event.conversationId;
    if (conversationId === null) return;
    if (event.addedUserIds) {
      for (const userId of event.addedUserIds) {
        for (const c of this.byUser.get(userId) ?? []) {
          this.subscribe(c, conversationId);
          c.noteMembership(conversationId, event.pos, true);
        }
      }
    }
    const bytes = Buffer.from(event.frame);
    let sent = 0;
    if (event.recipientId !== null) {
      // Private to one member: their own sockets only, never the conversation's audience.
      for (const c of this.byUser.get(event.recipientId) ?? []) if (c.conversations.has(conversationId) && this.deliver(c, event, bytes)) sent++;
      this.metrics.deliveries.inc(sent);
      return;
    }
    const audience = this.byConversation.get(conversationId);
    if (audience) for (const c of audience) if (this.deliver(c, event, bytes)) sent++;
    if (event.removedUserId) {
      for (const c of this.byUser.get(event.removedUserId) ?? []) {
        if (!audience?.has(c) && this.deliver(c, event, bytes)) sent++;
        this.unsubscribe(c, conversationId);
        c.noteMembership(conversationId, event.pos, false);
      }
    }
    this.metrics.deliveries.inc(sent);
  }

  private deliver(c: Connection, event: LogEvent, bytes: Buffer): boolean {
    if (this.corked && c.mode === 'live' && !c.closed && !this.corked.has(c)) {
      this.corked.add(c);
      c.cork();
    }
    const sent = c.deliver(event, bytes);
    // Corked bytes count as unsent: flush past a small size so a reader that keeps up is never
    // mistaken for a slow one.
    if (sent && this.corked?.has(c) && c.bufferedAmount >= CORK_FLUSH_BYTES) {
      c.uncork();
      c.cork();
    }
    return sent;
  }

  ephemeral(message: EphemeralMessage): void {
    switch (message.kind) {
      case 'typing': {
        const audience = this.byConversation.get(message.conversationId);
        if (!audience) return;
        const bytes = ephemeralFrame({ type: 'typing', conversationId: message.conversationId, userId: message.userId, active: message.active });
        for (const c of audience) if (c.userId !== message.userId) c.sendEphemeral(bytes);
        return;
      }
      case 'presence': {
        const watchers = this.presenceWatchers.get(message.presence.userId);
        if (!watchers) return;
        const bytes = ephemeralFrame({ type: 'presence', ...message.presence });
        for (const c of watchers) c.sendEphemeral(bytes);
        return;
      }
      case 'sessions.revoked': {
        const ended = new Set(message.sessionIds);
        for (const c of this.byUser.get(message.userId) ?? []) {
          if (ended.has(c.sessionId)) c.close(closeCodes.sessionEnded, 'session ended');
        }
        return;
      }
    }
  }

  register(c: Connection): void {
    addTo(this.byUser, c.userId, c);
  }

  unregister(c: Connection): void {
    removeFrom(this.byUser, c.userId, c);
    for (const id of c.conversations) removeFrom(this.byConversation, id, c);
    for (const id of c.watchedUsers) removeFrom(this.presenceWatchers, id, c);
    c.conversations.clear();
    c.watchedUsers.clear();
  }

  /** Applies the membership list read at `asOfPos`, minus removals dispatched since. */
  subscribeInitial(c: Connection, conversationIds: readonly string[], asOfPos: number): void {
    for (const id of conversationIds) if (!c.removedSince(id, asOfPos)) this.subscribe(c, id);
    c.finishMembershipLoad();
  }

  isSubscribed(c: Connection, conversationId: string): boolean {
    return c.conversations.has(conversationId);
  }

  watchPresence(c: Connection, userIds: readonly string[]): void {
    for (const id of userIds) {
      c.watchedUsers.add(id);
      addTo(this.presenceWatchers, id, c);
    }
  }

  unwatchPresence(c: Connection, userIds: readonly string[]): void {
    for (const id of userIds) {
      c.watchedUsers.delete(id);
      removeFrom(this.presenceWatchers, id, c);
    }
  }

  /** Every connection, for heartbeats and shutdown. */
  *connections(): Iterable<Connection> {
    for (const set of this.byUser.values()) yield* set;
  }

  private subscribe(c: Connection, conversationId: string): void {
    c.conversations.add(conversationId);
    addTo(this.byConversation, conversationId, c);
  }

  private unsubscribe(c: Connection, conversationId: string): void {
    c.conversations.delete(conversationId);
    removeFrom(this.byConversation, conversationId, c);
  }

  close(): void {
    if (this.gapTimer) clearTimeout(this.gapTimer);
    this.gapTimer = null;
  }
}
