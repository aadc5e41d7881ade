import type {
  ChannelList,
  ConversationDetail,
  ConversationSummary,
  Member,
  Membership as OwnMembership,
  MemberWithUser,
  MuteBody,
  UpdateConversationBody,
} from '@parley/protocol';
import type { CreateConversationBody } from '@parley/protocol';
import type { z } from 'zod';
import type { Kysely, Transaction } from 'kysely';
import { presentUser } from '../accounts/user.presenter.js';
import { findUsersByIds } from '../accounts/users.repository.js';
import type { Dialect } from '../db/database.js';
import { isUniqueViolation } from '../db/errors.js';
import type { ConversationRow, DB, MemberRow } from '../db/schema.js';
import type { Emit, Writer } from '../events/writer.js';
import { ApiError, badRequest, forbidden, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { presentMessage } from '../messages/message.presenter.js';
import { requireMember, requireRole, type Membership } from './access.js';
import { dmKey, presentConversation, presentMember, presentMembership } from './conversation.presenter.js';
import * as repo from './conversations.repository.js';
import { mutedUntil, presentMute, sameMute } from './mute.js';

type CreateInput = z.output<typeof CreateConversationBody>;

const UNREAD_CAP = 10_000;

export interface ConversationLimits {
  maxGroupMembers: number;
  maxChannelMembers: number;
}

export class ConversationsService {
  constructor(
    private readonly reader: Kysely<DB>,
    private readonly dialect: Dialect,
    private readonly writer: Writer,
    private readonly limits: ConversationLimits,
  ) {}

  /** Creates a conversation; for a DM that exists already, returns it with `created: false`. */
  async create(userId: string, input: CreateInput): Promise<{ detail: ConversationDetail; created: boolean }> {
    switch (input.kind) {
      case 'dm':
        return this.createDm(userId, input.userId);
      case 'group':
        return { detail: await this.createGroup(userId, input.title, input.memberIds), created: true };
      case 'channel':
        return { detail: await this.createChannel(userId, input.name, input.topic ?? null), created: true };
    }
  }

  private async createDm(userId: string, peerId: string): Promise<{ detail: ConversationDetail; created: boolean }> {
    const key = dmKey(userId, peerId);
    const existing = await repo.findConversationByDmKey(this.reader, key);
    if (existing) return { detail: await this.detail(existing.id, userId), created: false };
    await this.requireUsersExist([peerId]);
    try {
      const id = await this.insertWithMembers(
        { kind: 'dm', title: null, name: null, topic: null, dm_key: key },
        userId,
        [...new Set([userId, peerId])].map((u) => ({ userId: u, role: 'member' as const })),
      );
      return { detail: await this.detail(id, userId), created: true };
    } catch (err) {
      // Both people started the DM at once: the other request won, which is the same outcome.
      if (!isUniqueViolation(err)) throw err;
      const winner = await repo.findConversationByDmKey(this.reader, key);
      if (!winner) throw err;
      return { detail: await this.detail(winner.id, userId), created: false };
    }
  }

  private async createGroup(userId: string, title: string, memberIds: readonly string[]): Promise<ConversationDetail> {
    const others = [...new Set(memberIds)].filter((id) => id !== userId);
    if (others.length + 1 > this.limits.maxGroupMembers) {
      throw badRequest(`A group has at most ${this.limits.maxGroupMembers} members`);
    }
    await this.requireUsersExist(others);
    const id = await this.insertWithMembers({ kind: 'group', title, name: null, topic: null, dm_key: null }, userId, [
      { userId, role: 'owner' },
      ...others.map((u) => ({ userId: u, role: 'member' as const })),
    ]);
    return this.detail(id, userId);
  }

  private async createChannel(userId: string, name: string, topic: string | null): Promise<ConversationDetail> {
    try {
      const id = await this.insertWithMembers({ kind: 'channel', title: null, name, topic, dm_key: null }, userId, [
        { userId, role: 'owner' },
      ]);
      return this.detail(id, userId);
    } catch (err) {
      if (isUniqueViolation(err)) throw new ApiError('channel_name_taken', `A channel named "${name}" exists already`);
      throw err;
    }
  }

  private async insertWithMembers(
    fields: Pick<ConversationRow, 'kind' | 'title' | 'name' | 'topic' | 'dm_key'>,
    createdBy: string,
    members: { userId: string; role: MemberRow['role'] }[],
  ): Promise<string> {
    const now = Date.now();
    const id = newId(now);
    const row: ConversationRow = {
      id,
      ...fields,
      avatar_url: null,
      created_by: createdBy,
      created_at: now,
      member_count: members.length,
      last_seq: 0,
      last_message_at: null,
    };
    await this.writer.write(async (tx, emit) => {
      await repo.insertConversation(tx, row);
      await repo.insertMembers(
        tx,
        members.map((m) => ({ conversation_id: id, user_id: m.userId, role: m.role, joined_at: now, read_seq: 0, delivered_seq: 0, muted_until: null })),
      );
      emit({
        type: 'conversation.created',
        conversationId: id,
        payload: { conversation: presentConversation(row) },
        addedUserIds: members.map((m) => m.userId),
      });
    });
    return id;
  }

  private async requireUsersExist(ids: readonly string[]): Promise<void> {
    const found = new Set((await findUsersByIds(this.reader, ids)).map((u) => u.id));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0) {
      throw new ApiError('validation_failed', `Unknown user: ${missing.join(', ')}`, missing.map((id) => ({ path: 'userId', message: `no user ${id}` })));
    }
  }

  async detail(conversationId: string, userId: string): Promise<ConversationDetail> {
    const m = await requireMember(this.reader, conversationId, userId);
    return { conversation: presentConversation(m.conversation), membership: presentMembership(m.member) };
  }

  /** A member sees their conversation; anyone sees a public channel (without membership). */
  async view(conversationId: string, userId: string): Promise<{ conversation: ConversationDetail['conversation']; membership: OwnMembership | null }> {
    const conversation = await repo.findConversation(this.reader, conversationId);
    if (!conversation) throw notFound('Conversation');
    const member = await repo.findMember(this.reader, conversationId, userId);
    if (!member && conversation.kind !== 'channel') throw notFound('Conversation');
    return { conversation: presentConversation(conversation), membership: member ? presentMembership(member) : null };
  }

  async list(userId: string): Promise<ConversationSummary[]> {
    const now = Date.now();
    const memberships = await repo.listMemberships(this.reader, userId);
    const lastKeys = memberships.filter((m) => m.conversation.last_seq > 0);
    const lastMessages = lastKeys.length
      ? await this.reader
          .selectFrom('messages')
          .selectAll()
          .where((eb) =>
            eb(
              eb.refTuple('conversation_id', 'seq'),
              'in',
              lastKeys.map((m) => eb.tuple(m.conversation.id, m.conversation.last_seq)),
            ),
          )
          .execute()
      : [];
    const lastByConversation = new Map(lastMessages.map((m) => [m.conversation_id, m]));
    const peerIds = memberships.flatMap((m) => {
      const ids = m.conversation.dm_key?.split(':') ?? [];
      return ids.length ? [ids.find((id) => id !== userId) ?? userId] : [];
    });
    const peers = new Map((await findUsersByIds(this.reader, [...new Set(peerIds)])).map((u) => [u.id, presentUser(u)]));
    return Promise.all(
      memberships.map(async ({ conversation, member }) => {
        const hasUnread = conversation.last_seq > member.read_seq;
        const [unreadCount, mentionCount] = hasUnread
          ? await Promise.all([
              repo.countUnread(this.reader, conversation.id, userId, member.read_seq, UNREAD_CAP),
              repo.countUnread(this.reader, conversation.id, userId, member.read_seq, UNREAD_CAP, true),
            ])
          : [0, 0];
        const last = lastByConversation.get(conversation.id);
        const dmIds = conversation.dm_key?.split(':') ?? [];
        const peerId = dmIds.length ? (dmIds.find((id) => id !== userId) ?? userId) : null;
        return {
          conversation: presentConversation(conversation),
          membership: presentMembership(member, now),
          unreadCount,
          mentionCount,
          lastMessage: last ? presentMessage(last) : null,
          peer: peerId ? (peers.get(peerId) ?? null) : null,
        };
      }),
    );
  }

  async update(conversationId: string, userId: string, changes: UpdateConversationBody): Promise<ConversationDetail> {
    await this.writer.write(async (tx, emit) => {
      const m = await requireMember(tx, conversationId, userId);
      if (m.conversation.kind === 'dm') throw badRequest('A direct message has no title or topic');
      if (changes.title !== undefined && m.conversation.kind !== 'group') throw badRequest('Only groups have a title');
      requireRole(m, ['owner', 'admin'], 'change the title or topic');
      const row = await repo.updateConversationRow(tx, conversationId, {
        ...(changes.title !== undefined ? { title: changes.title } : {}),
        ...(changes.topic !== undefined ? { topic: changes.topic || null } : {}),
      });
      emit({ type: 'conversation.updated', conversationId, payload: { conversation: presentConversation(row) } });
    });
    return this.detail(conversationId, userId);
  }

  /** Owners and admins of groups and channels set the picture; checked before any upload is read. */
  async requireAvatarEditor(conversationId: string, userId: string): Promise<void> {
    const m = await requireMember(this.reader, conversationId, userId);
    if (m.conversation.kind === 'dm') throw badRequest('A direct message shows the other person\'s avatar');
    requireRole(m, ['owner', 'admin'], 'change the picture');
  }

  /** Sets the picture and returns the one it replaced. */
  async setAvatarUrl(conversationId: string, userId: string, avatarUrl: string | null): Promise<{ detail: ConversationDetail; previous: string | null }> {
    const previous = await this.writer.write(async (tx, emit) => {
      const m = await requireMember(tx, conversationId, userId);
      if (m.conversation.kind === 'dm') throw badRequest('A direct message shows the other person\'s avatar');
      requireRole(m, ['owner', 'admin'], 'change the picture');
      const row = await repo.updateConversationRow(tx, conversationId, { avatar_url: avatarUrl });
      emit({ type: 'conversation.updated', conversationId, payload: { conversation: presentConversation(row) } });
      return m.conversation.avatar_url;
    });
    return { detail: await this.detail(conversationId, userId), previous };
  }

  async browseChannels(userId: string, query: string | undefined, limit: number): Promise<ChannelList> {
    const rows = await repo.searchChannels(this.reader, query, limit);
    const memberOf = new Set(
      rows.length
        ? (
            await this.reader
              .selectFrom('members')
              .select('conversation_id')
              .where('user_id', '=', userId)
              .where(
                'conversation_id',
                'in',
                rows.map((r) => r.id),
              )
              .execute()
          ).map((r) => r.conversation_id)
        : [],
    );
    return { channels: rows.map((r) => ({ conversation: presentConversation(r), joined: memberOf.has(r.id) })) };
  }

  async join(conversationId: string, userId: string): Promise<ConversationDetail> {
    await this.writer.write(async (tx, emit) => {
      const conversation = await repo.findConversation(tx, conversationId, this.dialect);
      if (!conversation) throw notFound('Conversation');
      const already = await repo.findMember(tx, conversationId, userId);
      if (already) return;
      if (conversation.kind !== 'channel') throw notFound('Conversation');
      await this.addMembersTx(tx, emit, conversation, userId, [userId]);
    });
    return this.detail(conversationId, userId);
  }

  async addMembers(conversationId: string, userId: string, userIds: readonly string[]): Promise<MemberWithUser[]> {
    await this.requireUsersExist([...new Set(userIds)]);
    return this.writer.write(async (tx, emit) => {
      const m = await requireMember(tx, conversationId, userId);
      if (m.conversation.kind === 'dm') throw badRequest('A direct message has exactly two people; start a group instead');
      if (m.conversation.kind === 'group') requireRole(m, ['owner', 'admin'], 'add members');
      return this.addMembersTx(tx, emit, m.conversation, userId, userIds);
    });
  }

  private async addMembersTx(
    tx: Transaction<DB>,
    emit: Emit,
    conversation: ConversationRow,
    by: string,
    userIds: readonly string[],
  ): Promise<MemberWithUser[]> {
    // Concurrent adds of the same person take turns; the second finds them already in.
    await repo.findConversation(tx, conversation.id, this.dialect);
    const existing = await repo.existingMemberIds(tx, conversation.id, userIds);
    const added = [...new Set(userIds)].filter((id) => !existing.has(id));
    if (added.length === 0) return [];
    const max = conversation.kind === 'group' ? this.limits.maxGroupMembers : this.limits.maxChannelMembers;
    const now = Date.now();
    const rows: MemberRow[] = added.map((u) => ({
      conversation_id: conversation.id,
      user_id: u,
      role: 'member',
      joined_at: now,
      read_seq: 0,
      delivered_seq: 0,
      muted_until: null,
    }));
    await repo.insertMembers(tx, rows);
    const updated = await repo.adjustMemberCount(tx, conversation.id, added.length);
    if (updated.member_count > max) throw badRequest(`A ${conversation.kind} has at most ${max} members`);
    const users = new Map((await findUsersByIds(tx, added)).map((u) => [u.id, presentUser(u)]));
    const presented = presentConversation(updated);
    return rows.map((row) => {
      const member = { ...presentMember(row), user: users.get(row.user_id)! };
      emit({
        type: 'member.added',
        conversationId: conversation.id,
        payload: { conversationId: conversation.id, member, by, conversation: presented },
        addedUserIds: [row.user_id],
      });
      return member;
    });
  }

  async leave(conversationId: string, userId: string): Promise<void> {
    await this.writer.write(async (tx, emit) => {
      await repo.findConversation(tx, conversationId, this.dialect);
      const m = await requireMember(tx, conversationId, userId);
      if (m.conversation.kind === 'dm') throw badRequest('You cannot leave a direct message');
      if (m.member.role === 'owner') {
        const successor = await repo.successorOf(tx, conversationId, userId);
        if (successor) {
          const promoted = await repo.updateMemberRole(tx, conversationId, successor.user_id, 'owner');
          emit({ type: 'member.updated', conversationId, payload: { conversationId, member: presentMember(promoted), by: userId } });
        }
      }
      await this.removeTx(tx, emit, m, userId, userId, 'left');
    });
  }

  async removeMember(conversationId: string, userId: string, targetId: string): Promise<void> {
    if (targetId === userId) return this.leave(conversationId, userId);
    await this.writer.write(async (tx, emit) => {
      await repo.findConversation(tx, conversationId, this.dialect);
      const m = await requireMember(tx, conversationId, userId);
      if (m.conversation.kind === 'dm') throw badRequest('Nobody can be removed from a direct message');
      requireRole(m, ['owner', 'admin'], 'remove members');
      const target = await repo.findMember(tx, conversationId, targetId);
      if (!target) throw notFound('Member');
      if (target.role === 'owner') throw forbidden('The owner cannot be removed');
      if (target.role === 'admin' && m.member.role !== 'owner') throw forbidden('Only the owner can remove an admin');
      await this.removeTx(tx, emit, m, targetId, userId, 'removed');
    });
  }

  private async removeTx(tx: Transaction<DB>, emit: Emit, m: Membership, targetId: string, by: string, reason: 'left' | 'removed') {
    if (!(await repo.deleteMember(tx, m.conversation.id, targetId))) throw notFound('Member');
    const updated = await repo.adjustMemberCount(tx, m.conversation.id, -1);
    emit({
      type: 'member.removed',
      conversationId: m.conversation.id,
      payload: { conversationId: m.conversation.id, userId: targetId, by, reason, conversation: presentConversation(updated) },
      removedUserId: targetId,
    });
  }

  async updateRole(conversationId: string, userId: string, targetId: string, role: 'admin' | 'member'): Promise<Member> {
    return this.writer.write(async (tx, emit) => {
      const m = await requireMember(tx, conversationId, userId);
      if (m.conversation.kind === 'dm') throw badRequest('A direct message has no roles');
      requireRole(m, ['owner'], 'change roles');
      const target = await repo.findMember(tx, conversationId, targetId);
      if (!target) throw notFound('Member');
      if (target.role === 'owner') throw badRequest('The owner keeps the owner role; ownership passes when the owner leaves');
      const row = await repo.updateMemberRole(tx, conversationId, targetId, role);
      const member = presentMember(row);
      if (target.role !== role) emit({ type: 'member.updated', conversationId, payload: { conversationId, member, by: userId } });
      return member;
    });
  }

  /**
   * Mutes (`choice`) or unmutes (null) the conversation for this member. Private: the change is
   * told to the member's own devices only, and only when what they would see changes.
   */
  async setMute(conversationId: string, userId: string, choice: MuteBody | null): Promise<OwnMembership> {
    return this.writer.write(async (tx, emit) => {
      const now = Date.now();
      const m = await requireMember(tx, conversationId, userId);
      const before = presentMute(m.member.muted_until, now);
      const stored = choice ? mutedUntil(choice, now) : null;
      if (stored === m.member.muted_until) return presentMembership(m.member, now);
      const membership = presentMembership(await repo.updateMutedUntil(tx, conversationId, userId, stored), now);
      if (!sameMute(before, membership.mute)) {
        emit({ type: 'membership.updated', conversationId, payload: { conversationId, membership }, recipientId: userId });
      }
      return membership;
    });
  }

  async members(conversationId: string, userId: string): Promise<MemberWithUser[]> {
    await requireMember(this.reader, conversationId, userId);
    const rows = await repo.listMemberRows(this.reader, conversationId);
    const users = new Map((await findUsersByIds(this.reader, rows.map((r) => r.user_id))).map((u) => [u.id, presentUser(u)]));
    return rows.flatMap((r) => {
      const user = users.get(r.user_id);
      return user ? [{ ...presentMember(r), user }] : [];
    });
  }
}
