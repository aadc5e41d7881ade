import { ClientFrame, clientFrameTypes, limits as protocolLimits, type ParsedClientFrame } from '@parley/protocol';
import type { Logger } from 'pino';
import type { EventBus } from '../events/bus.js';
import type { EventLog } from '../events/event-log.js';
import type { RateLimits } from '../http/rate-limit.js';
import { RateLimiter } from '../http/rate-limit.js';
import { ApiError, validationError } from '../lib/errors.js';
import { toApiError } from '../http/error-handler.js';
import type { MessagesService } from '../messages/messages.service.js';
import type { Metrics } from '../observability/metrics.js';
import type { ReceiptsService } from '../receipts/receipts.service.js';
import type { Connection } from './connection.js';
import type { Dispatcher } from './dispatcher.js';
import type { PresenceTracker } from './presence.js';

const REPLAY_PAGE = 500;
/** Typing frames per second per connection. */
const TYPING_RATE = 3;

export interface FrameHandlerDeps {
  log: EventLog;
  bus: EventBus;
  dispatcher: Dispatcher;
  presence: PresenceTracker;
  messages: MessagesService;
  receipts: ReceiptsService;
  limits: RateLimits;
  metrics: Metrics;
  logger: Logger;
  maxFrameBytes: number;
  /** Frames per second per connection (bursts of four times that). */
  framesPerSecond: number;
  /** False while shutting down: sends are refused so they can be retried elsewhere. */
  accepting(): boolean;
}

/** Validates and executes the frames a client sends on its socket. */
export class FrameHandler {
  private readonly frameLimiter: RateLimiter;
  private readonly typingLimiter = new RateLimiter(TYPING_RATE, TYPING_RATE * 2);
  private readonly replaying = new WeakSet<Connection>();

  constructor(private readonly deps: FrameHandlerDeps) {
    this.frameLimiter = new RateLimiter(deps.framesPerSecond, deps.framesPerSecond * 4);
  }

  async handle(c: Connection, data: Buffer, isBinary: boolean): Promise<void> {
    let id: string | number | undefined;
    try {
      if (isBinary) throw new ApiError('bad_request', 'Frames are JSON text');
      if (data.length > this.deps.maxFrameBytes) {
        throw new ApiError('payload_too_large', `Frames are at most ${this.deps.maxFrameBytes} bytes`);
      }
      const limited = this.frameLimiter.take(String(c.id));
      if (!limited.ok) throw new ApiError('rate_limited', 'Too many frames', undefined, limited.retryAfterMs);
      let raw: unknown;
      try {
        raw = JSON.parse(data.toString('utf8'));
      } catch {
        throw new ApiError('invalid_json', 'Frame is not valid JSON');
      }
      const rawId = (raw as { id?: unknown } | null)?.id;
      if (typeof rawId === 'string' || typeof rawId === 'number') id = rawId;
      const type = (raw as { type?: unknown } | null)?.type;
      if (typeof type !== 'string' || !(clientFrameTypes as string[]).includes(type)) {
        throw new ApiError('unknown_frame', `Unknown frame type ${JSON.stringify(type)}; expected one of ${clientFrameTypes.join(', ')}`);
      }
      const parsed = ClientFrame.safeParse(raw);
      if (!parsed.success) throw validationError(parsed.error.issues, 'frame');
      await this.execute(c, parsed.data);
    } catch (err) {
      this.fail(c, err, id);
    }
  }

  private fail(c: Connection, err: unknown, id: string | number | undefined): void {
    const apiError = toApiError(err);
    if (apiError.code === 'internal') this.deps.logger.error({ err }, 'frame failed');
    c.sendError(apiError.toPayload(), id);
  }

