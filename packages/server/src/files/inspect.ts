import fsp from 'node:fs/promises';
import type { AttachmentKind } from '@parley/protocol';
import { encode as encodeBlurhash } from 'blurhash';
import { fileTypeFromBuffer, fileTypeFromFile } from 'file-type';
import { parseFile } from 'music-metadata';
import sharp, { type Metadata } from 'sharp';
import { ApiError } from '../lib/errors.js';
import { JpegStructureError, stripJpegMetadata } from './jpeg-metadata.js';

/** Raster types decoded and shown inline; anything else (SVG, HTML, PDF...) is only downloaded. */
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/avif', 'image/gif']);
const AUDIO_TYPES = new Set(['audio/mpeg', 'audio/ogg', 'audio/opus', 'audio/wav', 'audio/x-wav', 'audio/aac', 'audio/mp4', 'audio/x-m4a', 'audio/webm', 'audio/flac', 'audio/x-flac']);
const VIDEO_TYPES = new Set(['video/mp4', 'video/webm', 'video/quicktime', 'video/ogg']);
/** What a voice recorder produces (MediaRecorder's WebM is detected as video/webm). */
const VOICE_TYPES = new Set(['audio/webm', 'video/webm', 'audio/ogg', 'audio/opus', 'audio/mp4', 'audio/x-m4a', 'audio/mpeg', 'audio/wav', 'audio/x-wav', 'audio/aac']);

export const THUMBNAIL_PX = 480;

export interface InspectOptions {
  maxPixels: number;
  /** Set for a voice note: the recorder's duration and waveform. */
  voice?: { durationMs?: number | undefined; waveform?: readonly number[] | undefined } | undefined;
}

export interface Inspected {
  kind: AttachmentKind;
  contentType: string;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  waveform: readonly number[] | null;
  blurhash: string | null;
  /** Re-encoded copy to store instead of the original (photo metadata such as GPS removed). */
  replacementPath: string | null;
  /** A WebP still of images and GIFs. */
  thumbnail: Buffer | null;
}

const unprocessable = (why: string) => new ApiError('unprocessable_media', why);

/**
 * Works out what a staged upload is from its bytes (never from its name or the client's type) and
 * derives what clients need to lay it out before it loads.
 */
export async function inspectFile(path: string, stagingPath: () => string, options: InspectOptions): Promise<Inspected> {
  const detected = (await fileTypeFromFile(path))?.mime ?? 'application/octet-stream';
  if (options.voice) return inspectVoice(path, detected, options.voice);
  if (IMAGE_TYPES.has(detected)) return inspectImage(path, detected, stagingPath, options.maxPixels);
  if (AUDIO_TYPES.has(detected) || VIDEO_TYPES.has(detected)) {
    return { ...plain(AUDIO_TYPES.has(detected) ? 'audio' : 'video', detected), durationMs: await mediaDuration(path) };
  }
  return plain('file', detected);
}

function plain(kind: AttachmentKind, contentType: string): Inspected {
  return { kind, contentType, width: null, height: null, durationMs: null, waveform: null, blurhash: null, replacementPath: null, thumbnail: null };
}

async function mediaDuration(path: string): Promise<number | null> {
  try {
    const { format } = await parseFile(path, { duration: true, skipCovers: true });
    return format.duration !== undefined && Number.isFinite(format.duration) ? Math.round(format.duration * 1000) : null;
  } catch {
    return null;
  }
}

async function inspectVoice(path: string, detected: string, voice: NonNullable<InspectOptions['voice']>): Promise<Inspected> {
  if (!VOICE_TYPES.has(detected)) throw new ApiError('unsupported_media_type', `A voice note must be audio (WebM, Ogg, MP4, MP3 or WAV); this file is ${detected}`);
  const durationMs = (await mediaDuration(path)) ?? voice.durationMs ?? null;
  return {
    ...plain('voice', detected === 'video/webm' ? 'audio/webm' : detected),
    durationMs,
    waveform: voice.waveform ?? null,
  };
}

/** Reads only the header (no pixel limit: the caller checks the size before decoding anything). */
function headerOf(input: string | Buffer): Promise<Metadata> {
  return sharp(input, { limitInputPixels: false }).metadata();
}

