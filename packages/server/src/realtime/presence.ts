import type { Presence, PresenceStatus } from '@parley/protocol';
import type { Kysely } from 'kysely';
import { lastSeenOf, updateUser } from '../accounts/users.repository.js';
import type { DB } from '../db/schema.js';
import type { EventBus } from '../events/bus.js';
import { iso, isoOrNull } from '../lib/time.js';

interface UserPresence {
  /** connection id -> what that device reports */
  devices: Map<number, 'online' | 'away'>;
  status: PresenceStatus;
  offlineTimer: NodeJS.Timeout | null;
}

const LAST_SEEN_FLUSH_MS = 250;

/**
 * Presence from this node's connections: online while any device is active, away when every
 * device is idle, offline a grace period after the last one disconnects (so a page reload does not
 * flicker). Changes are published on the bus; the last-seen time is stored when a user goes offline.
 */
export class PresenceTracker {
  private readonly users = new Map<string, UserPresence>();
  /** Users who went offline, with when, waiting to be stored. */
  private readonly lastSeen = new Map<string, number>();
  private flushTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly reader: Kysely<DB>,
    private readonly bus: EventBus,
    private readonly offlineGraceMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  connected(userId: string, connectionId: number): void {
    const p = this.users.get(userId) ?? { devices: new Map(), status: 'offline' as PresenceStatus, offlineTimer: null };
    this.users.set(userId, p);
    if (p.offlineTimer) clearTimeout(p.offlineTimer);
    p.offlineTimer = null;
    p.devices.set(connectionId, 'online');
    this.recompute(userId, p);
  }

  setStatus(userId: string, connectionId: number, status: 'online' | 'away'): void {
    const p = this.users.get(userId);
    if (!p?.devices.has(connectionId)) return;
    p.devices.set(connectionId, status);
    this.recompute(userId, p);
  }

  disconnected(userId: string, connectionId: number): void {
    const p = this.users.get(userId);
    if (!p) return;
    p.devices.delete(connectionId);
    if (p.devices.size > 0) return this.recompute(userId, p);
    p.offlineTimer = setTimeout(() => {
      p.offlineTimer = null;
      if (p.devices.size > 0) return;
      this.users.delete(userId);
      this.lastSeen.set(userId, Date.now());
      this.flushTimer ??= setTimeout(() => void this.flush(), LAST_SEEN_FLUSH_MS);
    }, this.offlineGraceMs);
    p.offlineTimer.unref();
  }

  async get(userIds: readonly string[]): Promise<Presence[]> {
    const offline = userIds.filter((id) => !this.users.has(id));
    const lastSeen = await lastSeenOf(this.reader, offline);
    const now = iso(Date.now());
    return userIds.map((userId) => {
      const p = this.users.get(userId);
      return p
        ? { userId, status: p.status, lastSeenAt: now }
        : { userId, status: 'offline', lastSeenAt: isoOrNull(this.lastSeen.get(userId) ?? lastSeen.get(userId) ?? null) };
    });
  }

  /**
   * Stores last-seen times in one transaction, then announces those users offline (stored first, so
   * GET /presence agrees with the event). Many users leaving at once cost one commit, not one each.
   */
  async flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const batch = [...this.lastSeen];
    this.lastSeen.clear();
    if (batch.length === 0) return;
    try {
      await this.db.transaction().execute(async (tx) => {
        for (const [userId, at] of batch) await updateUser(tx, userId, { last_seen_at: at });
      });
    } catch (err) {
      this.onError(err);
    }
    for (const [userId, at] of batch) if (!this.users.has(userId)) this.publish(userId, 'offline', at);
  }

  /** On shutdown: everyone still connected was last seen now. */
  async close(): Promise<void> {
    const now = Date.now();
    for (const [userId, p] of this.users) {
      if (p.offlineTimer) clearTimeout(p.offlineTimer);
      this.lastSeen.set(userId, now);
    }
    this.users.clear();
    await this.flush();
  }

  private recompute(userId: string, p: UserPresence): void {
    const status: PresenceStatus = [...p.devices.values()].some((s) => s === 'online') ? 'online' : p.devices.size > 0 ? 'away' : p.status;
    if (status === p.status) return;
    p.status = status;
    this.publish(userId, status, Date.now());
  }

  private publish(userId: string, status: PresenceStatus, at: number): void {
    this.bus.publishEphemeral({ kind: 'presence', presence: { userId, status, lastSeenAt: iso(at) } });
  }
}
