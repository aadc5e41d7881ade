import type { Message, ReactResult, ReactionSummary } from '@parley/protocol';
import type { Kysely } from 'kysely';
import { requireMember } from '../conversations/access.js';
import type { Dialect } from '../db/database.js';
import type { DB, MessageRow } from '../db/schema.js';
import type { Writer } from '../events/writer.js';
import type { FilesService } from '../files/files.service.js';
import { deleteFiles } from '../files/files.repository.js';
import { conflict, forbidden, notFound } from '../lib/errors.js';
import { presentMessage } from './message.presenter.js';
import { resolveMentions } from './mention-resolver.js';
import * as repo from './messages.repository.js';
import type { SendPipeline, SendRequest, SendResult } from './send-pipeline.js';

/** Told, after the commit, that a message's text changed (link previews follow its links). */
export interface EditListener {
  edited(message: Message, previousText: string): void;
}

/** A reaction as stored, and whether it may be added now (a custom emoji must exist). */
export interface ReactionEmoji {
  emoji: string;
  addable: boolean;
}

/** Checks what a reaction is made of (custom emoji belong to their own feature). */
export interface ReactionEmojiResolver {
  /** Throws a validation error for anything that is not one emoji or `:custom_emoji:`. */
  reaction(value: string): Promise<ReactionEmoji>;
}

/** Listed reactors per emoji; `count` stays exact beyond it. */
const REACTORS_LISTED = 100;
/** Distinct emoji on one message. */
const MAX_DISTINCT_REACTIONS = 50;

export class MessagesService {
  constructor(
    private readonly reader: Kysely<DB>,
    private readonly dialect: Dialect,
    private readonly writer: Writer,
    private readonly pipeline: SendPipeline,
    private readonly files: FilesService,
    private readonly editListener: EditListener,
    private readonly reactionEmoji: ReactionEmojiResolver,
  ) {}

  send(request: SendRequest): Promise<SendResult> {
    return this.pipeline.send(request);
  }

  async history(
    conversationId: string,
    userId: string,
    query: { before?: number | undefined; after?: number | undefined; limit: number; thread?: string | undefined; topLevel?: boolean | undefined },
  ): Promise<{ json: string[]; hasMore: boolean }> {
    await requireMember(this.reader, conversationId, userId);
    return repo.pageMessageJson(this.reader, conversationId, query);
  }

  async get(conversationId: string, messageId: string, userId: string): Promise<Message> {
    await requireMember(this.reader, conversationId, userId);
    const row = await repo.findMessage(this.reader, conversationId, messageId);
    if (!row) throw notFound('Message');
    return presentMessage(row);
  }

  async edit(conversationId: string, messageId: string, userId: string, text: string): Promise<Message> {
    let previousText = '';
    const edited = await this.writer.write(async (tx, emit) => {
      await requireMember(tx, conversationId, userId);
      const row = await this.lockMessage(tx, conversationId, messageId);
      if (row.sender_id !== userId) throw forbidden('You can only edit your own messages');
      if (row.deleted_at !== null) throw conflict('A deleted message cannot be edited');
      previousText = row.text;
      const [mentions] = await resolveMentions(tx, [{ conversationId, text }]);
      await repo.deleteMentionsOf(tx, messageId);
      await repo.insertMentions(tx, mentions!.userIds.map((u) => ({ message_id: messageId, conversation_id: conversationId, seq: row.seq, user_id: u })));
      const updated = await repo.updateMessage(tx, messageId, {
        text,
        edited_at: Date.now(),
        mentions: JSON.stringify(mentions!.userIds),
        mentions_channel: mentions!.channel ? 1 : 0,
      });
      const message = presentMessage(updated);
      emit({ type: 'message.updated', conversationId, payload: { conversationId, message } });
      return message;
    });
    this.editListener.edited(edited, previousText);
    return edited;
  }