/** Decoding refuses anything past the pixel limit, so a decompression bomb is never expanded. */
function decoder(input: string | Buffer, maxPixels: number, animated = false) {
  return sharp(input, { limitInputPixels: maxPixels, failOn: 'error', animated, sequentialRead: true });
}

/** The header of an image that may be decoded: readable, with dimensions, within the pixel limit. */
async function decodableHeader(input: string | Buffer, maxPixels: number): Promise<Metadata> {
  const meta = await headerOf(input).catch(() => {
    throw unprocessable('The file has image magic bytes but is not a readable image');
  });
  if (!meta.width || !meta.height || meta.width * (meta.pageHeight ?? meta.height) > maxPixels) throw unprocessable('The image is too large in pixels');
  return meta;
}

const decodeFailure = (err: unknown) => unprocessable(`The image could not be decoded: ${(err as Error).message.split('\n')[0]}`);

async function inspectImage(path: string, detected: string, stagingPath: () => string, maxPixels: number): Promise<Inspected> {
  let meta: Metadata;
  try {
    meta = await headerOf(path);
  } catch {
    throw unprocessable('The file has image magic bytes but is not a readable image');
  }
  const width = meta.width;
  const height = meta.pageHeight ?? meta.height;
  if (!width || !height) throw unprocessable('The image has no dimensions');
  // Checked from the header, before any pixel is decoded: a pixel flood is refused outright.
  if (width * height > maxPixels || (meta.pages ?? 1) * width * height > maxPixels * 20) {
    throw unprocessable(`The image is too large: ${width}×${height} pixels (at most ${maxPixels.toLocaleString('en')} pixels)`);
  }
  const gif = detected === 'image/gif';
  try {
    let replacementPath: string | null = null;
    let size = upright(width, height, meta.orientation);
    // Photos carry EXIF (GPS position, camera serial): store a copy without it.
    if (!gif && (meta.exif || meta.xmp || meta.iptc)) {
      replacementPath = stagingPath();
      if (!(detected === 'image/jpeg' && (await stripJpegFile(path, replacementPath, meta.orientation ?? 1)))) {
        // Other formats are re-encoded, upright.
        const image = decoder(path, maxPixels).rotate();
        const encoded = detected === 'image/png' ? image.png() : detected === 'image/webp' ? image.webp({ quality: 90 }) : detected === 'image/avif' ? image.avif() : image.jpeg({ quality: 90 });
        const info = await encoded.toFile(replacementPath);
        size = { width: info.width, height: info.height };
      }
    }
    const source = replacementPath ?? path;
    const thumbnail = await decoder(source, maxPixels).rotate().resize(THUMBNAIL_PX, THUMBNAIL_PX, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 75 }).toBuffer();
    return {
      kind: gif ? 'gif' : 'image',
      contentType: detected,
      width: size.width,
      height: size.height,
      durationMs: null,
      waveform: null,
      blurhash: await blurhashOf(thumbnail),
      replacementPath,
      thumbnail,
    };
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw decodeFailure(err);
  }
}

/** A JPEG larger than this is re-encoded (streamed by libvips) rather than cleaned in memory. */
const LOSSLESS_JPEG_MAX_BYTES = 64 * 2 ** 20;

/**
 * Copies a JPEG without its metadata and without decoding it (the pixels stay as they are; the
 * orientation is kept so it still shows upright). False when it has to be re-encoded instead.
 */
async function stripJpegFile(path: string, to: string, orientation: number): Promise<boolean> {
  if ((await fsp.stat(path)).size > LOSSLESS_JPEG_MAX_BYTES) return false;
  try {
    await fsp.writeFile(to, stripJpegMetadata(await fsp.readFile(path), orientation));
    return true;
  } catch (err) {
    // A layout libvips reads but the segment walker does not: re-encode it.
    if (err instanceof JpegStructureError) return false;
    throw err;
  }
}

/** Width and height as the image is shown: EXIF orientations 5-8 turn it a quarter. */
function upright(width: number, height: number, orientation: number | undefined): { width: number; height: number } {
  return orientation !== undefined && orientation >= 5 ? { width: height, height: width } : { width, height };
}

