import {
  CSRF_COOKIE,
  limits,
  routes,
  type AuthResult,
  type ChannelList,
  type ConversationDetail,
  type ConversationSummary,
  type DurableEvent,
  type DurableEventType,
  type EphemeralEventPayloads,
  type HistoryQuery,
  type Member,
  type Membership,
  type MemberWithUser,
  type Message,
  type MessagePage,
  type MuteDuration,
  type Presence,
  type ReactResult,
  type ReceiptList,
  type RegisterBody,
  type RouteDef,
  type RouteInput,
  type RouteResponse,
  type Session,
  type StorageUsage,
  type Upload,
  type UpdateConversationBody,
  type UpdateProfileBody,
  type User,
} from '@parley/protocol';
import { CustomEmojiApi } from './custom-emoji.js';
import { TypedEmitter } from './emitter.js';
import { GifsApi } from './gifs.js';
import { HttpClient, type FetchLike, type TransferOptions, type UploadData } from './http.js';
import { RealtimeSocket, type ConnectionState, type SocketFactory } from './socket.js';
import { defaultSocketFactory, isNode, pageCookie } from './transport.js';
import { ParleyError } from './errors.js';
import { TypingTracker } from './typing.js';

export interface ParleyClientOptions {
  /** Where the server is, e.g. `http://localhost:8080`. */
  baseUrl: string;
  /** A session token from register/login; omit in a browser that uses the session cookie. */
  token?: string | null;
  /**
   * `cookie` in a browser page served by Parley: register/login open an HttpOnly cookie session
   * (no token ever reaches page scripts), writes carry the CSRF header, and `restore()` picks the
   * session up after a reload. Default `token`.
   */
  session?: 'token' | 'cookie';
  fetch?: FetchLike;
  openSocket?: SocketFactory;
  /** Tell senders when their messages reach this device (default true). */
  autoDeliveryReceipts?: boolean;
  reconnect?: { baseMs?: number; maxMs?: number };
  /** For socket requests other than sends (default 15 s). */
  requestTimeoutMs?: number;
}

type DurableEvents = { [K in DurableEventType]: Extract<DurableEvent, { type: K }> };

/** Everything a client can listen to, typed from the protocol's event map. */
export type ClientEvents = DurableEvents & {
  /** Someone started or stopped typing (stops by itself after a few seconds). */
  typing: EphemeralEventPayloads['typing'];
  presence: EphemeralEventPayloads['presence'];
  /** Every durable event, in order. */
  event: DurableEvent;
  connection: { state: ConnectionState; error?: Error };
  resumed: { pos: number; replayed: number };
  /** Missed events were too old to replay: refetch conversations and recent history. */
  resync: { pos: number; reason: string };
  sessionEnded: { reason: string };
  error: Error;
};

export interface SendOptions {
  /** Reply in the thread of this message. */
  replyTo?: string;
  /** Ids of my uploads (`uploadFile`) to attach, in order; up to 10. */
  attachments?: readonly string[];
  /** Reuse to retry a send safely; generated when omitted. */
  clientId?: string;
  /** Give up after this long (default 30 s); the send may still have happened, so retry with the same clientId. */
  timeoutMs?: number;
}

const DELIVERY_RECEIPT_DELAY_MS = 100;