  /** The author deletes their message; owners and admins of groups and channels may delete any. */
  async delete(conversationId: string, messageId: string, userId: string): Promise<Message> {
    let released: string[] = [];
    const message = await this.writer.write(async (tx, emit) => {
      const m = await requireMember(tx, conversationId, userId);
      const row = await this.lockMessage(tx, conversationId, messageId);
      const moderator = m.conversation.kind !== 'dm' && (m.member.role === 'owner' || m.member.role === 'admin');
      if (row.sender_id !== userId && !moderator) throw forbidden('You can only delete your own messages');
      if (row.deleted_at !== null) return presentMessage(row);
      await repo.deleteMentionsOf(tx, messageId);
      await repo.deleteReactionsOf(tx, messageId);
      // Its files go with it: a tombstone leaves nothing downloadable behind.
      released = await deleteFiles(tx, { messageId });
      const tombstone = await repo.updateMessage(tx, messageId, {
        text: '',
        deleted_at: Date.now(),
        mentions: '[]',
        mentions_channel: 0,
        reactions: '[]',
        attachments: '[]',
        previews: '[]',
      });
      const message = presentMessage(tombstone);
      emit({ type: 'message.deleted', conversationId, payload: { conversationId, message } });
      return message;
    });
    await this.files.removeBlobs(released);
    return message;
  }

  /** Adds the caller's reaction with this emoji, or removes it if they had it. */
  async toggleReaction(conversationId: string, messageId: string, userId: string, value: string): Promise<ReactResult> {
    const { emoji, addable } = await this.reactionEmoji.reaction(value);
    return this.writer.write(async (tx, emit) => {
      await requireMember(tx, conversationId, userId);
      // Toggles of one message take turns: a double click adds then removes, never fails.
      const row = await this.lockMessage(tx, conversationId, messageId);
      if (row.deleted_at !== null) throw conflict('A deleted message cannot be reacted to');
      const removed = await tx
        .deleteFrom('reactions')
        .where('message_id', '=', messageId)
        .where('user_id', '=', userId)
        .where('emoji', '=', emoji)
        .executeTakeFirst();
      const added = Number(removed.numDeletedRows) === 0;
      if (added) {
        // Taking one's reaction off stays possible after its custom emoji was deleted.
        if (!addable) throw notFound(`Custom emoji ${emoji}`);
        await tx.insertInto('reactions').values({ message_id: messageId, user_id: userId, emoji, created_at: Date.now() }).execute();
      }
      const summary = summarise(await repo.reactionsOf(tx, messageId));
      if (added && summary.length > MAX_DISTINCT_REACTIONS) throw conflict(`A message can have at most ${MAX_DISTINCT_REACTIONS} different reactions`);
      const updated = await repo.updateMessage(tx, messageId, { reactions: JSON.stringify(summary) });
      const count = summary.find((s) => s.emoji === emoji)?.count ?? 0;
      emit({
        type: added ? 'reaction.added' : 'reaction.removed',
        conversationId,
        payload: { conversationId, messageId, userId, emoji, count },
      });
      return { added, message: presentMessage(updated) };
    });
  }

  /** The message, locked: edits, deletions and reaction toggles of one message take turns. */
  private async lockMessage(db: Kysely<DB>, conversationId: string, messageId: string): Promise<MessageRow> {
    const row = await repo.findMessage(db, conversationId, messageId, this.dialect);
    if (!row) throw notFound('Message');
    return row;
  }

}

function summarise(rows: { emoji: string; user_id: string }[]): ReactionSummary[] {
  const byEmoji = new Map<string, ReactionSummary>();
  for (const r of rows) {
    const s = byEmoji.get(r.emoji) ?? { emoji: r.emoji, count: 0, userIds: [] };
    s.count++;
    if (s.userIds.length < REACTORS_LISTED) s.userIds.push(r.user_id);
    byEmoji.set(r.emoji, s);
  }
  return [...byEmoji.values()];
}
