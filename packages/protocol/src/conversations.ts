import { z } from 'zod';
import { Id, Seq, Timestamp, displayText } from './common.js';
import { limits } from './limits.js';
import { Message } from './messages.js';
import { User } from './users.js';

export const ConversationKind = z.enum(['dm', 'group', 'channel']);
export type ConversationKind = z.infer<typeof ConversationKind>;

export const MemberRole = z.enum(['owner', 'admin', 'member']);
export type MemberRole = z.infer<typeof MemberRole>;

/** Channel names are lower-case slugs, unique on the installation. */
export const ChannelName = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(limits.channelNameMaxLength)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, - and _');

/** What every member sees alike; the per-member view is ConversationSummary. */
export const Conversation = z.object({
  id: Id,
  kind: ConversationKind,
  /** Group title; null for DMs and channels. */
  title: z.string().nullable(),
  /** Channel name; null for DMs and groups. */
  name: z.string().nullable(),
  topic: z.string().nullable(),
  /** Group or channel picture (`/api/v1/avatars/<id>`); null for DMs (show the other person's). */
  avatarUrl: z.string().nullable(),
  createdBy: Id,
  createdAt: Timestamp,
  memberCount: z.number().int().nonnegative(),
  /** Seq of the newest message, 0 when empty. */
  lastSeq: Seq,
  lastMessageAt: Timestamp.nullable(),
  /** The two participants of a DM, sorted; empty otherwise. */
  dmUserIds: z.array(Id),
});
export type Conversation = z.infer<typeof Conversation>;

/** A member as every member of the conversation sees them (my own view of me is Membership). */
export const Member = z.object({
  userId: Id,
  role: MemberRole,
  joinedAt: Timestamp,
  /** Highest seq this member has read. */
  readSeq: Seq,
  /** Highest seq that reached one of this member's devices. */
  deliveredSeq: Seq,
});
export type Member = z.infer<typeof Member>;

export const MemberWithUser = Member.extend({ user: User });
export type MemberWithUser = z.infer<typeof MemberWithUser>;

/** How long to mute a conversation for: the usual choices, and `always` (until I unmute). */
export const MuteDuration = z.enum(['1h', '8h', '1w', 'always']);
export type MuteDuration = z.infer<typeof MuteDuration>;

/**
 * A muted conversation stays in my list and still counts unread messages and mentions, but does
 * not notify me. `until`: when the mute ends by itself; null for "until I unmute".
 */
export const Mute = z.object({ until: Timestamp.nullable() });
export type Mute = z.infer<typeof Mute>;

/**
 * My own membership: what every member sees of me, plus my private settings, which the server
 * shows only to me (never in member lists or member events).
 */
export const Membership = Member.extend({
  /** null when not muted, including when a timed mute has ended. */
  mute: Mute.nullable(),
});
export type Membership = z.infer<typeof Membership>;

/** A conversation as one member sees it in their list. */
export const ConversationSummary = z.object({
  conversation: Conversation,
  membership: Membership,
  unreadCount: z.number().int().nonnegative(),
  mentionCount: z.number().int().nonnegative(),
  lastMessage: Message.nullable(),
  /** For a DM, the other participant. */
  peer: User.nullable(),
});
export type ConversationSummary = z.infer<typeof ConversationSummary>;

export const ConversationList = z.object({ conversations: z.array(ConversationSummary) });
export type ConversationList = z.infer<typeof ConversationList>;

export const CreateConversationBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('dm'), userId: Id }),
  z.object({
    kind: z.literal('group'),
    title: displayText(limits.groupTitleMaxLength),
    memberIds: z.array(Id).max(limits.groupCreateMembersMax).default([]),
  }),
  z.object({
    kind: z.literal('channel'),
    name: ChannelName,
    topic: displayText(limits.topicMaxLength, 0).optional(),
  }),
]);
export type CreateConversationBody = z.input<typeof CreateConversationBody>;

export const UpdateConversationBody = z
  .object({
    title: displayText(limits.groupTitleMaxLength),
    topic: displayText(limits.topicMaxLength, 0),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'give at least one field to change');
export type UpdateConversationBody = z.infer<typeof UpdateConversationBody>;

export const ConversationParams = z.object({ conversationId: Id });
export const MemberParams = z.object({ conversationId: Id, userId: Id });

export const AddMembersBody = z.object({
  userIds: z.array(Id).min(1).max(limits.groupCreateMembersMax),
});
export type AddMembersBody = z.infer<typeof AddMembersBody>;

export const UpdateMemberBody = z.object({ role: z.enum(['admin', 'member']) });
export type UpdateMemberBody = z.infer<typeof UpdateMemberBody>;

export const MemberList = z.object({ members: z.array(MemberWithUser) });
export type MemberList = z.infer<typeof MemberList>;

export const ChannelSearchQuery = z.object({
  q: z.string().trim().max(limits.channelNameMaxLength).optional(),
  limit: z.coerce.number().int().min(1).max(limits.pageSizeMax).default(50),
});
export type ChannelSearchQuery = z.input<typeof ChannelSearchQuery>;

export const ChannelListItem = z.object({ conversation: Conversation, joined: z.boolean() });
export const ChannelList = z.object({ channels: z.array(ChannelListItem) });
export type ChannelList = z.infer<typeof ChannelList>;

export const ConversationDetail = z.object({ conversation: Conversation, membership: Membership });
export type ConversationDetail = z.infer<typeof ConversationDetail>;

/** Mute for one of the usual durations, or until a time (in the future). */
export const MuteBody = z.union(
  [
    z.strictObject({ for: MuteDuration }),
    z.strictObject({ until: Timestamp.refine((t) => Date.parse(t) > Date.now(), 'must be in the future') }),
  ],
  { error: 'give {"for": "1h" | "8h" | "1w" | "always"} or {"until": <a future timestamp>}' },
);
export type MuteBody = z.infer<typeof MuteBody>;

export const ReadBody = z.object({ seq: Seq });
export type ReadBody = z.infer<typeof ReadBody>;

export const ReceiptList = z.object({
  receipts: z.array(z.object({ userId: Id, readSeq: Seq, deliveredSeq: Seq })),
});
export type ReceiptList = z.infer<typeof ReceiptList>;
