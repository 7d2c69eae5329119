/**
 * A small in-process cache whose entries expire `ttlMs` after they were loaded, holding at most
 * `maxEntries` (the oldest goes first). A TTL of 0 caches nothing: every get loads.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  async get(key: K, load: () => Promise<V>): Promise<V> {
    const cached = this.entries.get(key);
    if (cached && cached.expiresAt > this.now()) {
      return cached.value;
    }
    const value = await load();
    this.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    if (this.ttlMs <= 0) {
      return;
    }
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as K);
    }
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }
}
