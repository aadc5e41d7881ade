import { closeCodes, type ControlFrame, type EphemeralEvent, type ErrorPayload } from '@parley/protocol';
import type { WebSocket } from 'ws';
import type { LogEvent } from '../events/event-log.js';

export type DeliveryMode = 'idle' | 'replaying' | 'live';

/** Events held while a replay runs; past this the replay reads the store again instead. */
const REPLAY_BUFFER_MAX = 5_000;

let nextConnectionId = 1;

/**
 * One authenticated socket: what it is subscribed to, where it is in the event log, and a send
 * path that refuses to let a slow reader grow the server's memory.
 */
export class Connection {
  readonly id = nextConnectionId++;
  readonly conversations = new Set<string>();
  readonly watchedUsers = new Set<string>();
  mode: DeliveryMode = 'idle';
  /** Highest position sent on this socket. */
  cursor = 0;
  presenceStatus: 'online' | 'away' = 'online';
  alive = true;
  closed = false;
  private replayBuffer: LogEvent[] = [];
  private replayOverflowed = false;
  /** Membership changes seen while the initial membership list loads. */
  private membershipNotes: Map<string, { pos: number; added: boolean }> | null = new Map();

  constructor(
    private readonly ws: WebSocket,
    /** The TCP socket under `ws`, corked while a batch of events is written. */
    private readonly socket: { cork(): void; uncork(): void },
    readonly userId: string,
    readonly sessionId: string,
    readonly ip: string,
    readonly maxBufferedBytes: number,
    private readonly onSlowConsumer: (connection: Connection) => void,
  ) {}

  /** A durable event from the dispatcher (already filtered to this connection's audience). */
  deliver(event: LogEvent, bytes: Buffer): boolean {
    if (event.pos <= this.cursor) return false;
    if (this.mode === 'live') {
      this.cursor = event.pos;
      return this.write(bytes);
    }
    if (this.mode === 'replaying') {
      if (this.replayBuffer.length < REPLAY_BUFFER_MAX) this.replayBuffer.push(event);
      else this.replayOverflowed = true;
    }
    // idle: the client has not resumed yet; its replay will read this event from the store.
    return false;
  }

  /** Sends a stored event during replay. */
  sendReplayed(event: LogEvent): void {
    if (event.pos <= this.cursor) return;
    this.cursor = event.pos;
    this.write(Buffer.from(event.frame));
  }

  startReplay(since: number): void {
    this.mode = 'replaying';
    this.cursor = since;
    this.replayBuffer = [];
    this.replayOverflowed = false;
  }

  /** True when events were dropped from the buffer, so the store must be read again. */
  takeReplayOverflow(): boolean {
    const overflowed = this.replayOverflowed;
    if (overflowed) this.replayBuffer = [];
    this.replayOverflowed = false;
    return overflowed;
  }

  /** Ends a replay: buffered events newer than the replay go out, then live delivery. */
  goLive(): void {
    for (const event of this.replayBuffer) this.sendReplayed(event);
    this.replayBuffer = [];
    this.mode = 'live';
  }

  /** Skips everything up to `pos` and delivers live from there (after a resync). */
  goLiveFrom(pos: number): void {
    this.replayBuffer = [];
    this.cursor = Math.max(this.cursor, pos);
    this.mode = 'live';
  }

  noteMembership(conversationId: string, pos: number, added: boolean): void {
    this.membershipNotes?.set(conversationId, { pos, added });
  }

  /** True if the initial list (read at `asOfPos`) is outdated for this conversation by a removal. */
  removedSince(conversationId: string, asOfPos: number): boolean {
    const note = this.membershipNotes?.get(conversationId);
    return note !== undefined && note.pos > asOfPos && !note.added;
  }

  finishMembershipLoad(): void {
    this.membershipNotes = null;
  }

  sendControl(frame: ControlFrame): void {
    this.write(Buffer.from(JSON.stringify(frame)));
  }

  /** The `ack` of a send, with the stored message's JSON spliced in rather than serialised again. */
  sendAck(id: string | number, messageJson: string): void {
    this.write(Buffer.from(`{"type":"ack","id":${JSON.stringify(id)},"message":${messageJson}}`));
  }

  sendEphemeral(bytes: Buffer): void {
    if (this.mode === 'live') this.write(bytes);
  }

  sendError(error: ErrorPayload, id?: string | number): void {
    this.sendControl({ type: 'error', ...(id !== undefined ? { id } : {}), error });
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  /** Closes; with `retryAfterMs`, first tells the client when to reconnect. */
  close(code: number, reason: string, retryAfterMs?: number): void {
    if (this.closed) return;
    if (retryAfterMs !== undefined) this.sendControl({ type: 'reconnect', reason, retryAfterMs });
    this.closed = true;
    this.ws.close(code, reason.slice(0, 100));
  }

  terminate(): void {
    this.closed = true;
    this.ws.terminate();
  }

  /** Holds writes until `uncork`, so several frames leave in one system call. */
  cork(): void {
    this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }

  ping(): void {
    this.ws.ping();
  }

  private write(bytes: Buffer): boolean {
    if (this.closed) return false;
    if (this.ws.bufferedAmount + bytes.length > this.maxBufferedBytes) {
      // The client is not reading: drop it rather than buffer without bound. It resumes later.
      this.closed = true;
      this.onSlowConsumer(this);
      this.ws.close(closeCodes.slowConsumer, 'slow consumer');
      // close() waits behind the full buffer; terminate frees the memory now.
      this.ws.terminate();
      return false;
    }
    this.ws.send(bytes, { binary: false });
    return true;
  }
}

export function ephemeralFrame(event: EphemeralEvent): Buffer {
  return Buffer.from(JSON.stringify(event));
}
