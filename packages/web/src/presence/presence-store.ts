import type { ParleyClient, Presence } from '@parley/sdk';

/**
 * Everyone's presence the app shows, from one set of subscriptions on the socket. Components
 * watch the people they show; a person is subscribed while anyone watches them (so the sidebar
 * and a header showing the same person do not unsubscribe each other), and everyone watched is
 * subscribed again after a reconnect, since subscriptions belong to the socket.
 */
export class PresenceStore {
  private readonly watchers = new Map<string, number>();
  private readonly known = new Map<string, Presence>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly client: ParleyClient) {
    client.on('presence', (p) => {
      if (!this.watchers.has(p.userId)) return;
      this.known.set(p.userId, p);
      this.changed();
    });
    client.on('connection', ({ state }) => {
      if (state === 'connected') this.subscribe([...this.watchers.keys()]);
    });
  }

  /** Starts watching these people; call the returned function to stop. */
  watch(userIds: readonly string[]): () => void {
    const added: string[] = [];
    for (const id of userIds) {
      const count = this.watchers.get(id) ?? 0;
      this.watchers.set(id, count + 1);
      if (count === 0) added.push(id);
    }
    this.subscribe(added);
    return () => {
      const dropped: string[] = [];
      for (const id of userIds) {
        const count = (this.watchers.get(id) ?? 1) - 1;
        if (count > 0) this.watchers.set(id, count);
        else {
          this.watchers.delete(id);
          this.known.delete(id);
          dropped.push(id);
        }
      }
      if (dropped.length && this.client.connectionState === 'connected') this.client.unwatchPresence(dropped);
    };
  }

  get(userId: string): Presence | null {
    return this.known.get(userId) ?? null;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private subscribe(userIds: string[]): void {
    if (userIds.length === 0 || this.client.connectionState !== 'connected') return;
    this.client.watchPresence(userIds).then(
      (list) => {
        for (const p of list) if (this.watchers.has(p.userId)) this.known.set(p.userId, p);
        this.changed();
      },
      // Presence is a nicety: without an answer nobody shows a status.
      () => undefined,
    );
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
