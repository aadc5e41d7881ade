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

/**
 * Presence from this node's connections: online while any device is active, away when every
 * device is idle, offline a grace period after the last one disconnects (so a page reload does not
 * flicker). Changes are published on the bus; the last-seen time is stored when a user goes offline.
 */
export class PresenceTracker {
  private readonly users = new Map<string, UserPresence>();

  constructor(
    private readonly db: Kysely<DB>,
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
      const now = Date.now();
      // Stored before it is announced, so GET /presence agrees with the event.
      updateUser(this.db, userId, { last_seen_at: now })
        .catch(this.onError)
        .finally(() => {
          if (!this.users.has(userId)) this.publish(userId, 'offline', now);
        });
    }, this.offlineGraceMs);
    p.offlineTimer.unref();
  }

  async get(userIds: readonly string[]): Promise<Presence[]> {
    const offline = userIds.filter((id) => !this.users.has(id));
    const lastSeen = await lastSeenOf(this.db, offline);
    const now = iso(Date.now());
    return userIds.map((userId) => {
      const p = this.users.get(userId);
      return p ? { userId, status: p.status, lastSeenAt: now } : { userId, status: 'offline', lastSeenAt: isoOrNull(lastSeen.get(userId) ?? null) };
    });
  }

  /** Stores last-seen for everyone still online (on shutdown). */
  async flush(): Promise<void> {
    const now = Date.now();
    await Promise.all([...this.users.keys()].map((id) => updateUser(this.db, id, { last_seen_at: now }).catch(this.onError)));
    for (const p of this.users.values()) if (p.offlineTimer) clearTimeout(p.offlineTimer);
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
