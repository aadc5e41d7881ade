import { z } from 'zod';
import { Id, Ok } from './common.js';
import {
  AddMembersBody,
  ChannelList,
  ChannelSearchQuery,
  ConversationDetail,
  ConversationList,
  ConversationParams,
  CreateConversationBody,
  Member,
  MemberList,
  Membership,
  MemberParams,
  MuteBody,
  ReadBody,
  ReceiptList,
  UpdateConversationBody,
  UpdateMemberBody,
} from './conversations.js';
import {
  DeliveredBody,
  EditMessageBody,
  HistoryQuery,
  Message,
  MessagePage,
  MessageParams,
  ReactBody,
  ReactResult,
  SendMessageBody,
} from './messages.js';
import { AddCustomEmojiQuery, CustomEmoji, CustomEmojiList, CustomEmojiParams } from './emoji.js';
import { AvatarQuery, FileParams, StorageUsage, DownloadQuery, Upload, UploadQuery } from './files.js';
import {
  AddLibraryGifQuery,
  GifMediaQuery,
  GifParams,
  GifSearchQuery,
  GifSearchResult,
  LibraryGif,
  LibraryGifList,
  LibraryGifParams,
  LibraryGifQuery,
} from './gifs.js';
import {
  AuthResult,
  LoginBody,
  LogoutBody,
  LogoutResult,
  Presence,
  RegisterBody,
  SessionList,
  UpdateProfileBody,
  User,
  UserList,
  UserSearchQuery,
  WsTicket,
} from './users.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** One HTTP route of the public API: the server validates with it, the SDK calls through it. */
export interface RouteDef {
  method: HttpMethod;
  /** Path under /api/v1, with `:name` parameters. */
  path: string;
  summary: string;
  tag: string;
  /** false for the few routes that work without a session. */
  auth: boolean;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  response: z.ZodType;
  /** Success status; `alsoStatus` lists another success status the route may answer. */
  status: 200 | 201;
  alsoStatus?: 200 | 201;
  /** Subject to the per-IP auth rate limit. */
  authRateLimited?: boolean;
  /** The body is the raw bytes of a file, streamed (never buffered whole). */
  upload?: boolean;
  /** The response is a file, not JSON (`response` is then unused). */
  download?: boolean;
}

function route<const D extends RouteDef>(def: D): D {
  return def;
}

const FileResponse = z.unknown();

const PresenceQuery = z.object({
  userIds: z
    .string()
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(Id).min(1).max(100)),
});