/** A fresh key for a send, to retry it safely: a UUIDv7, unique and in time order. */
export function newClientId(): string {
  const bytes = new Uint8Array(16);
  const c = globalThis.crypto as { getRandomValues?: (b: Uint8Array) => Uint8Array } | undefined;
  if (c?.getRandomValues) c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  // 48 bits of milliseconds first, so ids sort by time and the server's retry key, ordered by
  // clientId, files each new one at its end instead of at a random place.
  let ms = Date.now();
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A typed Parley client for Node and browsers: every HTTP route, and a live socket that reconnects
 * and resumes by itself.
 *
 * @example
 * const client = new ParleyClient({ baseUrl: 'http://localhost:8080' });
 * await client.login('alice', 'correct horse battery');
 * client.on('message.created', (e) => console.log(e.message.text));
 * await client.connect();
 * const { conversation } = await client.createDm(bobId);
 * await client.sendMessage(conversation.id, 'Hello @bob');
 */
export class ParleyClient extends TypedEmitter<ClientEvents> {
  token: string | null;
  user: User | null = null;
  /** The installation's custom emoji: `list()` (cached, revalidated), and `add`/`remove` for admins. */
  readonly emoji: CustomEmojiApi;
  /** GIF search, sending a GIF, and the installation's GIF library. */
  readonly gifs: GifsApi;
  private readonly http: HttpClient;
  private readonly socket: RealtimeSocket;
  private readonly typingTracker: TypingTracker;
  private readonly deliveredPending = new Map<string, number>();
  private deliveredTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly options: ParleyClientOptions) {
    super();
    const baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token ?? null;
    this.http = new HttpClient(baseUrl, () => this.token, options.fetch ?? ((url, init) => fetch(url, init)), () =>
      options.session === 'cookie' ? pageCookie(CSRF_COOKIE) : null,
    );
    this.emoji = new CustomEmojiApi(this.http);
    this.gifs = new GifsApi(this.http);
    this.socket = new RealtimeSocket({
      url: baseUrl.replace(/^http/, 'ws') + '/api/v1/ws',
      open: options.openSocket ?? defaultSocketFactory,
      credentials: () => this.socketCredentials(),
      reconnectBaseMs: options.reconnect?.baseMs ?? 500,
      reconnectMaxMs: options.reconnect?.maxMs ?? 30_000,
      requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
      random: Math.random,
    });
    this.typingTracker = new TypingTracker(limits.typingTtlMs, (e) => this.emit('typing', e));
    this.socket.on('event', (e) => this.onEvent(e));
    this.socket.on('ephemeral', (e) => {
      if (e.type === 'typing') this.typingTracker.update(e.conversationId, e.userId, e.active);
      else this.emit('presence', e);
    });
    this.socket.on('state', ({ state, error }) => this.emit('connection', error ? { state, error } : { state }));
    this.socket.on('resumed', (e) => this.emit('resumed', e));
    this.socket.on('resync', (e) => this.emit('resync', e));
    this.socket.on('sessionEnded', (e) => this.emit('sessionEnded', e));
    this.socket.on('error', (e) => this.emit('error', e));
  }

  /** Calls any route of the protocol with typed input and output. */
  request<R extends RouteDef>(route: R, input: RouteInput<R>): Promise<RouteResponse<R>> {
    return this.http.call(route, input);
  }

  // Accounts

  /** Creates an account and logs in (the client keeps the token). */
  async register(body: RegisterBody): Promise<AuthResult> {
    return this.authenticated(await this.http.call(routes.register, { body: { ...body, session: this.sessionDelivery } }));
  }

  async login(username: string, password: string): Promise<AuthResult> {
    return this.authenticated(await this.http.call(routes.login, { body: { username, password, session: this.sessionDelivery } }));
  }

  /**
   * The logged-in user of a cookie session (a browser page after a reload), or null when there is
   * none or it ended. With a token, the token's user.
   */
  async restore(): Promise<User | null> {
    try {
      return await this.me();
    } catch (err) {
      if (err instanceof ParleyError && err.status === 401) return null;
      throw err;
    }
  }

  private get sessionDelivery(): 'token' | 'cookie' {
    return this.options.session ?? 'token';
  }

  /** Ends this session (or all of the user's sessions) and closes the socket. */
  async logout(options: { all?: boolean } = {}): Promise<number> {
    const { revokedSessions } = await this.http.call(routes.logout, { body: { all: options.all ?? false } });
    this.disconnect();
    this.token = null;
    this.user = null;
    return revokedSessions;
  }

  async me(): Promise<User> {
    return (this.user = await this.http.call(routes.me, {}));
  }

  async updateProfile(changes: UpdateProfileBody): Promise<User> {
    return (this.user = await this.http.call(routes.updateMe, { body: changes }));
  }

  async sessions(): Promise<Session[]> {
    return (await this.http.call(routes.listSessions, {})).sessions;
  }

  async revokeSession(sessionId: string): Promise<void> {
    await this.http.call(routes.revokeSession, { params: { sessionId } });
  }

  /** People by username prefix or display-name substring. */
  async searchUsers(q: string, limit?: number): Promise<User[]> {
    return (await this.http.call(routes.searchUsers, { query: { q, ...(limit ? { limit } : {}) } })).users;
  }

  getUser(userId: string): Promise<User> {
    return this.http.call(routes.getUser, { params: { userId } });
  }

  async getPresence(userIds: readonly string[]): Promise<Presence[]> {
    return (await this.http.call(routes.getPresence, { query: { userIds: userIds.join(',') } })).presence;
  }

  // Conversations

  /** The 1:1 conversation with this user, created on first call. */
  createDm(userId: string): Promise<ConversationDetail> {
    return this.http.call(routes.createConversation, { body: { kind: 'dm', userId } });
  }

  createGroup(title: string, memberIds: readonly string[] = []): Promise<ConversationDetail> {
    return this.http.call(routes.createConversation, { body: { kind: 'group', title, memberIds: [...memberIds] } });
  }

  createChannel(name: string, topic?: string): Promise<ConversationDetail> {
    return this.http.call(routes.createConversation, { body: { kind: 'channel', name, ...(topic !== undefined ? { topic } : {}) } });
  }

  /** My conversations, most recent activity first, with unread counts and last message. */
  async conversations(): Promise<ConversationSummary[]> {
    return (await this.http.call(routes.listConversations, {})).conversations;
  }

  conversation(conversationId: string) {
    return this.http.call(routes.getConversation, { params: { conversationId } });
  }

  updateConversation(conversationId: string, changes: UpdateConversationBody): Promise<ConversationDetail> {
    return this.http.call(routes.updateConversation, { params: { conversationId }, body: changes });
  }

  channels(q?: string, limit?: number): Promise<ChannelList> {
    return this.http.call(routes.listChannels, { query: { ...(q ? { q } : {}), ...(limit ? { limit } : {}) } });
  }

  joinChannel(conversationId: string): Promise<ConversationDetail> {
    return this.http.call(routes.joinChannel, { params: { conversationId } });
  }

  async leave(conversationId: string): Promise<void> {
    await this.http.call(routes.leaveConversation, { params: { conversationId } });
  }

  async members(conversationId: string): Promise<MemberWithUser[]> {
    return (await this.http.call(routes.listMembers, { params: { conversationId } })).members;
  }

  async addMembers(conversationId: string, userIds: readonly string[]): Promise<MemberWithUser[]> {
    return (await this.http.call(routes.addMembers, { params: { conversationId }, body: { userIds: [...userIds] } })).members;
  }

  async removeMember(conversationId: string, userId: string): Promise<void> {
    await this.http.call(routes.removeMember, { params: { conversationId, userId } });
  }

  setRole(conversationId: string, userId: string, role: 'admin' | 'member'): Promise<Member> {
    return this.http.call(routes.updateMember, { params: { conversationId, userId }, body: { role } });
  }

  /**
   * Mutes a conversation for me: for `'1h'`, `'8h'`, `'1w'`, `'always'` (until I unmute, the
   * default), or until a time. It stays in my list and still counts unread messages and mentions.
   * Nobody else sees it; my other devices get `membership.updated`. Resolves with my membership.
   *
   * @example
   * await client.mute(conversationId, '8h');
   * await client.mute(conversationId, new Date('2030-01-01T09:00:00Z'));
   * const { mute } = await client.mute(conversationId); // { until: null }: until I unmute
   */
  mute(conversationId: string, duration: MuteDuration | Date = 'always'): Promise<Membership> {
    const body = duration instanceof Date ? { until: duration.toISOString() } : { for: duration };
    return this.http.call(routes.muteConversation, { params: { conversationId }, body });
  }

  /**
   * Ends my mute of a conversation (nothing happens if it is not muted).
   *
   * @example
   * const { mute } = await client.unmute(conversationId); // null
   */
  unmute(conversationId: string): Promise<Membership> {
    return this.http.call(routes.unmuteConversation, { params: { conversationId } });
  }

  // Messages

  /** A page of history: newest by default, `before`/`after` a seq to move through it. */
  messages(conversationId: string, query: HistoryQuery = {}): Promise<MessagePage> {
    return this.http.call(routes.listMessages, { params: { conversationId }, query });
  }

  message(conversationId: string, messageId: string): Promise<Message> {
    return this.http.call(routes.getMessage, { params: { conversationId, messageId } });
  }

  /**
   * Sends a message, resolved once the server has committed it. Over the socket when connected (a
   * send queued while offline goes out after the reconnect), else over HTTP. Safe to retry with the
   * same `clientId`: the original message comes back.
   */
  async sendMessage(conversationId: string, text: string, options: SendOptions = {}): Promise<Message> {
    const clientId = options.clientId ?? newClientId();
    const body = {
      clientId,
      text,
      ...(options.replyTo ? { replyTo: options.replyTo } : {}),
      ...(options.attachments?.length ? { attachmentIds: [...options.attachments] } : {}),
    };
    if (this.socket.state === 'idle' || this.socket.state === 'closed') {
      return this.http.call(routes.sendMessage, { params: { conversationId }, body });
    }
    const ack = await this.socket.request({ type: 'message.send', conversationId, ...body }, { outbox: true, timeoutMs: options.timeoutMs ?? 30_000 });
    return ack.message!;
  }

  editMessage(conversationId: string, messageId: string, text: string): Promise<Message> {
    return this.http.call(routes.editMessage, { params: { conversationId, messageId }, body: { text } });
  }

  deleteMessage(conversationId: string, messageId: string): Promise<Message> {
    return this.http.call(routes.deleteMessage, { params: { conversationId, messageId } });
  }

  /**
   * Adds my reaction with this emoji, or removes it if I had it: one Unicode emoji (skin tones
   * included), or a custom emoji as `:name:`, which must exist to be added (404 otherwise).
   */
  toggleReaction(conversationId: string, messageId: string, emoji: string): Promise<ReactResult> {
    return this.http.call(routes.toggleReaction, { params: { conversationId, messageId }, body: { emoji } });
  }

  /**
   * Removes the link previews the server added to my message, for good: they are not added back,
   * even by a later edit. Previews arrive a moment after a send, as a `message.updated` event; a
   * preview's `imageUrl` is a file on this server (`downloadFile`), never the linked site.
   *
   * @example
   * client.on('message.updated', ({ message }) => render(message)); // previews appear here
   * await client.removePreviews(conversationId, message.id);
   */
  removePreviews(conversationId: string, messageId: string): Promise<Message> {
    return this.http.call(routes.removePreviews, { params: { conversationId, messageId } });
  }

  // Files

  /**
   * Uploads a file to attach to a message, streaming it with progress. The server detects its type
   * from the bytes, strips photo metadata and makes a thumbnail.
   *
   * @example
   * const upload = await client.uploadFile(file, { name: file.name, onProgress: (p) => bar.set(p.sent / (p.total ?? 1)) });
   * await client.sendMessage(conversationId, 'Look', { attachments: [upload.id] });
   */
  uploadFile(data: UploadData, options: TransferOptions & { name: string }): Promise<Upload> {
    return this.http.upload(routes.uploadFile, { query: { name: options.name } }, data, options);
  }

  /** Uploads a voice note recorded in the client (audio), with its duration and waveform (points 0-255). */
  uploadVoiceNote(data: UploadData, options: TransferOptions & { durationMs: number; waveform: readonly number[]; name?: string }): Promise<Upload> {
    const query = { name: options.name ?? 'voice-note.webm', kind: 'voice' as const, durationMs: options.durationMs, waveform: options.waveform.join(',') };
    return this.http.upload(routes.uploadFile, { query }, data, options);
  }

  /** Deletes an upload of mine that no message carries yet. */
  async deleteUpload(fileId: string): Promise<void> {
    await this.http.call(routes.deleteUpload, { params: { fileId } });
  }

  storageUsage(): Promise<StorageUsage> {
    return this.http.call(routes.storageUsage, {});
  }

  /** Absolute URL of a server path such as an attachment's `url` or a user's `avatarUrl`. */
  fileUrl(path: string): string {
    return this.http.url(path);
  }

  /** Downloads a file by its server path (an attachment's `url` or `thumbnailUrl`, an avatar URL). */
  downloadFile(path: string): Promise<{ bytes: Uint8Array; contentType: string | null; contentDisposition: string | null }> {
    return this.http.download(path);
  }

  /** Sets my avatar from an image (cropped square, stored at several sizes). */
  async setAvatar(data: UploadData, options: TransferOptions = {}): Promise<User> {
    const user = await this.http.upload(routes.setAvatar, {}, data, options);
    this.user = user;
    return user;
  }

  async removeAvatar(): Promise<User> {
    const user = await this.http.call(routes.deleteAvatar, {});
    this.user = user;
    return user;
  }

  /** Sets the picture of a group or channel (owners and admins). */
  setConversationAvatar(conversationId: string, data: UploadData, options: TransferOptions = {}): Promise<ConversationDetail> {
    return this.http.upload(routes.setConversationAvatar, { params: { conversationId } }, data, options);
  }

  markRead(conversationId: string, seq: number): Promise<Membership> {
    return this.http.call(routes.markRead, { params: { conversationId }, body: { seq } });
  }

  async markDelivered(conversationId: string, seq: number): Promise<void> {
    await this.http.call(routes.markDelivered, { params: { conversationId }, body: { seq } });
  }

  /** Each member's read and delivery position: who has seen what. */
  receipts(conversationId: string): Promise<ReceiptList> {
    return this.http.call(routes.listReceipts, { params: { conversationId } });
  }

  // Real time

  /** Opens the live socket; resolves when it is receiving events. Reconnects by itself after. */
  connect(): Promise<void> {
    this.watchNetwork(true);
    return this.socket.connect();
  }

  disconnect(): void {
    this.watchNetwork(false);
    this.socket.close();
    this.typingTracker.clear();
  }

  private readonly onOffline = () => this.socket.networkLost();
  private readonly onOnline = () => this.socket.networkBack();

  /** In a browser, the page's `offline` and `online` events say at once what a heartbeat would find out late. */
  private watchNetwork(on: boolean): void {
    const page = globalThis as { addEventListener?: (type: string, listener: () => void) => void; removeEventListener?: (type: string, listener: () => void) => void };
    if (!page.addEventListener || !page.removeEventListener) return;
    const method = on ? page.addEventListener : page.removeEventListener;
    method.call(page, 'offline', this.onOffline);
    method.call(page, 'online', this.onOnline);
  }

  get connectionState(): ConnectionState {
    return this.socket.state;
  }

  /** Position of the last event received (what a resume starts after). */
  get position(): number | null {
    return this.socket.position;
  }

  /** Shows (or clears) "typing…" to the others; call again every few seconds while typing. */
  typing(conversationId: string, active = true): void {
    this.socket.notify({ type: 'typing', conversationId, active });
  }

  /** Who is typing in a conversation now (expired indicators removed). */
  typingUsers(conversationId: string): string[] {
    return this.typingTracker.users(conversationId);
  }

  /** Report this device as active or idle; the user is away when all their devices are. */
  setPresence(status: 'online' | 'away'): void {
    this.socket.notify({ type: 'presence.set', status });
  }

  /** Receive `presence` events for these users; resolves with their presence now. */
  async watchPresence(userIds: readonly string[]): Promise<Presence[]> {
    const ack = await this.socket.request({ type: 'presence.subscribe', userIds: [...userIds] });
    return ack.presence ?? [];
  }

  unwatchPresence(userIds: readonly string[]): void {
    this.socket.notify({ type: 'presence.unsubscribe', userIds: [...userIds] });
  }

  private authenticated(result: AuthResult): AuthResult {
    this.token = result.token ?? null;
    this.user = result.user;
    return result;
  }

  private async socketCredentials(): Promise<{ query: Record<string, string>; headers: Record<string, string> }> {
    if (!this.token) return { query: {}, headers: {} };
    if (isNode || this.options.openSocket) return { query: {}, headers: { authorization: `Bearer ${this.token}` } };
    // Browsers cannot set headers on a WebSocket: trade the token for a single-use ticket.
    const { ticket } = await this.http.call(routes.createWsTicket, {});
    return { query: { ticket }, headers: {} };
  }

  private onEvent(event: DurableEvent): void {
    if (event.type === 'message.created') {
      const senderId = event.message.senderId;
      this.typingTracker.update(event.conversationId, senderId, false);
      if (this.options.autoDeliveryReceipts !== false && senderId !== this.user?.id) this.queueDeliveryReceipt(event.conversationId, event.message.seq);
    }
    this.emit('event', event);
    this.emit(event.type, event as never);
  }

  /** One receipt per conversation per short window, carrying the highest seq received. */
  private queueDeliveryReceipt(conversationId: string, seq: number): void {
    this.deliveredPending.set(conversationId, Math.max(seq, this.deliveredPending.get(conversationId) ?? 0));
    this.deliveredTimer ??= setTimeout(() => {
      this.deliveredTimer = null;
      for (const [id, s] of this.deliveredPending) this.socket.notify({ type: 'delivered', conversationId: id, seq: s });
      this.deliveredPending.clear();
    }, DELIVERY_RECEIPT_DELAY_MS);
  }
}
