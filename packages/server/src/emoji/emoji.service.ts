import type { IncomingMessage } from 'node:http';
import { findByShortcode, normalizeEmoji, reactionKind } from '@parley/emoji';
import { limits, type CustomEmoji, type CustomEmojiList } from '@parley/protocol';
import type { Kysely } from 'kysely';
import type { Admins } from '../accounts/admins.js';
import { isUniqueViolation } from '../db/errors.js';
import type { DB } from '../db/schema.js';
import { deleteFiles } from '../files/files.repository.js';
import type { FilesService } from '../files/files.service.js';
import { conflict, notFound, validationError } from '../lib/errors.js';
import type { ReactionEmoji, ReactionEmojiResolver } from '../messages/messages.service.js';
import { presentCustomEmoji, presentCustomEmojiList } from './emoji.presenter.js';
import * as repo from './emoji.repository.js';

/** A custom emoji is small: a larger source is refused before anything is decoded. */
const MAX_SOURCE_PIXELS = 4096 * 4096;

const invalidReaction = (message: string) => validationError([{ path: ['emoji'], message }], 'body');

/**
 * Custom emoji: image emoji of the installation, written `:name:`. Admins add and delete them;
 * every logged-in user lists them and downloads their images. Clients hear of no change live
 * (there is no installation-wide event): they refetch the list, cheaply thanks to its ETag.
 */
export class EmojiService implements ReactionEmojiResolver {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly reader: Kysely<DB>,
    private readonly files: FilesService,
    private readonly admins: Admins,
  ) {}

  async list(): Promise<CustomEmojiList> {
    return presentCustomEmojiList(await repo.listCustomEmoji(this.reader));
  }

  /** Refused before the image is read when the name is taken, by a custom emoji or by a Unicode shortcode. */
  async add(userId: string, name: string, image: IncomingMessage): Promise<CustomEmoji> {
    await this.admins.require(userId, 'add custom emoji');
    const unicode = findByShortcode(name);
    if (unicode) throw conflict(`:${name}: is already the emoji ${unicode.emoji}: choose another name`);
    if (await repo.customEmojiExists(this.reader, name)) throw taken(name);
    const file = await this.files.receiveFitted(userId, image, {
      purpose: 'emoji',
      name,
      px: limits.customEmojiPx,
      maxBytes: limits.customEmojiMaxBytes,
      maxPixels: MAX_SOURCE_PIXELS,
    });
    const row = { name, file_id: file.id, created_by: userId, created_at: file.created_at };
    try {
      await repo.insertCustomEmoji(this.db, row);
    } catch (err) {
      await this.files.removeRows({ ids: [file.id] });
      // Two admins adding the same name at once: the second is told, and keeps nothing.
      if (isUniqueViolation(err)) throw taken(name);
      throw err;
    }
    return presentCustomEmoji({ ...row, content_type: file.content_type, width: file.width, height: file.height });
  }

  /**
   * Deletes the emoji and its image. Reactions made with it stay as they are (`:name:`, with their
   * counts), and so does message text: clients show an unknown `:name:` as text, and show the image
   * again if an emoji of that name is added back.
   */
  async remove(userId: string, name: string): Promise<void> {
    await this.admins.require(userId, 'delete custom emoji');
    const released = await this.db.transaction().execute(async (tx) => {
      const fileId = await repo.deleteCustomEmoji(tx, name);
      if (!fileId) throw notFound(`Custom emoji :${name}:`);
      return deleteFiles(tx, { ids: [fileId] });
    });
    await this.files.removeBlobs(released);
  }

  /**
   * A reaction as it is stored: a Unicode emoji in its fully-qualified form (so ❤ and ❤️ are one
   * reaction), or `:name:` of a custom emoji, which may be added only while that emoji exists.
   */
  async reaction(value: string): Promise<ReactionEmoji> {
    switch (reactionKind(value)) {
      case 'unicode':
        return { emoji: normalizeEmoji(value) ?? value, addable: true };
      case 'custom': {
        const name = value.slice(1, -1);
        const unicode = findByShortcode(name);
        if (unicode) throw invalidReaction(`${value} is a shortcode: react with ${unicode.emoji} itself`);
        return { emoji: value, addable: await repo.customEmojiExists(this.reader, name) };
      }
      case null:
        throw invalidReaction('must be a single emoji or a :custom_emoji:');
    }
  }
}

const taken = (name: string) => conflict(`A custom emoji named :${name}: already exists`);