export const routes = {
  register: route({
    method: 'POST', path: '/auth/register', tag: 'auth', auth: false, authRateLimited: true,
    summary: 'Create an account and a first session',
    body: RegisterBody, response: AuthResult, status: 201,
  }),
  login: route({
    method: 'POST', path: '/auth/login', tag: 'auth', auth: false, authRateLimited: true,
    summary: 'Open a new session (one per device)',
    body: LoginBody, response: AuthResult, status: 200,
  }),
  logout: route({
    method: 'POST', path: '/auth/logout', tag: 'auth', auth: true,
    summary: 'End this session, or every session of the user with {all: true}',
    body: LogoutBody.optional(), response: LogoutResult, status: 200,
  }),
  createWsTicket: route({
    method: 'POST', path: '/ws/ticket', tag: 'realtime', auth: true,
    summary: 'A single-use ticket (30 s) to open the WebSocket where no header or cookie can be sent',
    response: WsTicket, status: 200,
  }),
  me: route({
    method: 'GET', path: '/me', tag: 'users', auth: true,
    summary: 'The logged-in user', response: User, status: 200,
  }),
  updateMe: route({
    method: 'PATCH', path: '/me', tag: 'users', auth: true,
    summary: 'Edit display name, status text or avatar URL',
    body: UpdateProfileBody, response: User, status: 200,
  }),
  listSessions: route({
    method: 'GET', path: '/me/sessions', tag: 'users', auth: true,
    summary: 'Sessions (devices) of the logged-in user', response: SessionList, status: 200,
  }),
  revokeSession: route({
    method: 'DELETE', path: '/me/sessions/:sessionId', tag: 'users', auth: true,
    summary: 'End one session of the logged-in user',
    params: z.object({ sessionId: Id }), response: Ok, status: 200,
  }),
  searchUsers: route({
    method: 'GET', path: '/users', tag: 'users', auth: true,
    summary: 'Find people by username or display name',
    query: UserSearchQuery, response: UserList, status: 200,
  }),
  getUser: route({
    method: 'GET', path: '/users/:userId', tag: 'users', auth: true,
    summary: 'A user profile', params: z.object({ userId: Id }), response: User, status: 200,
  }),
  getPresence: route({
    method: 'GET', path: '/presence', tag: 'users', auth: true,
    summary: 'Current presence of up to 100 users (comma-separated ids)',
    query: PresenceQuery, response: z.object({ presence: z.array(Presence) }), status: 200,
  }),
  createConversation: route({
    method: 'POST', path: '/conversations', tag: 'conversations', auth: true,
    summary: 'Start a DM (returns the existing one for the pair, 200), create a group or a channel',
    body: CreateConversationBody, response: ConversationDetail, status: 201, alsoStatus: 200,
  }),
  listConversations: route({
    method: 'GET', path: '/conversations', tag: 'conversations', auth: true,
    summary: 'My conversations, newest activity first, with unread counts and last message',
    response: ConversationList, status: 200,
  }),
  getConversation: route({
    method: 'GET', path: '/conversations/:conversationId', tag: 'conversations', auth: true,
    summary: 'A conversation I am a member of (or a public channel)',
    params: ConversationParams, response: ConversationDetail.extend({ membership: Membership.nullable() }), status: 200,
  }),
  updateConversation: route({
    method: 'PATCH', path: '/conversations/:conversationId', tag: 'conversations', auth: true,
    summary: 'Change the title (group) or topic (group, channel); owners and admins',
    params: ConversationParams, body: UpdateConversationBody, response: ConversationDetail, status: 200,
  }),
  listChannels: route({
    method: 'GET', path: '/channels', tag: 'conversations', auth: true,
    summary: 'Browse public channels', query: ChannelSearchQuery, response: ChannelList, status: 200,
  }),
  joinChannel: route({
    method: 'POST', path: '/conversations/:conversationId/join', tag: 'conversations', auth: true,
    summary: 'Join a public channel', params: ConversationParams, response: ConversationDetail, status: 200,
  }),
  leaveConversation: route({
    method: 'POST', path: '/conversations/:conversationId/leave', tag: 'conversations', auth: true,
    summary: 'Leave a group or channel', params: ConversationParams, response: Ok, status: 200,
  }),
  listMembers: route({
    method: 'GET', path: '/conversations/:conversationId/members', tag: 'conversations', auth: true,
    summary: 'Members with their role', params: ConversationParams, response: MemberList, status: 200,
  }),
  addMembers: route({
    method: 'POST', path: '/conversations/:conversationId/members', tag: 'conversations', auth: true,
    summary: 'Add people to a group or channel; owners and admins',
    params: ConversationParams, body: AddMembersBody, response: MemberList, status: 200,
  }),
  updateMember: route({
    method: 'PATCH', path: '/conversations/:conversationId/members/:userId', tag: 'conversations', auth: true,
    summary: 'Make a member admin or member; owners only',
    params: MemberParams, body: UpdateMemberBody, response: Member, status: 200,
  }),
  removeMember: route({
    method: 'DELETE', path: '/conversations/:conversationId/members/:userId', tag: 'conversations', auth: true,
    summary: 'Remove a member; owners and admins (admins cannot remove the owner or other admins)',
    params: MemberParams, response: Ok, status: 200,
  }),
  muteConversation: route({
    method: 'POST', path: '/conversations/:conversationId/mute', tag: 'conversations', auth: true,
    summary: 'Mute a conversation for me (1h, 8h, 1w, always, or until a time): it does not notify, but unread and mentions still count. Private: only my devices hear of it (membership.updated)',
    params: ConversationParams, body: MuteBody, response: Membership, status: 200,
  }),
  unmuteConversation: route({
    method: 'DELETE', path: '/conversations/:conversationId/mute', tag: 'conversations', auth: true,
    summary: 'Unmute a conversation for me (nothing changes if it is not muted)',
    params: ConversationParams, response: Membership, status: 200,
  }),
  listMessages: route({
    method: 'GET', path: '/conversations/:conversationId/messages', tag: 'messages', auth: true,
    summary: 'History by seq: newest page by default, `before` to go back, `after` to go forward',
    params: ConversationParams, query: HistoryQuery, response: MessagePage, status: 200,
  }),
  sendMessage: route({
    method: 'POST', path: '/conversations/:conversationId/messages', tag: 'messages', auth: true,
    summary: 'Send a message; answered once committed. A retry with the same clientId returns the original (200)',
    params: ConversationParams, body: SendMessageBody, response: Message, status: 201, alsoStatus: 200,
  }),
  getMessage: route({
    method: 'GET', path: '/conversations/:conversationId/messages/:messageId', tag: 'messages', auth: true,
    summary: 'One message', params: MessageParams, response: Message, status: 200,
  }),
  editMessage: route({
    method: 'PATCH', path: '/conversations/:conversationId/messages/:messageId', tag: 'messages', auth: true,
    summary: 'Edit my own message', params: MessageParams, body: EditMessageBody, response: Message, status: 200,
  }),
  deleteMessage: route({
    method: 'DELETE', path: '/conversations/:conversationId/messages/:messageId', tag: 'messages', auth: true,
    summary: 'Delete my message (owners and admins may delete any); it stays as a tombstone',
    params: MessageParams, response: Message, status: 200,
  }),
  toggleReaction: route({
    method: 'POST', path: '/conversations/:conversationId/messages/:messageId/reactions', tag: 'messages', auth: true,
    summary: 'Add my reaction with this emoji, or remove it if present',
    params: MessageParams, body: ReactBody, response: ReactResult, status: 200,
  }),
  markRead: route({
    method: 'POST', path: '/conversations/:conversationId/read', tag: 'receipts', auth: true,
    summary: 'Mark read up to seq (never moves backwards); answers with my membership',
    params: ConversationParams, body: ReadBody, response: Membership, status: 200,
  }),
  markDelivered: route({
    method: 'POST', path: '/conversations/:conversationId/delivered', tag: 'receipts', auth: true,
    summary: 'Report that messages up to seq reached this device',
    params: ConversationParams, body: DeliveredBody, response: Ok, status: 200,
  }),
  listReceipts: route({
    method: 'GET', path: '/conversations/:conversationId/receipts', tag: 'receipts', auth: true,
    summary: 'Read and delivery positions of every member',
    params: ConversationParams, response: ReceiptList, status: 200,
  }),
  removePreviews: route({
    method: 'DELETE', path: '/conversations/:conversationId/messages/:messageId/previews', tag: 'messages', auth: true,
    summary: 'Remove the link previews of my message, for good (a later edit does not bring them back)', params: MessageParams, response: Message, status: 200,
  }),
  uploadFile: route({
    method: 'POST', path: '/files', tag: 'files', auth: true, upload: true,
    summary: 'Upload a file to attach to a message (the body is the raw bytes); its type is detected from them',
    query: UploadQuery, response: Upload, status: 201,
  }),
  getFile: route({
    method: 'GET', path: '/files/:fileId', tag: 'files', auth: true, download: true,
    summary: 'Download a file: members of its conversation, or its uploader until it is attached',
    params: FileParams, query: DownloadQuery, response: FileResponse, status: 200,
  }),
  getThumbnail: route({
    method: 'GET', path: '/files/:fileId/thumbnail', tag: 'files', auth: true, download: true,
    summary: 'A still of an image or GIF, at most 480 px (WebP)',
    params: FileParams, response: FileResponse, status: 200,
  }),
  deleteUpload: route({
    method: 'DELETE', path: '/files/:fileId', tag: 'files', auth: true,
    summary: 'Delete my upload that no message carries yet',
    params: FileParams, response: Ok, status: 200,
  }),
  storageUsage: route({
    method: 'GET', path: '/me/storage', tag: 'files', auth: true,
    summary: 'Bytes I have uploaded, my quota and the largest file allowed', response: StorageUsage, status: 200,
  }),
  setAvatar: route({
    method: 'POST', path: '/me/avatar', tag: 'users', auth: true, upload: true,
    summary: 'Upload my avatar (an image; cropped square, stored in several sizes)', response: User, status: 200,
  }),
  deleteAvatar: route({
    method: 'DELETE', path: '/me/avatar', tag: 'users', auth: true,
    summary: 'Remove my avatar', response: User, status: 200,
  }),
  setConversationAvatar: route({
    method: 'POST', path: '/conversations/:conversationId/avatar', tag: 'conversations', auth: true, upload: true,
    summary: 'Upload the avatar of a group or channel; owners and admins',
    params: ConversationParams, response: ConversationDetail, status: 200,
  }),
  getAvatar: route({
    method: 'GET', path: '/avatars/:fileId', tag: 'users', auth: true, download: true,
    summary: 'An avatar (WebP) at 64, 192 or 512 px', params: FileParams, query: AvatarQuery, response: FileResponse, status: 200,
  }),
  listCustomEmoji: route({
    method: 'GET', path: '/emoji', tag: 'emoji', auth: true,
    summary: 'The custom emoji of this installation, by name; with If-None-Match: <the last ETag>, 304 while the set is unchanged',
    response: CustomEmojiList, status: 200,
  }),
  addCustomEmoji: route({
    method: 'POST', path: '/emoji', tag: 'emoji', auth: true, upload: true,
    summary: 'Add a custom emoji (installation admins): a PNG, GIF, WebP or JPEG of at most 1 MiB, stored to fit 128 px',
    query: AddCustomEmojiQuery, response: CustomEmoji, status: 201,
  }),
  deleteCustomEmoji: route({
    method: 'DELETE', path: '/emoji/:emojiName', tag: 'emoji', auth: true,
    summary: 'Delete a custom emoji (installation admins); reactions with it stay, shown as their :name: text',
    params: CustomEmojiParams, response: Ok, status: 200,
  }),
  searchGifs: route({
    method: 'GET', path: '/gifs/search', tag: 'gifs', auth: true,
    summary: "Search GIFs on the configured provider (Giphy or Tenor), or else in the installation's own library",
    query: GifSearchQuery, response: GifSearchResult, status: 200,
  }),
  getGifMedia: route({
    method: 'GET', path: '/gifs/:gifId/media', tag: 'gifs', auth: true, download: true,
    summary: 'A GIF of a search, animated or as a still, fetched by this server (the provider never sees the reader)',
    params: GifParams, query: GifMediaQuery, response: FileResponse, status: 200,
  }),
  attachGif: route({
    method: 'POST', path: '/gifs/:gifId/attach', tag: 'gifs', auth: true,
    summary: 'Store a GIF of a search as my upload (kind gif), to send with attachmentIds like any attachment',
    params: GifParams, response: Upload, status: 201,
  }),
  listLibraryGifs: route({
    method: 'GET', path: '/gifs/library', tag: 'gifs', auth: true,
    summary: "The installation's GIF library, newest first",
    query: LibraryGifQuery, response: LibraryGifList, status: 200,
  }),
  addLibraryGif: route({
    method: 'POST', path: '/gifs/library', tag: 'gifs', auth: true, upload: true,
    summary: 'Add a GIF to the library (installation admins; the body is the GIF), with a title and tags to find it by',
    query: AddLibraryGifQuery, response: LibraryGif, status: 201,
  }),
  deleteLibraryGif: route({
    method: 'DELETE', path: '/gifs/library/:gifId', tag: 'gifs', auth: true,
    summary: 'Remove a GIF from the library (installation admins); messages that carry it keep their copy',
    params: LibraryGifParams, response: Ok, status: 200,
  }),
} as const;

export type Routes = typeof routes;
export type RouteName = keyof Routes;

type InputOf<S> = S extends z.ZodType ? z.input<S> : undefined;
type OutputOf<S> = S extends z.ZodType ? z.output<S> : undefined;

/** What a caller passes for a route: params, query and body as the schemas accept them. */
export type RouteInput<R extends RouteDef> = (R['params'] extends z.ZodType ? { params: InputOf<R['params']> } : unknown) &
  (R['query'] extends z.ZodType ? { query?: InputOf<R['query']> } : unknown) &
  (R['body'] extends z.ZodType ? { body: InputOf<R['body']> } : unknown);

/** What the server's handler receives once the input is validated. */
export type RouteParsed<R extends RouteDef> = {
  params: OutputOf<R['params']>;
  query: OutputOf<R['query']>;
  body: OutputOf<R['body']>;
};

export type RouteResponse<R extends RouteDef> = z.output<R['response']>;
