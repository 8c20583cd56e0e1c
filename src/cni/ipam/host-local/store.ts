// host-local's on-disk state, byte for byte (containernetworking/plugins 1.1.1):
//   <dataDir>/<network>/              directory, 0755
//   <dataDir>/<network>/lock          empty, 0750, flock(2)ed around every operation
//   <dataDir>/<network>/<ip>          one per allocated address, 0644: containerID "\r\n" ifname
//   <dataDir>/<network>/last_reserved_ip.<set index>   the set's last address handed out, 0644
// Files written by host-local before 0.7 hold the container ID alone; they still
// count as that container's allocations. Only files named by an address are read
// as allocations (host-local also reads the others, which can match by accident).
import { closeSync, constants as fs, fstatSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { withFileLock } from '../../../index.js';
import { storeError } from './errors.js';
import type { HostLocalMemory } from './memory.js';
import { formatAddress, parseIp, type Ip } from './ip.js';

const LINE_BREAK = '\r\n';
const LAST_RESERVED_PREFIX = 'last_reserved_ip.';

/** An address file: the address, and who holds it. */
export interface Allocation {
  ip: Ip;
  /** The file's name (the address as host-local prints it). */
  file: string;
  containerId: string;
  /** Absent in the pre-0.7 format, which recorded the container only. */
  ifname?: string;
}

function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Writes `text` as the whole content of `file` (created 0644 when missing),
 * as host-local's os.WriteFile leaves it, but over the old bytes rather than
 * after an O_TRUNC: on ext4 truncating a file that holds data makes its close
 * start writeback (auto_da_alloc), and the next truncate, one ADD later, waits
 * for that I/O and a journal handle: 2-3 ms of wall time and 0.1 ms of CPU
 * per ADD here, against 0.02 ms for the overwrite. Only a shorter address
 * (10.88.0.9 after 10.88.0.10) needs the tail cut. A crash between the write
 * and the cut leaves another address, as a crash after host-local's truncate
 * leaves none: either way only where the round-robin resumes, since every
 * candidate is still taken by creating its file exclusively.
 */
function overwrite(file: string, text: string): void {
  const fd = openSync(file, fs.O_WRONLY | fs.O_CREAT, 0o644);
  try {
    const written = writeSync(fd, text, 0, 'latin1');
    if (written !== text.length) throw new Error(`short write: ${written} of ${text.length} bytes`);
    if (fstatSync(fd).size > written) ftruncateSync(fd, written);
  } finally {
    closeSync(fd);
  }
}

/** One network's directory of reservations. Reads and writes only while `locked` runs. */
export class DiskStore {
  /** `<dataDir>/<network>`. */
  readonly directory: string;

  /** `memory`: the agent's remembered allocations (memory.ts); none reads every file each time. */
  constructor(dataDir: string, networkName: string, private readonly memory?: HostLocalMemory) {
    this.directory = join(dataDir, networkName);
  }

  /**
   * Creates the directory if needed and runs `body` under the directory's
   * flock, the same lock host-local takes, so the two can run side by side.
   * `body` is synchronous: the lock is held for as short a time as possible.
   */
  async locked<T>(body: () => T): Promise<T> {
    try {
      mkdirSync(this.directory, { recursive: true, mode: 0o755 });
    } catch (error) {
      throw storeError(`cannot create the IPAM data directory ${this.directory}`, error);
    }
    try {
      // go-filemutex creates the lock file with 0750; the same bits keep the directories identical.
      return await withFileLock(join(this.directory, 'lock'), body, { createMode: 0o750 });
    } catch (error) {
      if (error instanceof Error && error.name === 'SyscallError') throw storeError(`cannot lock the IPAM data directory ${this.directory}`, error);
      throw error;
    }
  }

  private path(name: string): string {
    return join(this.directory, name);
  }

  /** Records `ip` for the container unless some file already holds it; false when taken. */
  reserve(ip: Ip, containerId: string, ifname: string, rangeSetIndex: number): boolean {
    const file = this.path(formatAddress(ip));
    let fd: number;
    try {
      fd = openSync(file, fs.O_RDWR | fs.O_EXCL | fs.O_CREAT, 0o644);
    } catch (error) {
      if (errnoCode(error) === 'EEXIST') return false;
      throw storeError(`cannot create ${file}`, error);
    }
    try {
      writeSync(fd, `${containerId}${LINE_BREAK}${ifname}`);
      closeSync(fd);
    } catch (error) {
      try {
        unlinkSync(file);
      } catch {
        // The write error is the one worth reporting.
      }
      throw storeError(`cannot write ${file}`, error);
    }
    this.memory?.added(this.directory, { ip, file: formatAddress(ip), containerId, ifname });
    const last = this.path(`${LAST_RESERVED_PREFIX}${rangeSetIndex}`);
    try {
      overwrite(last, formatAddress(ip));
    } catch (error) {
      throw storeError(`cannot write ${last}`, error);
    }
    return true;
  }

  /**
   * The address the set handed out last, where round-robin resumes; undefined
   * when there is none or it cannot be read (host-local then starts over too).
   */
  lastReserved(rangeSetIndex: number): Ip | undefined {
    try {
      // Read as host-local reads it: no trimming, so a stray newline restarts the round.
      return parseIp(readFileSync(this.path(`${LAST_RESERVED_PREFIX}${rangeSetIndex}`), 'latin1'));
    } catch {
      return undefined;
    }
  }

  /** Every address file in the directory, with its holder. */
  allocations(): Allocation[] {
    if (this.memory) {
      let names: string[];
      try {
        names = readdirSync(this.directory);
      } catch (error) {
        throw storeError(`cannot read the IPAM data directory ${this.directory}`, error);
      }
      const remembered = this.memory.lookup(this.directory, names);
      if (remembered) return remembered;
      const read = this.readAll();
      this.memory.store(this.directory, read);
      return read;
    }
    return this.readAll();
  }

  private readAll(): Allocation[] {
    let entries;
    try {
      entries = readdirSync(this.directory, { withFileTypes: true });
    } catch (error) {
      throw storeError(`cannot read the IPAM data directory ${this.directory}`, error);
    }
    const out: Allocation[] = [];
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (!entry.isFile()) continue;
      const ip = parseIp(entry.name);
      if (!ip) continue;
      let content: string;
      try {
        content = readFileSync(this.path(entry.name), 'utf8').trim();
      } catch {
        // Released between the listing and the read: host-local skips it too.
        continue;
      }
      const split = content.indexOf(LINE_BREAK);
      out.push(split < 0
        ? { ip, file: entry.name, containerId: content }
        : { ip, file: entry.name, containerId: content.slice(0, split), ifname: content.slice(split + LINE_BREAK.length) });
    }
    return out;
  }

  /** The addresses held by the attachment, matched the way host-local matches them. */
  allocationsOf(containerId: string, ifname: string): Allocation[] {
    let all = this.allocations();
    // Remembered holders are confirmed from their files: a file released and
    // handed to someone else meanwhile is not taken for this attachment's.
    if (this.memory && all.some((a) => a.containerId === containerId && !this.holds(a))) {
      all = this.readAll();
      this.memory.store(this.directory, all);
    }
    const current = all.filter((a) => a.containerId === containerId && a.ifname === ifname);
    // Files from before 0.7 name only the container; host-local falls back to them.
    return current.length > 0 ? current : all.filter((a) => a.containerId === containerId && a.ifname === undefined);
  }

  /** Whether the file still holds what `allocation` says. */
  private holds(allocation: Allocation): boolean {
    try {
      const content = readFileSync(this.path(allocation.file), 'utf8').trim();
      return content === (allocation.ifname === undefined ? allocation.containerId : `${allocation.containerId}${LINE_BREAK}${allocation.ifname}`);
    } catch {
      return false;
    }
  }

  /** Deletes an address file; gone already is fine. */
  release(allocation: Pick<Allocation, 'file'>): void {
    try {
      unlinkSync(this.path(allocation.file));
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw storeError(`cannot delete ${this.path(allocation.file)}`, error);
    }
    this.memory?.removed(this.directory, allocation.file);
  }
}
