/**
 * Reverse lookup of generated constants (value → name) for error messages,
 * e.g. every `RTA_*` attribute of linux/rtnetlink.h. Names ending in `_MAX`
 * or `_ALIGNTO` and those that start with one of `exclude` are skipped; when
 * two names share a value the alphabetically first wins (a module namespace
 * lists its names sorted).
 */
export function constantNames(module: Record<string, unknown>, prefix: string, exclude: readonly string[] = []): Map<number, string> {
  const names = new Map<number, string>();
  for (const [name, value] of Object.entries(module)) {
    if (!name.startsWith(prefix) || typeof value !== 'number') continue;
    if (name.endsWith('_MAX') || name.endsWith('_ALIGNTO') || exclude.some((e) => name.startsWith(e))) continue;
    if (!names.has(value)) names.set(value, name);
  }
  return names;
}
