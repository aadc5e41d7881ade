type TypingEvent = { conversationId: string; userId: string; active: boolean };

/**
 * Who is typing where. An indicator expires by itself `ttlMs` after its last refresh, so a client
 * that vanished mid-sentence does not leave "typing…" behind.
 */
export class TypingTracker {
  private readonly timers = new Map<string, Map<string, ReturnType<typeof setTimeout>>>();

  constructor(
    private readonly ttlMs: number,
    private readonly emit: (event: TypingEvent) => void,
  ) {}

  update(conversationId: string, userId: string, active: boolean): void {
    const users = this.timers.get(conversationId) ?? new Map<string, ReturnType<typeof setTimeout>>();
    const existing = users.get(userId);
    if (existing) clearTimeout(existing);
    if (!active) {
      if (!existing) return;
      users.delete(userId);
      if (users.size === 0) this.timers.delete(conversationId);
      this.emit({ conversationId, userId, active: false });
      return;
    }
    const timer = setTimeout(() => this.update(conversationId, userId, false), this.ttlMs);
    (timer as { unref?: () => void }).unref?.();
    users.set(userId, timer);
    this.timers.set(conversationId, users);
    if (!existing) this.emit({ conversationId, userId, active: true });
  }

  users(conversationId: string): string[] {
    return [...(this.timers.get(conversationId)?.keys() ?? [])];
  }

  clear(): void {
    for (const users of this.timers.values()) for (const t of users.values()) clearTimeout(t);
    this.timers.clear();
  }
}
