import type { Insertable, Selectable } from 'kysely';

/** Times are epoch milliseconds; JSON columns are text; booleans are 0/1 (same on both dialects). */
export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  /** Lower-cased, accent-free display name, for search. */
  search_name: string;
  status_text: string;
  avatar_url: string | null;
  password_hash: string;
  created_at: number;
  last_seen_at: number | null;
  /** Installation admin: manages custom emoji and the GIF library. */
  is_admin: number;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: number;
  last_used_at: number;
  expires_at: number;
  user_agent: string | null;
}

export interface WsTicketsTable {
  ticket_hash: string;
  session_id: string;
  expires_at: number;
}

export interface ConversationsTable {
  id: string;
  kind: 'dm' | 'group' | 'channel';
  title: string | null;
  name: string | null;
  topic: string | null;
  created_by: string;
  created_at: number;
  member_count: number;
  last_seq: number;
  last_message_at: number | null;
  /** "<userA>:<userB>" sorted, for DMs only: one DM per pair. */
  dm_key: string | null;
  avatar_url: string | null;
}

export interface MembersTable {
  conversation_id: string;
  user_id: string;
  role: 'owner' | 'admin' | 'member';
  joined_at: number;
  read_seq: number;
  delivered_seq: number;
  /**
   * The member's own mute (private to them): when it ends; MUTED_UNTIL_UNMUTED
   * (conversations/mute.ts) for "until I unmute"; null when never muted or unmuted. A past value
   * is an ended mute, so "muted now" is `muted_until > now` whatever the kind.
   */
  muted_until: number | null;
}

export interface MessagesTable {
  id: string;
  conversation_id: string;
  seq: number;
  sender_id: string;
  client_id: string | null;
  text: string;
  reply_to: string | null;
  reply_count: number;
  last_reply_at: number | null;
  /** JSON array of mentioned member ids. */
  mentions: string;
  mentions_channel: number;
  /** JSON array of reaction summaries, kept in step with the reactions table. */
  reactions: string;
  /** JSON array of presented attachments (fixed at send). */
  attachments: string;
  /** JSON array of link previews (added after send, removable by the author). */
  previews: string;
  created_at: number;
  edited_at: number | null;
  deleted_at: number | null;
  /** The message as clients see it (JSON of the presented message), rewritten by every change; '' until filled. */
  json: string;
}

export type FilePurpose = 'attachment' | 'avatar' | 'emoji' | 'gif' | 'preview';

export interface FilesTable {
  id: string;
  owner_id: string | null;
  purpose: FilePurpose;
  blob_key: string;
  kind: 'image' | 'gif' | 'video' | 'audio' | 'voice' | 'file';
  name: string;
  content_type: string;
  size: number;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
  /** JSON array of 0-255 points, voice notes only. */
  waveform: string | null;
  blurhash: string | null;
  /** JSON map of derived blobs, e.g. {"thumb": key}. */
  variants: string;
  conversation_id: string | null;
  message_id: string | null;
  created_at: number;
}

export interface CustomEmojiTable {
  name: string;
  file_id: string;
  created_by: string;
  created_at: number;
}

export interface GifsTable {
  id: string;
  file_id: string;
  title: string;
  search_text: string;
  /** JSON array of tags. */
  tags: string;
  created_by: string;
  created_at: number;
}

export interface MentionsTable {
  message_id: string;
  conversation_id: string;
  seq: number;
  user_id: string;
}

export interface ReactionsTable {
  message_id: string;
  user_id: string;
  emoji: string;
  created_at: number;
}

export interface EventsTable {
  pos: number;
  type: string;
  conversation_id: string | null;
  /** The event as sent, without its position: `{"type":...,...}`. */
  payload: string;
  /** JSON array of users who become members with this event (the dispatcher subscribes them). */
  added_user_ids: string | null;
  /** The user who stops being a member with this event (still receives it). */
  removed_user_id: string | null;
  /** The only user who receives this event (their private settings); null: every member. */
  recipient_id: string | null;
  created_at: number;
}

/** A single row holding the newest event position; updated last in every writing transaction. */
export interface EventHeadTable {
  id: number;
  pos: number;
  /** Positions at or below this were pruned. */
  pruned_pos: number;
}

export interface DB {
  users: UsersTable;
  sessions: SessionsTable;
  ws_tickets: WsTicketsTable;
  conversations: ConversationsTable;
  members: MembersTable;
  messages: MessagesTable;
  mentions: MentionsTable;
  reactions: ReactionsTable;
  events: EventsTable;
  event_head: EventHeadTable;
  files: FilesTable;
  custom_emoji: CustomEmojiTable;
  gifs: GifsTable;
}

export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type ConversationRow = Selectable<ConversationsTable>;
export type MemberRow = Selectable<MembersTable>;
export type MessageRow = Selectable<MessagesTable>;
export type NewMessageRow = Insertable<MessagesTable>;
/** A message row without its stored presentation (`json`), which is derived from the rest. */
export type MessageFields = Omit<MessageRow, 'json'>;
export type EventRow = Selectable<EventsTable>;
export type FileRow = Selectable<FilesTable>;
