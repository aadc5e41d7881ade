import path from 'node:path';
import { z } from 'zod';
import { fileURLToPath } from 'node:url';
import { parseFetchAllow } from '../fetch/allowlist.js';

/** packages/web/dist, from src/config or dist/config alike. */
const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/**
 * Every setting is an environment variable, parsed once at start; all problems are reported
 * together. docs/configuration.md lists them (a test keeps the two in step).
 */
const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max).default(def);
const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .transform((v) => v === 'true' || v === '1' || v === 'yes')
    .default(def);
const list = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .default([]);

export const configSchema = z.object({
  PARLEY_HOST: z.string().min(1).default('0.0.0.0'),
  PARLEY_PORT: int(8080, 0, 65535),
  PARLEY_DATA_DIR: z.string().min(1).default('./data'),
  PARLEY_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  PARLEY_DATABASE_POOL_SIZE: int(10, 1, 500),
  PARLEY_SQLITE_WRITER: z.enum(['auto', 'thread', 'inline']).default('auto'),
  PARLEY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PARLEY_PUBLIC_URL: z.url().optional(),
  PARLEY_WEB_DIR: z.string().min(1).optional(),
  PARLEY_ALLOWED_ORIGINS: list,
  PARLEY_TRUST_PROXY: bool(false),
  PARLEY_BODY_LIMIT_BYTES: int(64 * 1024, 1024, 16 * 1024 * 1024),
  PARLEY_WS_MAX_FRAME_BYTES: int(64 * 1024, 1024, 16 * 1024 * 1024),
  PARLEY_WS_MAX_BUFFERED_BYTES: int(4 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024),
  PARLEY_WS_HEARTBEAT_MS: int(30_000, 1_000, 600_000),
  PARLEY_PRESENCE_GRACE_MS: int(5_000, 0, 600_000),
  PARLEY_WS_FRAMES_PER_SECOND: int(50, 1, 100_000),
  PARLEY_MAX_GROUP_MEMBERS: int(1_000, 2, 1_000_000),
  PARLEY_MAX_CHANNEL_MEMBERS: int(100_000, 2, 10_000_000),
  PARLEY_RATE_AUTH_PER_MINUTE: int(20, 1),
  PARLEY_RATE_SEND_PER_SECOND: int(10, 1),
  PARLEY_RATE_SEND_BURST: int(30, 1),
  PARLEY_RATE_SEND_IP_PER_SECOND: int(100, 1),
  PARLEY_RATE_REQUESTS_PER_SECOND: int(200, 1),
  PARLEY_EVENT_RETENTION_HOURS: int(72, 1),
  PARLEY_SESSION_TTL_DAYS: int(90, 1),
  PARLEY_GROUP_COMMIT_MAX: int(512, 1, 10_000),
  PARLEY_GROUP_COMMIT_WINDOW_MS: int(3, 0, 100),
  PARLEY_SHUTDOWN_GRACE_MS: int(10_000, 0, 600_000),
  PARLEY_ARGON2_MEMORY_KIB: int(19_456, 1_024),
  PARLEY_ARGON2_ITERATIONS: int(2, 1),
  PARLEY_METRICS: bool(true),
  PARLEY_ADMINS: list,
  PARLEY_UPLOAD_MAX_BYTES: int(100 * 2 ** 20, 1024, 64 * 2 ** 30),
  PARLEY_UPLOAD_QUOTA_BYTES: int(5 * 2 ** 30, 0),
  PARLEY_UPLOAD_UNATTACHED_HOURS: int(24, 1),
  PARLEY_RATE_UPLOADS_PER_MINUTE: int(60, 1),
  PARLEY_IMAGE_MAX_PIXELS: int(100_000_000, 1_000_000, 1_000_000_000),
  PARLEY_LINK_PREVIEWS: bool(true),
  PARLEY_FETCH_ALLOW: z.string().default('').superRefine((value, ctx) => {
    try {
      parseFetchAllow(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  }),
  PARLEY_FETCH_TIMEOUT_MS: int(5_000, 100, 60_000),
  PARLEY_GIPHY_API_KEY: z.string().optional(),
  PARLEY_TENOR_API_KEY: z.string().optional(),
  PARLEY_GIF_PROVIDER_URL: z.url({ protocol: /^https?$/ }).optional(),
  PARLEY_RATE_GIF_SEARCH_PER_MINUTE: int(60, 1),
});

export type Config = Readonly<{
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | null;
  databasePoolSize: number;
  /** Where the SQLite writer runs (`auto`: on its own thread when the process has more than one core). */
  sqliteWriter: 'auto' | 'thread' | 'inline';
  logLevel: z.infer<typeof configSchema>['PARLEY_LOG_LEVEL'];
  publicUrl: string | null;
  /** The built web app served at `/` (packages/web/dist unless PARLEY_WEB_DIR says otherwise). */
  webDir: string;
  allowedOrigins: readonly string[];
  trustProxy: boolean;
  bodyLimitBytes: number;
  ws: Readonly<{ maxFrameBytes: number; maxBufferedBytes: number; heartbeatMs: number; framesPerSecond: number }>;
  presenceGraceMs: number;
  maxGroupMembers: number;
  maxChannelMembers: number;
  rate: Readonly<{
    authPerMinute: number;
    sendPerSecond: number;
    sendBurst: number;
    sendIpPerSecond: number;
    requestsPerSecond: number;
  }>;
  eventRetentionHours: number;
  sessionTtlDays: number;
  groupCommitMax: number;
  groupCommitWindowMs: number;
  shutdownGraceMs: number;
  argon2: Readonly<{ memoryKib: number; iterations: number }>;
  metrics: boolean;
  /** Usernames that are installation admins besides the first account. */
  admins: readonly string[];
  files: Readonly<{ maxFileBytes: number; quotaBytes: number; unattachedTtlMs: number; uploadsPerMinute: number; maxPixels: number }>;
  linkPreviews: boolean;
  fetch: Readonly<{ allow: string; timeoutMs: number }>;
  gifs: Readonly<{ giphyApiKey: string | null; tenorApiKey: string | null; providerUrl: string | null; searchesPerMinute: number }>;
}>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment (only PARLEY_* variables are read). Throws ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const relevant = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('PARLEY_') && v !== ''));
  const unknown = Object.keys(relevant).filter((k) => !(k in configSchema.shape));
  const parsed = configSchema.safeParse(relevant);
  const problems = unknown.map((k) => `${k}: unknown setting (see docs/configuration.md)`);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const c = parsed.data;
  return Object.freeze({
    host: c.PARLEY_HOST,
    port: c.PARLEY_PORT,
    dataDir: path.resolve(c.PARLEY_DATA_DIR),
    databaseUrl: c.PARLEY_DATABASE_URL ?? null,
    databasePoolSize: c.PARLEY_DATABASE_POOL_SIZE,
    sqliteWriter: c.PARLEY_SQLITE_WRITER,
    logLevel: c.PARLEY_LOG_LEVEL,
    publicUrl: c.PARLEY_PUBLIC_URL ?? null,
    webDir: c.PARLEY_WEB_DIR ? path.resolve(c.PARLEY_WEB_DIR) : DEFAULT_WEB_DIR,
    allowedOrigins: Object.freeze(c.PARLEY_ALLOWED_ORIGINS),
    trustProxy: c.PARLEY_TRUST_PROXY,
    bodyLimitBytes: c.PARLEY_BODY_LIMIT_BYTES,
    ws: Object.freeze({
      maxFrameBytes: c.PARLEY_WS_MAX_FRAME_BYTES,
      maxBufferedBytes: c.PARLEY_WS_MAX_BUFFERED_BYTES,
      heartbeatMs: c.PARLEY_WS_HEARTBEAT_MS,
      framesPerSecond: c.PARLEY_WS_FRAMES_PER_SECOND,
    }),
    presenceGraceMs: c.PARLEY_PRESENCE_GRACE_MS,
    maxGroupMembers: c.PARLEY_MAX_GROUP_MEMBERS,
    maxChannelMembers: c.PARLEY_MAX_CHANNEL_MEMBERS,
    rate: Object.freeze({
      authPerMinute: c.PARLEY_RATE_AUTH_PER_MINUTE,
      sendPerSecond: c.PARLEY_RATE_SEND_PER_SECOND,
      sendBurst: c.PARLEY_RATE_SEND_BURST,
      sendIpPerSecond: c.PARLEY_RATE_SEND_IP_PER_SECOND,
      requestsPerSecond: c.PARLEY_RATE_REQUESTS_PER_SECOND,
    }),
    eventRetentionHours: c.PARLEY_EVENT_RETENTION_HOURS,
    sessionTtlDays: c.PARLEY_SESSION_TTL_DAYS,
    groupCommitMax: c.PARLEY_GROUP_COMMIT_MAX,
    groupCommitWindowMs: c.PARLEY_GROUP_COMMIT_WINDOW_MS,
    shutdownGraceMs: c.PARLEY_SHUTDOWN_GRACE_MS,
    argon2: Object.freeze({ memoryKib: c.PARLEY_ARGON2_MEMORY_KIB, iterations: c.PARLEY_ARGON2_ITERATIONS }),
    metrics: c.PARLEY_METRICS,
    admins: Object.freeze(c.PARLEY_ADMINS),
    files: Object.freeze({
      maxFileBytes: c.PARLEY_UPLOAD_MAX_BYTES,
      quotaBytes: c.PARLEY_UPLOAD_QUOTA_BYTES,
      unattachedTtlMs: c.PARLEY_UPLOAD_UNATTACHED_HOURS * 3_600_000,
      uploadsPerMinute: c.PARLEY_RATE_UPLOADS_PER_MINUTE,
      maxPixels: c.PARLEY_IMAGE_MAX_PIXELS,
    }),
    linkPreviews: c.PARLEY_LINK_PREVIEWS,
    fetch: Object.freeze({ allow: c.PARLEY_FETCH_ALLOW, timeoutMs: c.PARLEY_FETCH_TIMEOUT_MS }),
    gifs: Object.freeze({
      giphyApiKey: c.PARLEY_GIPHY_API_KEY ?? null,
      tenorApiKey: c.PARLEY_TENOR_API_KEY ?? null,
      providerUrl: c.PARLEY_GIF_PROVIDER_URL ?? null,
      searchesPerMinute: c.PARLEY_RATE_GIF_SEARCH_PER_MINUTE,
    }),
  });
}
