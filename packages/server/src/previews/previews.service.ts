import { limits, type LinkPreview, type Message } from '@parley/protocol';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { requireMember } from '../conversations/access.js';
import type { Dialect } from '../db/database.js';
import type { DB, FileRow, MessageRow } from '../db/schema.js';
import type { Writer } from '../events/writer.js';
import type { GuardedFetcher } from '../fetch/index.js';
import { fileIdOf } from '../files/file.presenter.js';
import { deleteFiles, insertFile } from '../files/files.repository.js';
import type { FilesService } from '../files/files.service.js';
import { forbidden, notFound } from '../lib/errors.js';
import { presentMessage } from '../messages/message.presenter.js';
import { findMessage, updateMessage } from '../messages/messages.repository.js';
import { PreviewFetcher, type FetchedPreview } from './fetch-preview.js';
import { extractUrls } from './opengraph.js';
import { presentPreview } from './preview.presenter.js';
import { markRemoved, wasRemoved } from './previews.repository.js';
import { WorkQueue } from './queue.js';

export interface LinkPreviewsOptions {
  /** PARLEY_LINK_PREVIEWS: when false nothing is fetched (removing old previews still works). */
  enabled: boolean;
  /** The installation's pixel limit (PARLEY_IMAGE_MAX_PIXELS); previews decode at most 25 MP. */
  maxPixels: number;
}

/** The previews a message should have: those of these links (its text's, when the job was made). */
interface Job {
  conversationId: string;
  messageId: string;
  urls: string[];
}

/** Messages whose previews are fetched at once; each fetches its links in parallel. */
const CONCURRENCY = 4;
/** Messages waiting for previews at most; past it the oldest waiting are dropped. */
const MAX_WAITING = 500;
const DROP_REPORT_MS = 10_000;

const MAX_LINKS = limits.linkPreviewsPerMessageMax;

const mayLink = (text: string) => text.includes('://');
const sameUrls = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((url, i) => url === b[i]);
const previewsOf = (row: MessageRow): LinkPreview[] => (row.previews === '[]' ? [] : (JSON.parse(row.previews) as LinkPreview[]));

/**
 * Link previews: after a message is committed (never on its way to being acknowledged), the server
 * fetches the pages its links point to, through the guarded fetcher, and adds their previews to
 * the message with a `message.updated` event. Images are re-encoded and stored as files that only
 * the conversation's members can read. After an edit the previews follow the new links; the
 * author may remove them for good; a deleted message never gets any.
 */
export class LinkPreviews {
  readonly #pages: PreviewFetcher;
  readonly #queue: WorkQueue<Job>;
  readonly #shutdown = new AbortController();
  /** Committed messages not yet looked at: read in the next turn of the event loop. */
  #intake: { messages: readonly Message[]; previousText: string | null }[] = [];
  #flushing: Promise<void> | null = null;
  #closed = false;
  #dropped = 0;
  #lastDropReport = 0;

