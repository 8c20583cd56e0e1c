/**
 * Reverse lookup of generated constants (value → name) for error messages,
 * e.g. every `RTA_*` attribute of linux/rtnetlink.h. Names ending in `_MAX`
 * or `_ALIGNTO` and those that start with one of `exclude` are skipped; when
 * two names share a value the alphabetically first wins (a module namespace
 * lists its names sorted).
 */
export function constantNames(module: Record<string, unknown>, prefix: string, exclude: readonly string[] = []): Map<number, string> {
  return new LazyNames((names) => {
    for (const [name, value] of Object.entries(module)) {
      if (!name.startsWith(prefix) || typeof value !== 'number') continue;
      if (name.endsWith('_MAX') || name.endsWith('_ALIGNTO') || exclude.some((e) => name.startsWith(e))) continue;
      if (!names.has(value)) names.set(value, name);
    }
  });
}

/**
 * A Map filled on first read. Modules keep their name tables in module-level
 * constants (`const RTA_NAMES = constantNames(...)`); walking a generated
 * module's namespace (hundreds of names) at load would make every import of
 * nlkit pay for tables that only error messages read.
 */
class LazyNames extends Map<number, string> {
  #fill: ((names: Map<number, string>) => void) | undefined;

  constructor(fill: (names: Map<number, string>) => void) {
    super();
    this.#fill = fill;
  }

  #filled(): void {
    const fill = this.#fill;
    if (fill === undefined) return;
    this.#fill = undefined;
    fill(this);
  }

  override get(key: number): string | undefined { this.#filled(); return super.get(key); }
  override has(key: number): boolean { this.#filled(); return super.has(key); }
  override get size(): number { this.#filled(); return super.size; }
  override set(key: number, value: string): this { this.#filled(); return super.set(key, value); }
  override delete(key: number): boolean { this.#filled(); return super.delete(key); }
  override clear(): void { this.#fill = undefined; super.clear(); }
  override forEach(callback: (value: string, key: number, map: Map<number, string>) => void, thisArg?: unknown): void {
    this.#filled();
    super.forEach(callback, thisArg);
  }
  override entries(): MapIterator<[number, string]> { this.#filled(); return super.entries(); }
  override keys(): MapIterator<number> { this.#filled(); return super.keys(); }
  override values(): MapIterator<string> { this.#filled(); return super.values(); }
  override [Symbol.iterator](): MapIterator<[number, string]> { this.#filled(); return super[Symbol.iterator](); }
}

/**
 * `build()`'s value, computed on the first call and kept: for tables and
 * maps a module needs only once a caller uses it (no work at module load,
 * docs/development.md).
 */
export function once<T>(build: () => T): () => T {
  let value: T;
  let built = false;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value;
  };
}
