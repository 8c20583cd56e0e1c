// A netlink socket that only listens: bound to multicast groups, read without
// blocking when libuv says it is readable. One fd per subscription and no
// thread: the kernel queues notifications on the socket, the event loop
// drains them.
import { MalformedMessageError, parseMessages, type Message } from '../netlink/message.js';
import type { NetnsHandle, NetnsRef } from '../netns/reference.js';
import { withNetns } from '../netns/switch.js';
import { keepLatestShape, keepShapeAlive } from '../route/shape-keeper.js';
import { MSG_DONTWAIT, MSG_TRUNC, SO_RCVBUF, SO_RCVBUFFORCE, SOL_NETLINK } from '../sys/constants.js';
import { SyscallError } from '../sys/errors.js';
import * as libc from '../sys/libc.js';

const NETLINK_ADD_MEMBERSHIP = 1;
const NETLINK_LISTEN_ALL_NSID = 8;

/** One notification and where it came from. */
export interface Notification {
  message: Message;
  /** Source namespace id with NETLINK_LISTEN_ALL_NSID (absent: the socket's own namespace). */
  nsid?: number;
}

/** What one drain of the socket found. */
export interface DrainResult {
  notifications: Notification[];
  /** The kernel reported ENOBUFS: notifications were dropped before these. */
  overrun: boolean;
  /** Datagrams that did not decode as netlink messages. */
  malformed: MalformedMessageError[];
}

export interface SubscriptionOptions {
  protocol: number;
  groups: readonly number[];
  netns?: NetnsRef | NetnsHandle;
  receiveBufferSize: number;
  listenAllNsid: boolean;
}

// Every read is synchronous on the main thread, and each datagram is copied
// out before the next read, so one set of buffers serves every subscription.
const receiveBuffer = Buffer.alloc(1 << 20);
/**
 * Notifications are read up to 64 per system call (recvmmsg): the kernel
 * queues each as its own datagram, and one syscall each was the monitor's
 * main cost. A slot of 64 KiB holds any rtnetlink or nf_tables notification
 * seen in practice; a longer one is reported as malformed, not misread.
 */
const BATCH_SLOT = 64 << 10;
let batch: libc.DatagramBatch | undefined;
// A full garbage collection between two bursts of notifications would drop
// the hidden classes of drain results, notifications and messages (nothing
// holds one between bursts), and with them the optimized receive path: one
// of each stays alive (see route/shape-keeper.ts).
keepShapeAlive({ notifications: [], overrun: false, malformed: [] } satisfies DrainResult);

export class Subscription {
  readonly fd: number;
  private readonly listenAllNsid: boolean;
  private readiness: libc.ReadableWatch | undefined;
  private open = true;

  constructor(options: SubscriptionOptions) {
    const create = (): number => libc.netlinkSocket(options.protocol);
    const fd = options.netns === undefined ? create() : withNetns(options.netns, create);
    try {
      libc.bindNetlink(fd, 0);
      for (const group of options.groups) libc.setIntOption(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group);
      libc.setBufferSize(fd, SO_RCVBUFFORCE, SO_RCVBUF, options.receiveBufferSize);
      if (options.listenAllNsid) libc.setIntOption(fd, SOL_NETLINK, NETLINK_LISTEN_ALL_NSID, 1);
    } catch (error) {
      libc.close(fd);
      throw error;
    }
    this.fd = fd;
    this.listenAllNsid = options.listenAllNsid;
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** Calls `onReadable` on the event loop whenever notifications are queued, until `unwatch` or `close`. */
  watch(onReadable: () => void): void {
    if (!this.open || this.readiness) return;
    this.readiness = libc.watchReadableRepeatedly(this.fd, onReadable);
  }

  unwatch(): void {
    this.readiness?.close();
    this.readiness = undefined;
  }

  get watching(): boolean {
    return this.readiness !== undefined;
  }

  /** Blocks up to `timeoutMs` (negative: forever) for a notification; true when one is queued. */
  waitReadable(timeoutMs: number): boolean {
    return this.open && libc.pollReadable(this.fd, timeoutMs);
  }

  /** Reads what is queued, up to `limit` datagrams, without blocking. */
  drain(limit: number): DrainResult {
    return this.listenAllNsid ? this.drainWithNsid(limit) : this.drainBatched(limit);
  }

  /** One recvmsg per datagram: the source nsid comes in its control message, which recvmmsg's batch does not read. */
  private drainWithNsid(limit: number): DrainResult {
    const result: DrainResult = { notifications: [], overrun: false, malformed: [] };
    for (let i = 0; i < limit && this.open; i++) {
      let length: number;
      let nsid: number | undefined;
      try {
        const datagram = libc.recvWithNsid(this.fd, receiveBuffer, MSG_DONTWAIT | MSG_TRUNC);
        length = datagram.length;
        nsid = datagram.nsid;
      } catch (error) {
        if (error instanceof SyscallError && error.code === 'ENOBUFS') {
          result.overrun = true;
          continue;
        }
        throw error;
      }
      if (length < 0) break;
      if (length > receiveBuffer.length) {
        result.malformed.push(new MalformedMessageError(`a ${length}-byte notification did not fit the ${receiveBuffer.length}-byte receive buffer`, { offset: 0 }));
        continue;
      }
      // Decoded objects may keep views of their bytes: give them their own copy.
      this.collect(Buffer.from(receiveBuffer.subarray(0, length)), length, nsid, result);
    }
    return result;
  }

  private drainBatched(limit: number): DrainResult {
    const result: DrainResult = { notifications: [], overrun: false, malformed: [] };
    batch ??= libc.datagramBatch(64, BATCH_SLOT);
    for (let read = 0; read < limit && this.open;) {
      let lengths: number[];
      try {
        lengths = libc.recvBatch(this.fd, batch);
      } catch (error) {
        if (error instanceof SyscallError && error.code === 'ENOBUFS') {
          result.overrun = true;
          continue;
        }
        throw error;
      }
      if (lengths.length === 0) break;
      read += lengths.length;
      for (let slot = 0; slot < lengths.length; slot++) {
        const length = lengths[slot]!;
        if (length < 0) {
          result.malformed.push(new MalformedMessageError(`a notification did not fit the ${BATCH_SLOT}-byte receive slot`, { offset: 0 }));
          continue;
        }
        this.collect(Buffer.from(batch.buffer.subarray(slot * BATCH_SLOT, slot * BATCH_SLOT + length)), length, undefined, result);
      }
      if (lengths.length < batch.slots) break;
    }
    const latest = result.notifications[result.notifications.length - 1];
    if (latest !== undefined) keepLatestShape('notification', latest);
    return result;
  }

  /** Parses one datagram's messages into `result`. */
  private collect(copy: Buffer, length: number, nsid: number | undefined, result: DrainResult): void {
    let messages: Message[];
    try {
      messages = parseMessages(copy, length);
    } catch (error) {
      if (error instanceof MalformedMessageError) {
        result.malformed.push(error);
        return;
      }
      throw error;
    }
    for (const message of messages) result.notifications.push(nsid === undefined || nsid < 0 ? { message } : { message, nsid });
  }

  /** Stops watching, then closes the fd (in that order: libuv must never watch a closed fd number). */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.unwatch();
    try {
      libc.close(this.fd);
    } catch {
      // The fd is gone either way.
    }
    // Holds nothing but numbers now; alive, it keeps the class (and the code
    // optimized for it) of the next subscription across a full collection.
    keepLatestShape('subscription', this);
  }
}