  constructor(
    private readonly reader: Kysely<DB>,
    private readonly dialect: Dialect,
    private readonly writer: Writer,
    private readonly files: FilesService,
    fetcher: GuardedFetcher,
    private readonly logger: Logger,
    private readonly options: LinkPreviewsOptions,
  ) {
    this.#pages = new PreviewFetcher(fetcher, options.maxPixels, logger, this.#shutdown.signal);
    this.#queue = new WorkQueue<Job>({
      concurrency: CONCURRENCY,
      maxWaiting: MAX_WAITING,
      work: (job) => this.#work(job),
      dropped: (job) => this.#reportDrop(job),
      failed: (err, job) => this.logger.warn({ err, messageId: job.messageId }, 'link previews failed'),
    });
  }

  /** Messages just committed (their sends already resolved): those with links get previews. */
  created(messages: readonly Message[]): void {
    this.#take(messages, null);
  }

  /** A message's text was edited: its previews follow the links of the new text. */
  edited(message: Message, previousText: string): void {
    this.#take([message], previousText);
  }

  /** The author takes the previews off their message (their files go too), for good. */
  async remove(conversationId: string, messageId: string, userId: string): Promise<Message> {
    let released: string[] = [];
    const message = await this.writer.write(async (tx, emit) => {
      await requireMember(tx, conversationId, userId);
      const row = await findMessage(tx, conversationId, messageId, this.dialect);
      if (!row) throw notFound('Message');
      if (row.sender_id !== userId) throw forbidden('Only the author can remove the previews');
      // Recorded even while there are none yet: a fetch in flight must not add them afterwards.
      await markRemoved(tx, messageId);
      if (row.previews === '[]') return presentMessage(row);
      released = await deleteFiles(tx, { messageId, purpose: 'preview' });
      const message = presentMessage(await updateMessage(tx, messageId, { previews: '[]' }));
      emit({ type: 'message.updated', conversationId, payload: { conversationId, message } });
      return message;
    });
    this.#queue.cancel(messageId);
    await this.files.removeBlobs(released);
    return message;
  }

  /** Resolves once every message committed so far has its previews (or has none to get). */
  async idle(): Promise<void> {
    while (this.#flushing || this.#queue.waiting > 0 || this.#queue.running > 0) {
      await (this.#flushing ?? this.#queue.idle());
    }
  }

  /** Graceful shutdown: nothing new is taken, waiting messages are dropped, fetches in flight stop. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#intake = [];
    this.#shutdown.abort();
    await this.#queue.close();
    this.#pages.clear();
  }

  #take(messages: readonly Message[], previousText: string | null): void {
    if (!this.options.enabled || this.#closed) return;
    // Nothing but this push on the send path: the links are read in the next turn.
    this.#intake.push({ messages, previousText });
    this.#flushing ??= new Promise((resolve) =>
      setImmediate(() => {
        this.#flushing = null;
        this.#flush();
        resolve();
      }),
    );
  }

  #flush(): void {
    for (const { messages, previousText } of this.#intake.splice(0)) {
      for (const m of messages) {
        // Most messages have no link at all: not worth parsing.
        if (m.deletedAt !== null || !(mayLink(m.text) || (previousText !== null && mayLink(previousText)))) continue;
        const urls = extractUrls(m.text, MAX_LINKS);
        const wanted = previousText === null ? urls.length > 0 : !sameUrls(urls, extractUrls(previousText, MAX_LINKS));
        if (wanted) this.#queue.add(m.id, { conversationId: m.conversationId, messageId: m.id, urls });
      }
    }
  }

  /** Whether the message still wants the previews of these links: not deleted, same links. */
  #wants(row: MessageRow | undefined, urls: readonly string[]): row is MessageRow {
    return row !== undefined && row.deleted_at === null && sameUrls(extractUrls(row.text, MAX_LINKS), urls);
  }

  async #work(job: Job): Promise<void> {
    const { conversationId, messageId, urls } = job;
    const current = await findMessage(this.reader, conversationId, messageId);
    // Edited since (a newer job follows the new links), deleted, or the author removed previews.
    if (!this.#wants(current, urls) || (await wasRemoved(this.reader, messageId))) return;
    const before = previewsOf(current);
    if (urls.length === 0 && before.length === 0) return;

    const fetched = await Promise.all(urls.map((url) => this.#pages.preview(url)));
    // Blobs are written before the transaction, which must not wait on the disk.
    const staged = new Map<number, FileRow>();
    let inserted: readonly FileRow[] = [];
    try {
      for (const [i, found] of fetched.entries()) {
        if (this.#closed) return;
        if (found?.image && !before.some((p) => p.url === found.page.url)) {
          staged.set(i, await this.files.stagePreviewImage(found.image, { conversationId, messageId }));
        }
      }
      if (this.#closed) return;
      const result = await this.writer.write(async (tx, emit) => {
        const row = await findMessage(tx, conversationId, messageId, this.dialect);
        if (!this.#wants(row, urls) || (await wasRemoved(tx, messageId))) return null;
        const before = previewsOf(row);
        const { previews, images } = merge(urls, fetched, before, staged);
        const json = JSON.stringify(previews);
        if (json === row.previews) return null;
        const dropped = before.filter((p) => !previews.includes(p)).flatMap((p) => (p.imageUrl ? [fileIdOf(p.imageUrl)] : [])).filter((id) => id !== null);
        const released = dropped.length ? await deleteFiles(tx, { ids: dropped, messageId, purpose: 'preview' }) : [];
        for (const file of images) await insertFile(tx, file);
        const message = presentMessage(await updateMessage(tx, messageId, { previews: json }));
        emit({ type: 'message.updated', conversationId, payload: { conversationId, message } });
        return { released, images };
      });
      if (!result) return;
      inserted = result.images;
      await this.files.removeBlobs(result.released);
    } finally {
      const unused = [...staged.values()].filter((file) => !inserted.includes(file));
      await this.files.removeBlobs(unused.map((file) => file.blob_key));
    }
  }

  #reportDrop(job: Job): void {
    this.#dropped++;
    const now = Date.now();
    if (now - this.#lastDropReport < DROP_REPORT_MS) return;
    this.logger.warn({ dropped: this.#dropped, maxWaiting: MAX_WAITING, messageId: job.messageId }, 'link preview queue full: the oldest waiting messages get no previews');
    this.#dropped = 0;
    this.#lastDropReport = now;
  }
}

/**
 * The previews of the links, in the text's order, one per page: a page already shown keeps its
 * preview (and image file); a link whose fetch failed this time keeps the preview it had, if any.
 * `images` are the staged files the new previews show.
 */
function merge(urls: readonly string[], fetched: readonly (FetchedPreview | null)[], before: readonly LinkPreview[], staged: ReadonlyMap<number, FileRow>) {
  const previews: LinkPreview[] = [];
  const images: FileRow[] = [];
  fetched.forEach((found, i) => {
    const url = found?.page.url ?? urls[i]!;
    if (previews.some((p) => p.url === url)) return;
    const kept = before.find((p) => p.url === url);
    if (kept) {
      previews.push(kept);
      return;
    }
    if (!found) return;
    const image = staged.get(i) ?? null;
    if (image) images.push(image);
    previews.push(presentPreview(found.page, image));
  });
  return { previews, images };
}
