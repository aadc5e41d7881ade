import { z } from 'zod';
import { Id, Position, Seq } from './common.js';
import { Conversation, Member, Membership, MemberWithUser } from './conversations.js';
import { Message } from './messages.js';
import { Presence } from './users.js';

/**
 * Durable events: written to the event log in the same transaction as the change, each with a
 * position, and replayed to a client that resumes from an earlier position.
 */
export const durableEventSchemas = {
  'message.created': z.object({ conversationId: Id, message: Message }),
  'message.updated': z.object({ conversationId: Id, message: Message }),
  /** The message is now a tombstone: same id and seq, no text. */
  'message.deleted': z.object({ conversationId: Id, message: Message }),
  'reaction.added': z.object({
    conversationId: Id,
    messageId: Id,
    userId: Id,
    emoji: z.string(),
    count: z.number().int().nonnegative(),
  }),
  'reaction.removed': z.object({
    conversationId: Id,
    messageId: Id,
    userId: Id,
    emoji: z.string(),
    count: z.number().int().nonnegative(),
  }),
  /** A member's read position moved forward. */
  read: z.object({ conversationId: Id, userId: Id, seq: Seq }),
  /** A message reached one of a member's devices. */
  delivered: z.object({ conversationId: Id, userId: Id, seq: Seq }),
  'conversation.created': z.object({ conversation: Conversation }),
  'conversation.updated': z.object({ conversation: Conversation }),
  /** Someone joined or was added; the conversation is included for the member who is new to it. */
  'member.added': z.object({ conversationId: Id, member: MemberWithUser, by: Id, conversation: Conversation }),
  'member.updated': z.object({ conversationId: Id, member: Member, by: Id }),
  /** Someone left or was removed; the removed member receives this last event too. */
  'member.removed': z.object({
    conversationId: Id,
    userId: Id,
    by: Id,
    reason: z.enum(['left', 'removed']),
    conversation: Conversation,
  }),
  /**
   * My private settings in a conversation changed (mute): sent to my own devices only, never to
   * the other members.
   */
  'membership.updated': z.object({ conversationId: Id, membership: Membership }),
} as const;

/** Ephemeral events: delivered live only, never replayed. */
export const ephemeralEventSchemas = {
  typing: z.object({ conversationId: Id, userId: Id, active: z.boolean() }),
  presence: Presence,
} as const;

export type DurableEventType = keyof typeof durableEventSchemas;
export type EphemeralEventType = keyof typeof ephemeralEventSchemas;
export type EventType = DurableEventType | EphemeralEventType;

export type DurableEventPayloads = {
  [K in DurableEventType]: z.infer<(typeof durableEventSchemas)[K]>;
};
export type EphemeralEventPayloads = {
  [K in EphemeralEventType]: z.infer<(typeof ephemeralEventSchemas)[K]>;
};

/** One typed map of every event name to its payload, shared by server and SDK. */
export type EventPayloads = DurableEventPayloads & EphemeralEventPayloads;

/** A durable event as it travels: type, position in the log, payload fields. */
export type DurableEvent = {
  [K in DurableEventType]: { type: K; pos: number } & DurableEventPayloads[K];
}[DurableEventType];

export type EphemeralEvent = {
  [K in EphemeralEventType]: { type: K } & EphemeralEventPayloads[K];
}[EphemeralEventType];

export type ParleyEvent = DurableEvent | EphemeralEvent;

export const durableEventTypes = Object.keys(durableEventSchemas) as DurableEventType[];
export const ephemeralEventTypes = Object.keys(ephemeralEventSchemas) as EphemeralEventType[];

function frameSchema<T extends string, S extends z.ZodObject>(type: T, payload: S, positioned: boolean) {
  const head = positioned ? { type: z.literal(type), pos: Position } : { type: z.literal(type) };
  return payload.extend(head);
}

/** Schemas of event frames as sent on the socket (used by tests and the OpenAPI document). */
export const eventFrameSchemas = [
  ...Object.entries(durableEventSchemas).map(([t, s]) => frameSchema(t, s, true)),
  ...Object.entries(ephemeralEventSchemas).map(([t, s]) => frameSchema(t, s, false)),
];

export function isDurableEvent(event: { type: string }): event is DurableEvent {
  return event.type in durableEventSchemas;
}
