import { routes, type CustomEmoji } from '@parley/protocol';
import type { HttpClient, TransferOptions, UploadData } from './http.js';

/**
 * The installation's custom emoji (`:parley:`), as `client.emoji`. Everyone lists them; admins add
 * and delete them. Messages and reactions name them as `:name:`: render the text with
 * `tokenizeShortcodes` from `@parley/emoji`, and react with `client.toggleReaction(…, ':parley:')`.
 */
export class CustomEmojiApi {
  private kept: { etag: string; emoji: CustomEmoji[] } | null = null;

  constructor(private readonly http: HttpClient) {}

  /**
   * Every custom emoji, by name. Each call revalidates what the client kept from the last one (an
   * ETag): while the set is unchanged the server answers 304 and the same array comes back. The
   * server sends no live event when the set changes: call this again after a reconnect
   * (`resumed`, `resync`), now and then, and when a message or reaction names an unknown `:name:`.
   *
   * @example
   * const emoji = await client.emoji.list();
   * const byName = new Map(emoji.map((e) => [e.name, { name: e.name, url: client.fileUrl(e.url) }]));
   * tokenizeShortcodes('ship it :parley:', byName); // [..., { kind: 'custom', text: ':parley:', emoji: {...} }]
   */
  async list(): Promise<CustomEmoji[]> {
    const kept = this.kept;
    const fresh = await this.http.callIfChanged(routes.listCustomEmoji, {}, kept?.etag ?? null);
    if (!fresh) {
      if (kept) return kept.emoji;
      // A 304 for a tag this client did not send (a browser cache's own): ask plainly.
      return (await this.http.call(routes.listCustomEmoji, {})).emoji;
    }
    this.kept = fresh.etag ? { etag: fresh.etag, emoji: fresh.body.emoji } : null;
    return fresh.body.emoji;
  }

  /**
   * Adds a custom emoji (installation admins only; others get 403). The image is a PNG, GIF, WebP
   * or JPEG of at most 1 MiB (`limits.customEmojiMaxBytes`), stored scaled to fit 128 px with its
   * animation kept. The name is 2-32 of a-z, 0-9, `_`, `-`, `+`, and neither another custom
   * emoji's (409) nor a Unicode shortcode such as `tada` (409).
   *
   * @example
   * const parley = await client.emoji.add('parley', await fs.readFile('parley.png'));
   * await client.sendMessage(conversationId, 'Welcome to :parley:!');
   */
  async add(name: string, image: UploadData, options: TransferOptions = {}): Promise<CustomEmoji> {
    const emoji = await this.http.upload(routes.addCustomEmoji, { query: { name } }, image, options);
    this.kept = null;
    return emoji;
  }

  /**
   * Deletes a custom emoji (installation admins only). Reactions made with it stay, with their
   * counts, and show as their `:name:` text; so do messages that use it.
   *
   * @example
   * await client.emoji.remove('parley');
   */
  async remove(name: string): Promise<void> {
    await this.http.call(routes.deleteCustomEmoji, { params: { emojiName: name } });
    this.kept = null;
  }
}
