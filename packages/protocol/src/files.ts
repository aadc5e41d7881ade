import { z } from 'zod';
import { Id, Timestamp } from './common.js';
import { limits } from './limits.js';

/**
 * What a client shows for a file: `image` and `gif` get width, height, a blurhash placeholder and a
 * thumbnail; `video`, `audio` and `voice` a duration; `voice` (a recorded voice note) a waveform.
 * Everything else is a `file`, always downloaded, never rendered inline.
 */
export const AttachmentKind = z.enum(['image', 'gif', 'video', 'audio', 'voice', 'file']);
export type AttachmentKind = z.infer<typeof AttachmentKind>;

/** Loudness over time, each point 0-255, for drawing a voice note. */
export const Waveform = z.array(z.number().int().min(0).max(255)).min(1).max(limits.waveformMaxPoints);

export const Attachment = z.object({
  id: Id,
  kind: AttachmentKind,
  /** The uploader's file name, neutralised (no path, control or direction-override characters). */
  name: z.string(),
  /** Detected from the bytes, not taken from the client. */
  contentType: z.string(),
  size: z.number().int().nonnegative(),
  width: z.number().int().positive().nullable(),
  height: z.number().int().positive().nullable(),
  durationMs: z.number().int().nonnegative().nullable(),
  waveform: Waveform.nullable(),
  /** A tiny placeholder to paint while the image loads (https://blurha.sh). */
  blurhash: z.string().nullable(),
  /** Path of the file on this server (`/api/v1/files/<id>`); needs a session. */
  url: z.string(),
  /** A still, at most 480 px on its longest side (images, GIFs). */
  thumbnailUrl: z.string().nullable(),
});
export type Attachment = z.infer<typeof Attachment>;

/** A file the caller uploaded; `attached` once a message carries it. */
export const Upload = Attachment.extend({ attached: z.boolean(), createdAt: Timestamp });
export type Upload = z.infer<typeof Upload>;

export const FileName = z.string().min(1).max(1_000);

export const UploadQuery = z.object({
  name: FileName,
  /** `voice` for a voice note recorded in the client (the bytes must be audio). */
  kind: z.enum(['voice']).optional(),
  /** The recorder's own measure, used when the container does not say (e.g. MediaRecorder WebM). */
  durationMs: z.coerce.number().int().min(0).max(limits.voiceNoteMaxMs).optional(),
  /** Comma-separated points 0-255. */
  waveform: z
    .string()
    .max(limits.waveformMaxPoints * 4)
    .transform((s) => s.split(',').map((x) => Number(x)))
    .pipe(Waveform)
    .optional(),
});
export type UploadQuery = z.input<typeof UploadQuery>;

export const FileParams = z.object({ fileId: Id });

/** `download=1` asks for `Content-Disposition: attachment` even for a type shown inline. */
export const DownloadQuery = z.object({ download: z.enum(['1', 'true']).optional() });

export const avatarSizes = [64, 192, 512] as const;
export const AvatarQuery = z.object({
  size: z.coerce
    .number()
    .int()
    .refine((n) => (avatarSizes as readonly number[]).includes(n), `must be one of ${avatarSizes.join(', ')}`)
    .default(192),
});

export const StorageUsage = z.object({
  usedBytes: z.number().int().nonnegative(),
  quotaBytes: z.number().int().nonnegative(),
  maxFileBytes: z.number().int().positive(),
});
export type StorageUsage = z.infer<typeof StorageUsage>;

/** A page's preview, fetched by the server; `imageUrl` is served by this server, never the site. */
export const LinkPreview = z.object({
  url: z.string(),
  title: z.string().nullable(),
  description: z.string().nullable(),
  siteName: z.string().nullable(),
  imageUrl: z.string().nullable(),
  imageWidth: z.number().int().positive().nullable(),
  imageHeight: z.number().int().positive().nullable(),
});
export type LinkPreview = z.infer<typeof LinkPreview>;
