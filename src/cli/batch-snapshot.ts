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
/** sizeof(struct nlmsghdr): what separates one payload from the next in a dump part. */
const NLMSG_HDRLEN = 16;

/**
 * The payloads of one dump, copied into large blocks: taking a snapshot
 * costs no object per entry, since it is only read back when a packed
 * delete fails (rarely). The entries of a dump part follow one another, so
 * a stretch of them is copied in one go, headers included, and only the
 * stretches are recorded: copying and recording entry by entry cost most
 * of a snapshot's time. The stretch still to copy is read from its part
 * after the callback that showed it returned, which holds as a dump's
 * parts are the socket's own copies, never written again (socket.ts,
 * receive()).
 */
class Payloads {
  private readonly blocks: Buffer[] = [];
  private block = Buffer.allocUnsafe(0);
  private used = 0;
  /** Per stretch: its block, and its start and end in the block (whole netlink messages). */
  private readonly stretches: number[] = [];
  /** The stretch of a dump part not copied yet: from its first message's header to its last's end. */
  private source: Buffer | undefined;
  private from = 0;
  private to = 0;

  /** Takes in one entry: the payload at [start, end) of `buf`, after its nlmsghdr. */
  add(buf: Buffer, start: number, end: number): void {
    const header = start - NLMSG_HDRLEN;
    if (buf === this.source && header === ((this.to + 3) & ~3) && end - this.from <= BLOCK) {
      this.to = end;
      return;
    }
    this.flush();
    this.source = buf;
    this.from = header;
    this.to = end;
  }

  /** Copies what is left of the last stretch; call once the dump returned, before reading entries. */
  flush(): void {
    const source = this.source;
    if (!source) return;
    const length = this.to - this.from;
    if (this.used + length > this.block.length) {
      this.block = Buffer.allocUnsafe(Math.max(BLOCK, length));
      this.blocks.push(this.block);
      this.used = 0;
    }
    source.copy(this.block, this.used, this.from, this.to);
    this.stretches.push(this.blocks.length - 1, this.used, this.used + length);
    this.used = (this.used + length + 3) & ~3;
    this.source = undefined;
  }

  /** The payloads, in dump order (views into the blocks). */
  *entries(): Generator<Buffer> {
    for (let i = 0; i < this.stretches.length; i += 3) {
      const block = this.blocks[this.stretches[i]!]!;
      const end = this.stretches[i + 2]!;
      for (let at = this.stretches[i + 1]!; at < end;) {
        const length = block.readUInt32LE(at);
        yield block.subarray(at + NLMSG_HDRLEN, at + length);
        at += (length + 3) & ~3;
      }
    }
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
  payloads.flush();
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
    const now = new Set<string>();
    for (const entry of dump(this.socket, this.object).entries()) now.add(key(entry));
    const requests: Request[] = [];
    for (const entry of this.before.entries()) {
      if (now.has(key(entry))) continue;
      const payload = Buffer.from(entry);
      if (this.object === 'route') payload.writeUInt32LE(payload.readUInt32LE(8) & RTM_FLAGS_SETTABLE, 8);
      requests.push({ type: shape.add, flags: NLM_F_CREATE | NLM_F_EXCL, encode: (w) => void w.raw(payload) });
    }
    if (requests.length) this.socket.executeMany(requests, { operation: `restore ${this.object}s after a failed packed delete`, headerLength: shape.header });
  }
}
