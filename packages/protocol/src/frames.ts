import { z } from 'zod';
import { Id, Position, Seq } from './common.js';
import { ErrorPayload } from './errors.js';
import { limits } from './limits.js';
import { AttachmentIds, ClientId, Message, OptionalMessageText, contentRequired, hasContent } from './messages.js';
import { Presence } from './users.js';
import { eventFrameSchemas } from './events.js';

/** Correlates a request frame with its ack or error. */
export const RequestId = z.union([z.string().min(1).max(64), z.number().int()]);
export type RequestId = z.infer<typeof RequestId>;

/** Frames a client may send on `/api/v1/ws`. */
export const ClientFrame = z.discriminatedUnion('type', [
  /**
   * Start receiving events. `since` is the last position the client saw (replay what was missed),
   * or null to start from now.
   */
  z.object({ type: z.literal('resume'), id: RequestId.optional(), since: Position.nullable() }),
  z.object({
    type: z.literal('message.send'),
    id: RequestId,
    conversationId: Id,
    clientId: ClientId,
    text: OptionalMessageText.default(''),
    attachmentIds: AttachmentIds.optional(),
    replyTo: Id.optional(),
  }).refine(hasContent, contentRequired),
  z.object({ type: z.literal('typing'), conversationId: Id, active: z.boolean().default(true) }),
  z.object({ type: z.literal('read'), id: RequestId.optional(), conversationId: Id, seq: Seq }),
  z.object({ type: z.literal('delivered'), conversationId: Id, seq: Seq }),
  z.object({ type: z.literal('presence.set'), status: z.enum(['online', 'away']) }),
  z.object({
    type: z.literal('presence.subscribe'),
    id: RequestId.optional(),
    userIds: z.array(Id).min(1).max(limits.presenceSubscribeMax),
  }),
  z.object({ type: z.literal('presence.unsubscribe'), userIds: z.array(Id).min(1).max(limits.presenceSubscribeMax) }),
  z.object({ type: z.literal('ping'), id: RequestId.optional() }),
]);
export type ClientFrame = z.input<typeof ClientFrame>;
export type ParsedClientFrame = z.output<typeof ClientFrame>;
export type ClientFrameType = ClientFrame['type'];
export const clientFrameTypes = ClientFrame.options.map((o) => o.shape.type.value);

/** Control frames the server sends (events are the other kind). */
export const HelloFrame = z.object({
  type: z.literal('hello'),
  userId: Id,
  sessionId: Id,
  /** Newest position in the event log when the socket opened. */
  pos: Position,
  heartbeatIntervalMs: z.number().int().positive(),
});
export const AckFrame = z.object({
  type: z.literal('ack'),
  id: RequestId,
  /** For `message.send`: the stored message. */
  message: Message.optional(),
  /** For `presence.subscribe`: the current presence of each user asked about. */
  presence: z.array(Presence).optional(),
});
export const ErrorFrame = z.object({ type: z.literal('error'), id: RequestId.optional(), error: ErrorPayload });
/** Replay after `resume` is complete: live events follow. */
export const ResumedFrame = z.object({ type: z.literal('resumed'), pos: Position, replayed: z.number().int() });
/**
 * The gap since the client's position is too old to replay: refetch state (conversations,
 * recent history), then continue from `pos`.
 */
export const ResyncFrame = z.object({ type: z.literal('resync'), pos: Position, reason: z.string() });
/** The server is going away (shutdown, slow consumer); reconnect after the delay. */
export const ReconnectFrame = z.object({
  type: z.literal('reconnect'),
  reason: z.string(),
  retryAfterMs: z.number().int().nonnegative(),
});
/** `pos`, once resumed: every event up to it that this client may see has been sent. */
export const PongFrame = z.object({ type: z.literal('pong'), id: RequestId.optional(), pos: Position.optional() });

export const controlFrameSchemas = [HelloFrame, AckFrame, ErrorFrame, ResumedFrame, ResyncFrame, ReconnectFrame, PongFrame];
export const ServerFrame = z.union([...controlFrameSchemas, ...eventFrameSchemas] as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]]);

export type HelloFrame = z.infer<typeof HelloFrame>;
export type AckFrame = z.infer<typeof AckFrame>;
export type ErrorFrame = z.infer<typeof ErrorFrame>;
export type ResumedFrame = z.infer<typeof ResumedFrame>;
export type ResyncFrame = z.infer<typeof ResyncFrame>;
export type ReconnectFrame = z.infer<typeof ReconnectFrame>;
export type PongFrame = z.infer<typeof PongFrame>;
export type ControlFrame = HelloFrame | AckFrame | ErrorFrame | ResumedFrame | ResyncFrame | ReconnectFrame | PongFrame;

/** WebSocket close codes the server uses (4000-4999 are application codes). */
export const closeCodes = {
  normal: 1000,
  goingAway: 1001,
  policyViolation: 1008,
  tooBig: 1009,
  sessionEnded: 4001,
  slowConsumer: 4008,
  rateLimited: 4029,
} as const;

export { Seq };
