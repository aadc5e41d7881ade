import { z } from 'zod';
import { Id, PageLimit, Seq, Timestamp, hasControlCharacters, utf8Length } from './common.js';
import { customEmojiReactionPattern } from './emoji.js';
import { Attachment, LinkPreview } from './files.js';
import { limits } from './limits.js';

/** Message text that may be empty (a message of attachments only). */
export const OptionalMessageText = z
  .string()
  .refine((t) => utf8Length(t) <= limits.messageTextMaxBytes, {
    message: `must be at most ${limits.messageTextMaxBytes} bytes`,
    abort: true,
  })
  .refine((t) => !hasControlCharacters(t), 'must not contain control characters');

export const MessageText = OptionalMessageText.refine((t) => t.trim().length > 0, 'must not be empty');

/** Uploads (`POST /files`) to attach, in order; each is attached once, by its uploader. */
export const AttachmentIds = z.array(Id).min(1).max(limits.attachmentsPerMessageMax);

/** A message needs words or files. */
export function hasContent(m: { text: string; attachmentIds?: readonly string[] | undefined }): boolean {
  return m.text.trim().length > 0 || (m.attachmentIds?.length ?? 0) > 0;
}
export const contentRequired = { message: 'a message needs text or attachments', path: ['text'] };

/** Chosen by the sender, unique per sender: a retried send with it returns the original message. */
export const ClientId = z
  .string()
  .min(1)
  .max(limits.clientIdMaxLength)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : -');

const singleEmoji = /^\p{RGI_Emoji}$/v;

/** One Unicode emoji (any RGI sequence, skin tones included). */
export const Emoji = z
  .string()
  .max(limits.emojiMaxLength)
  .regex(singleEmoji, 'must be a single emoji');

/** Also without its variation selector, as some keyboards send ❤ for ❤️ (the server stores the latter). */
const oneEmoji = (e: string) => singleEmoji.test(e) || singleEmoji.test(e + '\uFE0F') || singleEmoji.test(e.replace(/\uFE0F/g, ''));

/** What a reaction is made of: one Unicode emoji, or a custom emoji of the installation as `:name:`. */
export const ReactionEmoji = z
  .string()
  .max(limits.emojiMaxLength)
  .refine((e) => oneEmoji(e) || customEmojiReactionPattern.test(e), 'must be a single emoji or a :custom_emoji:');

export const ReactionSummary = z.object({
  /** A Unicode emoji, or `:name:` of a custom emoji (shown as that text once the emoji is deleted). */
  emoji: z.string(),
  count: z.number().int().positive(),
  /** Who reacted, oldest first (at most 100 listed). */
  userIds: z.array(Id),
});
export type ReactionSummary = z.infer<typeof ReactionSummary>;

export const Message = z.object({
  id: Id,
  conversationId: Id,
  seq: Seq,
  senderId: Id,
  clientId: z.string().nullable(),
  /** Markdown source; empty once deleted. */
  text: z.string(),
  /** The thread root this message replies to. */
  replyTo: Id.nullable(),
  replyCount: z.number().int().nonnegative(),
  lastReplyAt: Timestamp.nullable(),
  /** Ids of mentioned members. */
  mentions: z.array(Id),
  /** True when the text says @channel (or @here / @everyone). */
  mentionsChannel: z.boolean(),
  reactions: z.array(ReactionSummary),
  attachments: z.array(Attachment),
  /** Previews of the links in the text, added by the server shortly after sending. */
  previews: z.array(LinkPreview),
  createdAt: Timestamp,
  editedAt: Timestamp.nullable(),
  deletedAt: Timestamp.nullable(),
});
export type Message = z.infer<typeof Message>;

export const SendMessageBody = z
  .object({
    clientId: ClientId,
    text: OptionalMessageText.default(''),
    attachmentIds: AttachmentIds.optional(),
    replyTo: Id.optional(),
  })
  .refine(hasContent, contentRequired);
export type SendMessageBody = z.infer<typeof SendMessageBody>;

export const EditMessageBody = z.object({ text: MessageText });
export type EditMessageBody = z.infer<typeof EditMessageBody>;

export const MessageParams = z.object({ conversationId: Id, messageId: Id });

export const HistoryQuery = z
  .object({
    /** Messages with seq below this, newest page first (returned in ascending order). */
    before: z.coerce.number().int().min(1).optional(),
    /** Messages with seq above this, oldest first. */
    after: z.coerce.number().int().min(0).optional(),
    limit: PageLimit.default(limits.pageSizeDefault),
    /** Only the replies of this thread root. */
    thread: Id.optional(),
    /** Leave thread replies out of the timeline (Slack style). */
    topLevel: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
  })
  .refine((q) => q.before === undefined || q.after === undefined, 'give before or after, not both');
export type HistoryQuery = z.input<typeof HistoryQuery>;

export const MessagePage = z.object({
  messages: z.array(Message),
  /** More messages exist past this page in the direction asked. */
  hasMore: z.boolean(),
});
export type MessagePage = z.infer<typeof MessagePage>;

export const ReactBody = z.object({ emoji: ReactionEmoji });
export type ReactBody = z.infer<typeof ReactBody>;

export const ReactResult = z.object({ added: z.boolean(), message: Message });
export type ReactResult = z.infer<typeof ReactResult>;

export const DeliveredBody = z.object({ seq: Seq });
export type DeliveredBody = z.infer<typeof DeliveredBody>;