  private async execute(c: Connection, frame: ParsedClientFrame): Promise<void> {
    const d = this.deps;
    switch (frame.type) {
      case 'resume':
        await this.resume(c, frame.since);
        if (frame.id !== undefined) c.sendControl({ type: 'ack', id: frame.id });
        return;
      case 'message.send': {
        if (!d.accepting()) throw new ApiError('unavailable', 'Server is restarting; send again after reconnecting');
        d.limits.sendUser.enforce(c.userId, 'messages');
        d.limits.sendIp.enforce(c.ip, 'messages');
        // Queued in arrival order without waiting for the commit, so a client's next frames (and
        // its next sends, which join the same group commit) are not held behind this one.
        const sent = d.messages.send({
          senderId: c.userId,
          conversationId: frame.conversationId,
          clientId: frame.clientId,
          text: frame.text,
          attachmentIds: frame.attachmentIds,
          replyTo: frame.replyTo,
        });
        sent.then(
          ({ json }) => c.sendAck(frame.id, json),
          (err: unknown) => this.fail(c, err, frame.id),
        );
        return;
      }
      case 'typing': {
        if (!d.dispatcher.isSubscribed(c, frame.conversationId)) throw new ApiError('not_found', 'Conversation not found');
        if (!this.typingLimiter.take(String(c.id)).ok) return;
        d.bus.publishEphemeral({ kind: 'typing', conversationId: frame.conversationId, userId: c.userId, active: frame.active });
        return;
      }
      case 'read':
        await d.receipts.markRead(frame.conversationId, c.userId, frame.seq);
        if (frame.id !== undefined) c.sendControl({ type: 'ack', id: frame.id });
        return;
      case 'delivered':
        d.receipts.reportDelivered(frame.conversationId, c.userId, frame.seq);
        return;
      case 'presence.set':
        c.presenceStatus = frame.status;
        d.presence.setStatus(c.userId, c.id, frame.status);
        return;
      case 'presence.subscribe': {
        const fresh = frame.userIds.filter((u) => !c.watchedUsers.has(u));
        if (c.watchedUsers.size + fresh.length > protocolLimits.presenceSubscribeMax) {
          throw new ApiError('bad_request', `Watch at most ${protocolLimits.presenceSubscribeMax} users per connection`);
        }
        d.dispatcher.watchPresence(c, frame.userIds);
        const presence = await d.presence.get(frame.userIds);
        if (frame.id !== undefined) c.sendControl({ type: 'ack', id: frame.id, presence });
        return;
      }
      case 'presence.unsubscribe':
        d.dispatcher.unwatchPresence(c, frame.userIds);
        return;
      case 'ping': {
        // A live socket has been sent everything dispatched so far: its position can move up.
        if (c.mode === 'live') c.goLiveFrom(d.dispatcher.position);
        c.sendControl({ type: 'pong', ...(frame.id !== undefined ? { id: frame.id } : {}), ...(c.mode === 'live' ? { pos: c.cursor } : {}) });
        return;
      }
    }
  }

  /**
   * Replays what the client missed since `since` from the store, holding live events meanwhile,
   * then switches to live. A position older than the log's horizon (or from another database) gets
   * an explicit resync instead.
   */
  private async resume(c: Connection, since: number | null): Promise<void> {
    const d = this.deps;
    if (this.replaying.has(c)) throw new ApiError('conflict', 'A resume is already in progress');
    this.replaying.add(c);
    try {
      const head = await d.log.head();
      const from = since ?? c.cursor;
      if (from < head.prunedPos || from > head.pos) {
        c.goLiveFrom(d.dispatcher.position);
        d.metrics.resumes.inc({ outcome: 'resync' });
        c.sendControl({
          type: 'resync',
          pos: d.dispatcher.position,
          reason: from > head.pos ? 'position is ahead of this server' : 'position is older than the replay horizon',
        });
        return;
      }
      c.startReplay(from);
      let replayed = 0;
      for (;;) {
        const events = await d.log.readForUser(c.userId, c.cursor, REPLAY_PAGE);
        for (const event of events) {
          // Replay at the pace the client reads, within the same bound live delivery has.
          if (c.bufferedAmount > c.maxBufferedBytes / 2) await waitForDrain(c);
          if (c.closed) return;
          c.sendReplayed(event);
          replayed++;
        }
        if (events.length === REPLAY_PAGE) continue;
        if (!c.takeReplayOverflow()) break;
      }
      c.goLive();
      // Everything dispatched so far that this client may see has now been sent.
      c.goLiveFrom(d.dispatcher.position);
      d.metrics.resumes.inc({ outcome: 'replayed' });
      c.sendControl({ type: 'resumed', pos: c.cursor, replayed });
    } finally {
      this.replaying.delete(c);
    }
  }
}

const DRAIN_TIMEOUT_MS = 30_000;

/** Waits until the socket has sent most of what is queued; a client that stops reading is dropped. */
async function waitForDrain(c: Connection): Promise<void> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  while (!c.closed && c.bufferedAmount > c.maxBufferedBytes / 4) {
    if (Date.now() > deadline) return c.terminate();
    await new Promise((r) => setTimeout(r, 5));
  }
}