async function blurhashOf(thumbnail: Buffer): Promise<string> {
  const { data, info } = await sharp(thumbnail).resize(32, 32, { fit: 'inside' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return encodeBlurhash(new Uint8ClampedArray(data), info.width, info.height, 4, 3);
}

/** Square crops of an image at each size, as WebP (avatars, group pictures). */
export async function squareVariants(path: string, sizes: readonly number[], maxPixels: number): Promise<Map<number, Buffer>> {
  const detected = (await fileTypeFromFile(path))?.mime;
  if (!detected || !IMAGE_TYPES.has(detected)) throw new ApiError('unsupported_media_type', 'An avatar must be a JPEG, PNG, WebP, AVIF or GIF image');
  await decodableHeader(path, maxPixels);
  const out = new Map<number, Buffer>();
  try {
    for (const size of sizes) {
      out.set(size, await decoder(path, maxPixels).rotate().resize(size, size, { fit: 'cover', position: 'attention' }).webp({ quality: 85 }).toBuffer());
    }
  } catch (err) {
    throw decodeFailure(err);
  }
  return out;
}

/** Types a browser may render in place; everything else is served as a download. */
export function isInlineSafe(contentType: string): boolean {
  return IMAGE_TYPES.has(contentType) || AUDIO_TYPES.has(contentType) || VIDEO_TYPES.has(contentType) || contentType === 'image/webp';
}

/** What custom emoji may be made of. */
const FITTED_TYPES = new Set(['image/png', 'image/gif', 'image/webp', 'image/jpeg']);

export interface FittedImage {
  bytes: Buffer;
  contentType: string;
  width: number;
  height: number;
}

/**
 * A small image (a custom emoji) scaled to fit `px` square, never enlarged, and re-encoded in its
 * own format so no metadata survives; animated GIFs and WebPs keep every frame. The type is
 * detected from the bytes: PNG, GIF, WebP or JPEG. Every frame counts against the pixel limit.
 */
export async function fitImage(path: string, px: number, maxPixels: number): Promise<FittedImage> {
  const detected = (await fileTypeFromFile(path))?.mime;
  if (!detected || !FITTED_TYPES.has(detected)) {
    throw new ApiError('unsupported_media_type', `The image must be a PNG, GIF, WebP or JPEG; this file is ${detected ?? 'not an image'}`);
  }
  const meta = await decodableHeader(path, maxPixels);
  const pages = meta.pages ?? 1;
  if (pages * meta.width! * (meta.pageHeight ?? meta.height!) > maxPixels) throw unprocessable('The animation is too large in pixels');
  const animated = pages > 1 && (detected === 'image/gif' || detected === 'image/webp');
  try {
    const image = decoder(path, maxPixels, animated);
    // EXIF orientation is for photos; frames of an animation are never rotated.
    const sized = (animated ? image : image.rotate()).resize(px, px, { fit: 'inside', withoutEnlargement: true });
    const encoded = detected === 'image/gif' ? sized.gif() : detected === 'image/webp' ? sized.webp({ quality: 90 }) : detected === 'image/png' ? sized.png() : sized.jpeg({ quality: 90 });
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    return { bytes: data, contentType: detected, width: info.width, height: info.pageHeight ?? info.height };
  } catch (err) {
    throw decodeFailure(err);
  }
}

/** Link-preview images are at most this many pixels on their longest side. */
export const PREVIEW_IMAGE_PX = 600;

export interface PreviewImage {
  /** WebP. */
  bytes: Buffer;
  width: number;
  height: number;
}

/**
 * A third-party image made safe to serve: its type detected from the bytes (raster images only,
 * never SVG), its header checked against the pixel limit before anything is decoded, then its
 * first frame re-encoded as WebP, upright and at most 600 px, so none of the site's bytes (or
 * metadata) reach readers.
 */
export async function previewImage(bytes: Buffer, maxPixels: number): Promise<PreviewImage> {
  const detected = (await fileTypeFromBuffer(bytes))?.mime;
  if (!detected || !IMAGE_TYPES.has(detected)) throw new ApiError('unsupported_media_type', 'Not a raster image');
  await decodableHeader(bytes, maxPixels);
  try {
    const { data, info } = await decoder(bytes, maxPixels)
      .rotate()
      .resize(PREVIEW_IMAGE_PX, PREVIEW_IMAGE_PX, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer({ resolveWithObject: true });
    return { bytes: data, width: info.width, height: info.height };
  } catch (err) {
    throw decodeFailure(err);
  }
}
