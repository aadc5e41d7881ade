import { z } from 'zod';
import { Id, Timestamp, displayText } from './common.js';
import { limits } from './limits.js';

/** Words that mention everyone (@channel) cannot be usernames. */
export const RESERVED_USERNAMES: ReadonlySet<string> = new Set(['channel', 'here', 'everyone']);

export const usernamePattern = /^[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?$/;

/** Usernames are case-insensitive and stored lower-case. */
export const Username = z
  .string()
  .trim()
  .toLowerCase()
  .min(limits.usernameMinLength)
  .max(limits.usernameMaxLength)
  .regex(usernamePattern, 'letters, digits, _ . - (starting and ending with a letter, digit or _)')
  .refine((u) => !RESERVED_USERNAMES.has(u), 'this name is reserved');

export const Password = z.string().min(limits.passwordMinLength).max(limits.passwordMaxLength);

export const AvatarUrl = z
  .url({ protocol: /^https?$/ })
  .max(limits.avatarUrlMaxLength);

export const User = z.object({
  id: Id,
  username: z.string(),
  displayName: z.string(),
  statusText: z.string(),
  avatarUrl: z.string().nullable(),
  createdAt: Timestamp,
});
export type User = z.infer<typeof User>;

/**
 * How the new session reaches the client: `token` in the answer (apps, bots, the SDK in Node), or
 * `cookie`: an HttpOnly cookie that page scripts cannot read, with a CSRF cookie to echo in the
 * `X-Parley-CSRF` header of every write (browsers).
 */
export const SessionDelivery = z.enum(['token', 'cookie']);
export type SessionDelivery = z.infer<typeof SessionDelivery>;

export const RegisterBody = z.object({
  username: Username,
  password: Password,
  displayName: displayText(limits.displayNameMaxLength).optional(),
  session: SessionDelivery.default('token'),
});
export type RegisterBody = z.input<typeof RegisterBody>;

export const LoginBody = z.object({
  username: z.string().trim().toLowerCase().min(1).max(limits.usernameMaxLength),
  password: z.string().min(1).max(limits.passwordMaxLength),
  session: SessionDelivery.default('token'),
});
export type LoginBody = z.input<typeof LoginBody>;

export const AuthResult = z.object({
  user: User,
  /** The session token; absent when the session was delivered as a cookie. */
  token: z.string().optional(),
  sessionId: Id,
});
export type AuthResult = z.infer<typeof AuthResult>;

export const LogoutBody = z.object({
  /** End every session of this user, not only the calling one. */
  all: z.boolean().default(false),
});
export type LogoutBody = z.input<typeof LogoutBody>;

export const LogoutResult = z.object({ revokedSessions: z.number().int().nonnegative() });
export type LogoutResult = z.infer<typeof LogoutResult>;

export const UpdateProfileBody = z
  .object({
    displayName: displayText(limits.displayNameMaxLength),
    statusText: displayText(limits.statusTextMaxLength, 0),
    avatarUrl: AvatarUrl.nullable(),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'give at least one field to change');
export type UpdateProfileBody = z.infer<typeof UpdateProfileBody>;

export const Session = z.object({
  id: Id,
  createdAt: Timestamp,
  lastUsedAt: Timestamp,
  userAgent: z.string().nullable(),
  current: z.boolean(),
});
export type Session = z.infer<typeof Session>;

export const SessionList = z.object({ sessions: z.array(Session) });

export const UserSearchQuery = z.object({
  q: z.string().trim().min(1).max(limits.displayNameMaxLength),
  limit: z.coerce.number().int().min(1).max(limits.userSearchMax).default(20),
});
export type UserSearchQuery = z.input<typeof UserSearchQuery>;

export const UserList = z.object({ users: z.array(User) });
export type UserList = z.infer<typeof UserList>;

export const PresenceStatus = z.enum(['online', 'away', 'offline']);
export type PresenceStatus = z.infer<typeof PresenceStatus>;

export const Presence = z.object({
  userId: Id,
  status: PresenceStatus,
  lastSeenAt: Timestamp.nullable(),
});
export type Presence = z.infer<typeof Presence>;

export const WsTicket = z.object({ ticket: z.string(), expiresAt: Timestamp });
export type WsTicket = z.infer<typeof WsTicket>;
