export interface ResultCacheOptions<V> {
  /** How long a result is reused; 0 does not keep it. */
  ttlMs(value: V): number;
  maxEntries: number;
  /** Bound on the sum of `sizeOf` over the kept results. */
  maxBytes: number;
  sizeOf(value: V): number;
  now?: () => number;
}

interface Entry<V> {
  value: V;
  expires: number;
  size: number;
}

/**
 * Results by key for a short while, so that a link posted many times is fetched once: callers
 * asking while a load is running share it, and a finished result is reused until it expires.
 * Bounded by count and by bytes; the least recently used results go first.
 *
 * @example
 * const pages = new ResultCache<Page | null>({ ttlMs: (p) => (p ? 600_000 : 60_000), maxEntries: 500, maxBytes: 32 << 20, sizeOf: (p) => p?.size ?? 0 });
 * const page = await pages.get(url, () => fetchPage(url));
 */
export class ResultCache<V> {
  readonly #options: ResultCacheOptions<V>;
  readonly #now: () => number;
  readonly #done = new Map<string, Entry<V>>();
  readonly #loading = new Map<string, Promise<V>>();
  #bytes = 0;

  constructor(options: ResultCacheOptions<V>) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** The cached result, the running load, or a new load (a rejected load is not kept). */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.#done.get(key);
    if (hit) {
      this.#forget(key, hit);
      if (hit.expires > this.#now()) {
        // Map order is recency order: re-inserted, it is the newest.
        this.#done.set(key, hit);
        this.#bytes += hit.size;
        return Promise.resolve(hit.value);
      }
    }
    const running = this.#loading.get(key);
    if (running) return running;
    const loading = load()
      .then((value) => {
        this.#keep(key, value);
        return value;
      })
      .finally(() => this.#loading.delete(key));
    this.#loading.set(key, loading);
    return loading;
  }

  get size(): number {
    return this.#done.size;
  }

  clear(): void {
    this.#done.clear();
    this.#bytes = 0;
  }

  #keep(key: string, value: V): void {
    const ttl = this.#options.ttlMs(value);
    const size = this.#options.sizeOf(value);
    if (ttl <= 0 || size > this.#options.maxBytes) return;
    const old = this.#done.get(key);
    if (old) this.#forget(key, old);
    this.#done.set(key, { value, expires: this.#now() + ttl, size });
    this.#bytes += size;
    for (const [oldest, entry] of this.#done) {
      if (this.#done.size <= this.#options.maxEntries && this.#bytes <= this.#options.maxBytes) break;
      this.#forget(oldest, entry);
    }
  }

  #forget(key: string, entry: Entry<V>): void {
    this.#done.delete(key);
    this.#bytes -= entry.size;
  }
}
