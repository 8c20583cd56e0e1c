// The agent's memory of host-local data directories: the allocations last
// read or written, so ADD's duplicate check and DEL's lookup do not read every
// address file on every call. The disk stays the truth: under the directory's
// lock the names in it are listed (no file is read) and compared with the
// remembered ones; any difference (another process, the reference host-local,
// a hand edit) reloads every file. A DEL still reads the files it releases and
// reloads when one holds someone else.
import { parseIp } from './ip.js';
import type { Allocation } from './store.js';

/** Allocations per data directory (`<dataDir>/<network>`). */
export class HostLocalMemory {
  /** Per directory, its allocations by file name (in the order they were read or made). */
  private readonly directories = new Map<string, Map<string, Allocation>>();

  /**
   * The remembered allocations when the address files among `listed` (the
   * directory's names, any order) are exactly the remembered ones, else
   * undefined. A remembered name is matched without parsing it: only names
   * the memory does not hold (the lock, last_reserved_ip.N, strays) are
   * parsed, so a listing of n files costs n set lookups, not n address parses.
   */
  lookup(directory: string, listed: readonly string[]): Allocation[] | undefined {
    const remembered = this.directories.get(directory);
    if (!remembered) return undefined;
    let matched = 0;
    for (const name of listed) {
      if (remembered.has(name)) matched++;
      else if (parseIp(name) !== undefined) return undefined;
    }
    return matched === remembered.size ? [...remembered.values()] : undefined;
  }

  /** Records what a full read found. */
  store(directory: string, allocations: readonly Allocation[]): void {
    this.directories.set(directory, new Map(allocations.map((a) => [a.file, a])));
  }

  /** Adds an allocation just written (no-op when the directory is not remembered). */
  added(directory: string, allocation: Allocation): void {
    this.directories.get(directory)?.set(allocation.file, allocation);
  }

  /** Removes an allocation file just deleted. */
  removed(directory: string, file: string): void {
    this.directories.get(directory)?.delete(file);
  }

  forget(directory: string): void {
    this.directories.delete(directory);
  }

  clear(): void {
    this.directories.clear();
  }
}
