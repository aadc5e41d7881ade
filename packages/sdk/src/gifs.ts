import { routes, type GifSearchResult, type LibraryGif, type LibraryGifList, type LibraryGifQuery, type Upload } from '@parley/protocol';
import type { HttpClient, TransferOptions, UploadData } from './http.js';

/**
 * GIFs, as `client.gifs`: search (on the provider the server is configured with, Giphy or Tenor,
 * or else in the installation's own library), then send one as an attachment. Every URL in a
 * result is on the server, which fetches from the provider itself: the provider never sees the
 * reader.
 */
export class GifsApi {
  constructor(private readonly http: HttpClient) {}

  /**
   * GIFs matching the words, best first (`limit`: 1-50, 24 by default). `source` says where they
   * come from. Show `previewUrl` (a still) or `url` (animated); both need the session, like files.
   *
   * @example
   * const { gifs } = await client.gifs.search('party parrot', { limit: 12 });
   * const img = await client.downloadFile(gifs[0]!.url); // or <img src={client.fileUrl(gifs[0].url)}> in a browser
   */
  search(q: string, options: { limit?: number } = {}): Promise<GifSearchResult> {
    return this.http.call(routes.searchGifs, { query: { q, ...(options.limit ? { limit: options.limit } : {}) } });
  }

  /**
   * Makes a GIF of a search my upload (kind `gif`, with its size and a still thumbnail), fetched by
   * the server: send it with `attachments` like any upload. It plays inline for the members of the
   * conversation it is sent to.
   *
   * @example
   * const upload = await client.gifs.attach(gif.id);
   * await client.sendMessage(conversationId, '', { attachments: [upload.id] });
   */
  attach(gifId: string): Promise<Upload> {
    return this.http.call(routes.attachGif, { params: { gifId } });
  }

  /**
   * The installation's GIF library, newest first; pass the last id as `before` for the next page.
   *
   * @example
   * const { gifs, hasMore } = await client.gifs.library({ limit: 20 });
   */
  library(query: LibraryGifQuery = {}): Promise<LibraryGifList> {
    return this.http.call(routes.listLibraryGifs, { query });
  }

  /**
   * Adds a GIF to the library (installation admins only), with a title and tags that search finds
   * it by (word prefixes, any case).
   *
   * @example
   * await client.gifs.addToLibrary(await fs.readFile('parrot.gif'), { title: 'Party parrot', tags: ['party', 'bird'] });
   */
  addToLibrary(gif: UploadData, options: TransferOptions & { title: string; tags?: readonly string[]; name?: string }): Promise<LibraryGif> {
    const query = { title: options.title, ...(options.tags?.length ? { tags: options.tags.join(',') } : {}), ...(options.name ? { name: options.name } : {}) };
    return this.http.upload(routes.addLibraryGif, { query }, gif, options);
  }

  /**
   * Removes a GIF from the library (installation admins only); messages that carry it keep theirs.
   *
   * @example
   * await client.gifs.removeFromLibrary(gif.id);
   */
  async removeFromLibrary(gifId: string): Promise<void> {
    await this.http.call(routes.deleteLibraryGif, { params: { gifId } });
  }
}
