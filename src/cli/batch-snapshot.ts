// Undoing a packed run of deletes. ip -batch stops at the first line that
// fails, but the kernel runs every request of a packed send, so the deletes
// packed after a failing one are applied as well. Before such a run nlkit
// keeps the raw dump of what the lines may delete (every route, or every
// address); after a failure it sends back whatever vanished, as `ip route
// restore` / `ip addr restore` send back a saved dump, and the caller runs
// the lines again one by one from the state ip would have started them in.
import { NLM_F_CREATE, NLM_F_EXCL, type NetlinkSocket, type Request } from '../netlink/index.js';

// uapi numbers from linux/rtnetlink.h and if_addr.h (the CLI reaches the
// library through its barrels only, and these are not part of them).
const RTM_NEWADDR = 20;
const RTM_GETADDR = 22;
const RTM_NEWROUTE = 24;
const RTM_GETROUTE = 26;
const RTMSG_LEN = 12;
const IFADDRMSG_LEN = 8;
const RTA_CACHEINFO = 12;
const IFA_CACHEINFO = 6;
/** rtmsg.rtm_flags bits a request may carry (RTNH_F_ONLINK); the others are the kernel's view (linkdown, offload…) and are refused. */
const RTM_FLAGS_SETTABLE = 0x4;

/** What a snapshot covers: the objects `route del` or `address del` lines can remove. */
export type SnapshotObject = 'route' | 'address';

interface Shape {
  get: number;
  add: number;
  header: number;
  /** The attribute whose value changes by itself (ages, timestamps): left out when comparing. */
  volatile: number;
}

const SHAPES: Record<SnapshotObject, Shape> = {
  route: { get: RTM_GETROUTE, add: RTM_NEWROUTE, header: RTMSG_LEN, volatile: RTA_CACHEINFO },
  address: { get: RTM_GETADDR, add: RTM_NEWADDR, header: IFADDRMSG_LEN, volatile: IFA_CACHEINFO },
};

/** Bytes of a block that dump payloads are copied into. */
const BLOCK = 1 << 20;

/**
 * The payloads of one dump, copied into large blocks: taking a snapshot
 * costs a copy per entry and no object, since it is only read back when a
 * packed delete fails (rarely), and then compared entry by entry.
 */
class Payloads {
  private readonly blocks: Buffer[] = [];
  private block = Buffer.allocUnsafe(0);
  private used = 0;
  /** Per entry: its block, and its start and end in the block. */
  private readonly where: number[] = [];

  add(buf: Buffer, start: number, end: number): void {
    const length = end - start;
    if (this.used + length > this.block.length) {
      this.block = Buffer.allocUnsafe(Math.max(BLOCK, length));
      this.blocks.push(this.block);
      this.used = 0;
    }
    buf.copy(this.block, this.used, start, end);
    this.where.push(this.blocks.length - 1, this.used, this.used + length);
    this.used += length;
  }

  get length(): number {
    return this.where.length / 3;
  }

  /** Entry `n`'s payload (a view into its block). */
  payload(n: number): Buffer {
    return this.blocks[this.where[3 * n]!]!.subarray(this.where[3 * n + 1], this.where[3 * n + 2]);
  }
}

/** An entry's identity: its payload as a latin1 string, without the attribute of type `drop` (ages, timestamps). */
function keyOf(buf: Buffer, header: number, drop: number): string {
  const end = buf.length;
  for (let at = header; at + 4 <= end;) {
    const length = buf.readUInt16LE(at);
    if (length < 4) break;
    const next = at + ((length + 3) & ~3);
    if ((buf.readUInt16LE(at + 2) & 0x3fff) === drop) {
      return buf.toString('latin1', 0, at) + buf.toString('latin1', Math.min(next, end), end);
    }
    at = next;
  }
  return buf.toString('latin1');
}

function dump(socket: NetlinkSocket, object: SnapshotObject): Payloads {
  const shape = SHAPES[object];
  const request: Request = { type: shape.get, encode: (w) => void w.raw(new Uint8Array(shape.header)) };
  const payloads = new Payloads();
  socket.dump(request, { operation: `save ${object}s before a packed delete`, headerLength: shape.header }, (m) => payloads.add(m.buf, m.offset, m.end));
  return payloads;
}

/** The routes or addresses of one namespace before a packed delete run, to put back what the run should not have removed. */
export class DeleteSnapshot {
  private constructor(
    private readonly socket: NetlinkSocket,
    private readonly object: SnapshotObject,
    private readonly before: Payloads,
  ) {}

  static take(socket: NetlinkSocket, object: SnapshotObject): DeleteSnapshot {
    return new DeleteSnapshot(socket, object, dump(socket, object));
  }

  /** Adds back every object of the snapshot that is gone now, in dump order (IPv4 primaries before their secondaries). */
  restore(): void {
    const shape = SHAPES[this.object];
    const key = (p: Buffer) => keyOf(p, shape.header, shape.volatile);
    const after = dump(this.socket, this.object);
    const now = new Set<string>();
    for (let n = 0; n < after.length; n++) now.add(key(after.payload(n)));
    const requests: Request[] = [];
    for (let n = 0; n < this.before.length; n++) {
      const entry = this.before.payload(n);
      if (now.has(key(entry))) continue;
      const payload = Buffer.from(entry);
      if (this.object === 'route') payload.writeUInt32LE(payload.readUInt32LE(8) & RTM_FLAGS_SETTABLE, 8);
      requests.push({ type: shape.add, flags: NLM_F_CREATE | NLM_F_EXCL, encode: (w) => void w.raw(payload) });
    }
    if (requests.length) this.socket.executeMany(requests, { operation: `restore ${this.object}s after a failed packed delete`, headerLength: shape.header });
  }
}
