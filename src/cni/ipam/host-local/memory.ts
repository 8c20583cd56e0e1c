// The agent's memory of host-local data directories: the allocations last
// read or written, so ADD's duplicate check and DEL's lookup do not read every
// address file on every call. The disk stays the truth: under the directory's
// lock the names in it are listed (no file is read) and compared with the
// remembered ones; any difference (another process, the reference host-local,
// a hand edit) reloads every file. A DEL still reads the files it releases and
// reloads when one holds someone else.
import type { Allocation } from './store.js';

interface Remembered {
  /** The address file names, sorted and joined: what a listing is compared with. */
  names: string;
  allocations: Allocation[];
}

function namesOf(allocations: readonly Allocation[]): string {
  return allocations.map((a) => a.file).sort().join('\n');
}

/** Allocations per data directory (`<dataDir>/<network>`). */
export class HostLocalMemory {
  private readonly directories = new Map<string, Remembered>();

  /** The remembered allocations when `listed` (the directory's address file names, sorted) matches, else undefined. */
  lookup(directory: string, listed: string): Allocation[] | undefined {
    const remembered = this.directories.get(directory);
    return remembered && remembered.names === listed ? remembered.allocations : undefined;
  }

  /** Records what a full read found. */
  store(directory: string, allocations: Allocation[]): void {
    this.directories.set(directory, { names: namesOf(allocations), allocations: [...allocations] });
  }

  /** Adds an allocation just written (no-op when the directory is not remembered). */
  added(directory: string, allocation: Allocation): void {
    const remembered = this.directories.get(directory);
    if (!remembered) return;
    remembered.allocations.push(allocation);
    remembered.names = namesOf(remembered.allocations);
  }

  /** Removes an allocation file just deleted. */
  removed(directory: string, file: string): void {
    const remembered = this.directories.get(directory);
    if (!remembered) return;
    remembered.allocations = remembered.allocations.filter((a) => a.file !== file);
    remembered.names = namesOf(remembered.allocations);
  }

  forget(directory: string): void {
    this.directories.delete(directory);
  }

  clear(): void {
    this.directories.clear();
  }
}
