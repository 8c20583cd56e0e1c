// A netlink socket that only listens: bound to multicast groups, read without
// blocking when libuv says it is readable. One fd per subscription and no
// thread: the kernel queues notifications on the socket, the event loop
// drains them.
import { u16le, u32le } from '../netlink/byte-reads.js';
import { MalformedMessageError, parseMessages, type Message } from '../netlink/message.js';
import { NLMSG_HDRLEN } from '../netlink/writer.js';
import type { NetnsHandle, NetnsRef } from '../netns/reference.js';
import { withNetns } from '../netns/switch.js';
import { keepLatestShape } from '../route/shape-keeper.js';
import { MSG_DONTWAIT, MSG_TRUNC, SO_RCVBUF, SO_RCVBUFFORCE, SOL_NETLINK } from '../sys/constants.js';
import { SyscallError } from '../sys/errors.js';
import * as libc from '../sys/libc.js';

const NETLINK_ADD_MEMBERSHIP = 1;
const NETLINK_LISTEN_ALL_NSID = 8;

/**
 * Where a drain hands what it reads, in the order the kernel queued it. A
 * notification is valid only during the call: its `buf` may be the shared
 * receive buffer and `message` itself a reused object (see `inPlace`).
 */
export interface NotificationSink {
  /** One notification; `nsid` is the source namespace's id with NETLINK_LISTEN_ALL_NSID (undefined: the socket's own namespace). */
  notification(message: Message, nsid: number | undefined): void;
  /** The kernel reported ENOBUFS here: notifications were dropped before the next one. */
  overrun(): void;
  /** A datagram that did not decode as netlink messages. */
  malformed(error: MalformedMessageError): void;
}

export interface SubscriptionOptions {
  protocol: number;
  groups: readonly number[];
  netns?: NetnsRef | NetnsHandle;
  receiveBufferSize: number;
  listenAllNsid: boolean;
  /**
   * Hand notifications over in place: `message` is one reused object over
   * the receive buffer, so nothing is allocated or copied before decoding.
   * Only for decoders that keep no view of their input (the rtnetlink ones:
   * dumps decode from the connection's reused receive buffer the same way).
   * Otherwise each datagram is copied and parsed into fresh messages first.
   */
  inPlace: boolean;
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
/**
 * The message a drain in place hands over, rewritten for each notification
 * (same fields in the same order as parseMessages' messages, so decoders see
 * one hidden class). Alive for good, so is its class.
 */
const scratch: Message = { type: 0, flags: 0, seq: 0, pid: 0, buf: receiveBuffer, offset: 0, end: 0 };

export class Subscription {
  readonly fd: number;
  private readonly listenAllNsid: boolean;
  private readonly inPlace: boolean;
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
    this.inPlace = options.inPlace;
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

  /** Reads what is queued, up to `limit` datagrams, without blocking; returns how many it read. */
  drain(limit: number, sink: NotificationSink): number {
    return this.listenAllNsid ? this.drainWithNsid(limit, sink) : this.drainBatched(limit, sink);
  }

  /** One recvmsg per datagram: the source nsid comes in its control message, which recvmmsg's batch does not read. */
  private drainWithNsid(limit: number, sink: NotificationSink): number {
    let read = 0;
    while (read < limit && this.open) {
      let length: number;
      let nsid: number | undefined;
      try {
        const datagram = libc.recvWithNsid(this.fd, receiveBuffer, MSG_DONTWAIT | MSG_TRUNC);
        length = datagram.length;
        nsid = datagram.nsid;
      } catch (error) {
        if (!isOverrun(error)) throw error;
        sink.overrun();
        continue;
      }
      if (length < 0) break;
      read++;
      if (length > receiveBuffer.length) {
        sink.malformed(new MalformedMessageError(`a ${length}-byte notification did not fit the ${receiveBuffer.length}-byte receive buffer`, { offset: 0 }));
        continue;
      }
      this.hand(receiveBuffer, 0, length, nsid === undefined || nsid < 0 ? undefined : nsid, sink);
    }
    return read;
  }

  /** Up to 64 datagrams per recvmmsg, each handed over before the next call overwrites its slot. */
  private drainBatched(limit: number, sink: NotificationSink): number {
    batch ??= libc.datagramBatch(64, BATCH_SLOT);
    let read = 0;
    while (read < limit && this.open) {
      let lengths: number[];
      try {
        lengths = libc.recvBatch(this.fd, batch);
      } catch (error) {
        if (!isOverrun(error)) throw error;
        sink.overrun();
        continue;
      }
      read += lengths.length;
      for (let slot = 0; slot < lengths.length; slot++) {
        const length = lengths[slot]!;
        if (length < 0) sink.malformed(new MalformedMessageError(`a notification did not fit the ${BATCH_SLOT}-byte receive slot`, { offset: 0 }));
        else this.hand(batch.buffer, slot * BATCH_SLOT, length, undefined, sink);
      }
      if (lengths.length < batch.slots) break;
    }
    return read;
  }

  /** Hands the messages of the datagram at `buf[start, start + length)` to `sink`: in place, or from a copy. */
  private hand(buf: Buffer, start: number, length: number, nsid: number | undefined, sink: NotificationSink): void {
    if (!this.inPlace) {
      // Decoded objects may keep views of their bytes: give them their own copy.
      let messages: Message[];
      try {
        messages = parseMessages(Buffer.from(buf.subarray(start, start + length)), length);
      } catch (error) {
        if (!(error instanceof MalformedMessageError)) throw error;
        sink.malformed(error);
        return;
      }
      for (const message of messages) sink.notification(message, nsid);
      return;
    }
    const end = start + length;
    for (let at = start; at < end;) {
      if (at + NLMSG_HDRLEN > end) {
        sink.malformed(new MalformedMessageError(`${end - at} bytes at offset ${at - start} of a notification, too few for a ${NLMSG_HDRLEN}-byte nlmsghdr`, {
          family: 'netlink', attribute: 'nlmsghdr', offset: at - start,
        }));
        return;
      }
      const size = u32le(buf, at);
      if (size < NLMSG_HDRLEN || at + size > end) {
        sink.malformed(new MalformedMessageError(`a notification's netlink message at offset ${at - start} claims ${size} bytes, the datagram has ${end - at} left`, {
          family: 'netlink', messageType: u16le(buf, at + 4), attribute: 'nlmsghdr', offset: at - start,
        }));
        return;
      }
      scratch.type = u16le(buf, at + 4);
      scratch.flags = u16le(buf, at + 6);
      scratch.seq = u32le(buf, at + 8);
      scratch.pid = u32le(buf, at + 12);
      scratch.buf = buf;
      scratch.offset = at + NLMSG_HDRLEN;
      scratch.end = at + size;
      sink.notification(scratch, nsid);
      // The last message's padding may be left out of the datagram.
      at += (size + 3) & ~3;
    }
  }

  /** Stops watching, then closes the fd (in that order: libuv must never watch a closed fd number). */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.unwatch();
    // The fd is gone either way.
    libc.closeQuietly(this.fd);
    // Holds nothing but numbers now; alive, it keeps the class (and the code
    // optimized for it) of the next subscription across a full collection.
    keepLatestShape('subscription', this);
  }
}

function isOverrun(error: unknown): boolean {
  return error instanceof SyscallError && error.code === 'ENOBUFS';
}
