import * as libc from '../sys/libc.js';
import { MSG_DONTWAIT, MSG_TRUNC, SO_RCVBUF, SO_RCVBUFFORCE, SO_SNDBUF, SO_SNDBUFFORCE, SOL_NETLINK } from '../sys/constants.js';
import { SyscallError } from '../sys/errors.js';
import { describeMessage, log } from './debug.js';
import { dumpRetryDelayMs, markInconsistentDump, sleepAsync, sleepSync } from './dump-retry.js';
import { errorCode, NetlinkBatchError, NetlinkError, parseExtendedAck, type Operation } from './errors.js';
import { NLMSG_HDRLEN } from './writer.js';
import {
  NLM_F_ACK, NLM_F_DUMP, NLM_F_DUMP_INTR, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP, NLMSG_OVERRUN,
  doneErrorCode, MalformedMessageError, parseMessages, type Message,
} from './message.js';
import {
  DumpInterruptedError, ReceiveOverrunError, ReplyTimeoutError, ReplyTooLargeError, SocketBusyError, SocketClosedError,
} from './socket-errors.js';
import { resolveSocketOptions, type ResolvedSocketOptions, type SocketOptions } from './socket-options.js';
import { MessageWriter } from './writer.js';

import { NETLINK_CAP_ACK, NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK } from '../generated/netlink.js';
import { ENOBUFS } from '../generated/errno.js';

export type { SocketOptions } from './socket-options.js';

/** One request: its message type, extra flags, and how to write its payload. */
export interface Request {
  /** nlmsg_type of the request, e.g. RTM_NEWLINK or NFT_MSG_GETTABLE. */
  type: number;
  /** Flags besides NLM_F_REQUEST and NLM_F_ACK (e.g. NLM_F_CREATE | NLM_F_EXCL). */
  flags?: number;
  /** Writes the family header and attributes; the nlmsghdr is already written. */
  encode(writer: MessageWriter): void;
}

/**
 * The system calls the socket uses. Tests replace members to feed crafted
 * replies (interrupted dumps, overruns, oversized datagrams) that the kernel
 * will not produce on demand. Not part of the public API.
 *
 * @internal
 */
export const socketTransport = {
  /** send(2) of a request from the main thread; returns the byte count sent. */
  send: libc.send,
  /** send(2) on a worker thread, so the event loop runs while the kernel works inside the call. */
  sendAsync: libc.sendAsync,
  /** recv(2); -1 when MSG_DONTWAIT is set and nothing is queued. */
  recv: libc.recv,
  /** poll(2) until the fd is readable or the timeout (ms, negative: none) passes; false on timeout. */
  pollReadable: libc.pollReadable,
  /** Calls back once on the event loop when the fd becomes readable; the returned watch must be closed before the fd is. */
  watchReadable: libc.watchReadable,
};

// Sync calls never interleave on the main thread, and async ones read only in
// synchronous stretches between awaits, so one receive buffer and one send
// writer serve every socket; replies are decoded before the next receive.
let receiveBuffer = Buffer.alloc(1 << 18);
const sharedWriter = new MessageWriter(1 << 16);
/** recv result for an overrun (ENOBUFS), besides lengths and -1 (nothing queued). */
const OVERRUN = -2;
/** recv result for a dump part larger than the receive buffer: the part is lost. */
const TRUNCATED = -3;
/** Datagrams discarded at most when draining stale replies before a request. */
const DRAIN_LIMIT = 1 << 16;
/** Overruns in a row after which an exchange stops reading. */
const MAX_OVERRUNS = 64;

/** Options for `executeMany` and `executeManyAsync`. */
export interface ManyOptions {
  /** Ask the kernel to acknowledge every request, not only the last of each send. */
  ackEach?: boolean;
}

type BatchFailure = { index: number; error: NetlinkError };
/** What the sends of a packed batch reported: failures, and after an overrun the requests nobody can vouch for. */
type BatchOutcome = { failures: BatchFailure[]; unknown: number[] };

/** A single request's failure is thrown as itself; several as one NetlinkBatchError. */
function throwFailures(failures: BatchFailure[], total: number): void {
  if (failures.length === 1 && total === 1) throw failures[0]!.error;
  if (failures.length) throw new NetlinkBatchError(failures, total);
}

/**
 * Decodes one reply. The message is a view reused for every reply: read what
 * you need inside the call, do not keep the object.
 */
export type Decoder<T> = (message: Message) => T;

/**
 * Points the reused Message view at the message of `len` bytes at `at` (its
 * header already checked). The fields are read inline, not through
 * byte-reads: this runs twice per dumped object (absorb, decodeParts), and
 * a process's first dump runs it interpreted, where every call is paid.
 */
function viewMessage(m: Message, buf: Buffer, at: number, len: number): void {
  m.type = buf[at + 4]! | (buf[at + 5]! << 8);
  m.flags = buf[at + 6]! | (buf[at + 7]! << 8);
  m.seq = (buf[at + 8]! | (buf[at + 9]! << 8) | (buf[at + 10]! << 16) | (buf[at + 11]! << 24)) >>> 0;
  m.pid = (buf[at + 12]! | (buf[at + 13]! << 8) | (buf[at + 14]! << 16) | (buf[at + 15]! << 24)) >>> 0;
  m.offset = at + NLMSG_HDRLEN;
  m.end = at + len;
}

const scratchMessage: Message = { type: 0, flags: 0, seq: 0, pid: 0, buf: receiveBuffer, offset: 0, end: 0 };

interface Exchange<T> {
  /** Whether DEBUG selects nlkit:netlink, read once per exchange (the getter costs more than the check). */
  logging: boolean;
  firstSeq: number;
  lastSeq: number;
  dump: boolean;
  decode: Decoder<T> | undefined;
  results: T[];
  failures: { seq: number; error: NetlinkError }[];
  interrupted: boolean;
  done: boolean;
  /** Replies were lost: the receive queue overflowed, or a dump part did not fit the buffer. */
  overrun: boolean;
  overruns: number;
  /** First decoder failure; the exchange still reads to its end so no reply is left queued. */
  decodeError: unknown;
  /** A dump's datagrams, decoded once the dump completed consistently. */
  parts: Buffer[] | undefined;
  partLengths: number[] | undefined;
  request: Buffer;
  /** Where each request starts in `request`; absent for a single request at 0. */
  offsets: number[] | undefined;
  /** The operation of every request, or of the request at an index. */
  op: Operation | ((index: number) => Operation);
}

function operationAt<T>(ex: Exchange<T>, index: number): Operation {
  return typeof ex.op === 'function' ? ex.op(index) : ex.op;
}

function operationOf(op: Operation | ((index: number) => Operation)): Operation {
  return typeof op === 'function' ? op(0) : op;
}

const NO_FAILURES: { seq: number; error: NetlinkError }[] = [];
const RECEIVE_OP: Operation = { operation: 'receive replies' };

/** An async exchange parked on the event loop until the socket is readable. */
interface Waiter {
  watch: libc.ReadableWatch;
  timer: ReturnType<typeof setTimeout> | undefined;
  reject(error: Error): void;
  op: Operation;
}

/**
 * A netlink socket with sequence numbers and port id, on which requests are
 * executed synchronously (hot paths) or as Promises (event loop stays free
 * while the kernel works inside send). NETLINK_EXT_ACK, NETLINK_CAP_ACK and
 * NETLINK_GET_STRICT_CHK are on.
 *
 * Lifecycle: `close()` may come at any time. Requests queued or in flight
 * then reject with SocketClosedError; the fd watcher stops before the fd is
 * closed, and an fd still used by a send on a worker thread is closed when
 * that send returns, so a reused fd number never reaches this socket's code.
 */
export class NetlinkSocket {
  /** The socket's file descriptor; do not close it yourself, use `close()`. */
  readonly fd: number;
  /** The netlink port id (nl_pid) the kernel assigned at bind; replies addressed to it are ours. */
  readonly portId: number;
  private seq: number;
  private closed = false;
  private fdClosed = false;
  private asyncInFlight = false;
  private sendsInFlight = 0;
  private waiter: Waiter | undefined;
  /** Replies of an exchange that did not finish may still be queued. */
  private needsDrain = false;
  /** Where the last received datagram is: the shared buffer, or a dump part's own copy. */
  private received: Buffer = receiveBuffer;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly options: ResolvedSocketOptions;

  private constructor(
    /** Netlink protocol the socket speaks: NETLINK_ROUTE (0), NETLINK_NETFILTER (12)... */
    readonly protocol: number,
    fd: number,
    portId: number,
    options: ResolvedSocketOptions,
  ) {
    this.fd = fd;
    this.portId = portId;
    this.seq = (Date.now() & 0x3fffffff) >>> 0;
    this.options = options;
  }

  /** Opens a socket in the calling thread's current network namespace. */
  static open(protocol: number, options: SocketOptions = {}): NetlinkSocket {
    return NetlinkSocket.openResolved(protocol, resolveSocketOptions(options, 'NetlinkSocket.open'), true);
  }

  /**
   * A socket for a few requests and their acks (a pod's one send): the
   * kernel's default buffers, which hold them, instead of sizing both, and
   * no strict checking (it sends no dump or get to be checked).
   * @internal
   */
  static openForFewReplies(protocol: number): NetlinkSocket {
    return NetlinkSocket.openResolved(protocol, resolveSocketOptions({ strictCheck: false }, 'NetlinkSocket.openForFewReplies'), false);
  }

  private static openResolved(protocol: number, resolved: ResolvedSocketOptions, sizeBuffers: boolean): NetlinkSocket {
    const fd = libc.netlinkSocket(protocol);
    try {
      libc.setIntOption(fd, SOL_NETLINK, NETLINK_CAP_ACK, 1);
      libc.setIntOption(fd, SOL_NETLINK, NETLINK_EXT_ACK, 1);
      if (resolved.strictCheck) libc.setIntOption(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1);
      if (sizeBuffers) {
        libc.setBufferSize(fd, SO_RCVBUFFORCE, SO_RCVBUF, resolved.receiveBufferSize);
        libc.setBufferSize(fd, SO_SNDBUFFORCE, SO_SNDBUF, resolved.sendBufferSize);
      }
      const portId = libc.bindNetlink(fd);
      return new NetlinkSocket(protocol, fd, portId, resolved);
    } catch (error) {
      libc.close(fd);
      throw error;
    }
  }

  /** True once `close()` was called; every request then rejects with SocketClosedError. */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Closes the socket. Never throws. Whatever is queued or in flight rejects
   * with SocketClosedError.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      // The watcher goes before the fd: libuv must not see this fd number again.
      waiter.watch.close();
      if (waiter.timer) clearTimeout(waiter.timer);
      waiter.reject(new SocketClosedError(waiter.op, true));
    }
    if (this.sendsInFlight === 0) this.closeFd();
  }

  private closeFd(): void {
    if (this.fdClosed) return;
    this.fdClosed = true;
    try {
      libc.close(this.fd);
    } catch (error) {
      // EBADF: somebody closed our fd behind our back; nothing is left to release.
      log('close fd %d: %s', this.fd, (error as Error).message);
    }
  }

  private nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0;
    if (this.seq === 0) this.seq = 1;
    return this.seq;
  }

  private assertOpen(op: Operation): void {
    if (this.closed) throw new SocketClosedError(op, false);
  }

  /**
   * A synchronous exchange would read replies meant for an async one that is
   * still waiting on this socket, so it is refused instead.
   */
  private assertNoAsyncInFlight(what: string): void {
    if (this.asyncInFlight) {
      throw new SocketBusyError(`${what}: an async exchange is still in flight on this netlink socket; await it first, or use another socket`);
    }
  }

  // ---- encoding ------------------------------------------------------------

  private encode<T>(
    writer: MessageWriter,
    requests: Request | readonly Request[],
    baseFlags: number,
    ackAll: boolean,
    decode: Decoder<T> | undefined,
    dump: boolean,
    op: Operation | ((index: number) => Operation),
  ): Exchange<T> {
    writer.reset();
    let firstSeq = 0;
    let lastSeq = 0;
    let offsets: number[] | undefined;
    if (!Array.isArray(requests)) {
      // One request (execute, dump): the hot path, with no per-call arrays.
      const request = requests as Request;
      firstSeq = lastSeq = this.nextSeq();
      const start = writer.beginMessage(request.type, NLM_F_REQUEST | NLM_F_ACK | baseFlags | (request.flags ?? 0), firstSeq);
      request.encode(writer);
      writer.endMessage(start);
    } else {
      offsets = [];
      for (let i = 0; i < requests.length; i++) {
        const request = requests[i]!;
        const seq = this.nextSeq();
        if (i === 0) firstSeq = seq;
        lastSeq = seq;
        // Failures are always reported; acks for successes are only needed on
        // the last request of a send, which keeps the receive queue short.
        const ack = ackAll || i === requests.length - 1 ? NLM_F_ACK : 0;
        const start = writer.beginMessage(request.type, NLM_F_REQUEST | ack | baseFlags | (request.flags ?? 0), seq);
        offsets.push(start);
        request.encode(writer);
        writer.endMessage(start);
      }
    }
    return {
      logging: log.enabled, firstSeq, lastSeq, dump, decode, results: [], failures: NO_FAILURES, interrupted: false, done: false, overrun: false, overruns: 0,
      decodeError: undefined, parts: dump ? [] : undefined, partLengths: dump ? [] : undefined, request: writer.buf, offsets, op,
    };
  }

  private fail<T>(ex: Exchange<T>, seq: number, error: NetlinkError): void {
    if (ex.failures === NO_FAILURES) ex.failures = [];
    ex.failures.push({ seq, error });
  }

  private indexOf(firstSeq: number, seq: number): number {
    return (seq - firstSeq) >>> 0;
  }

  private logSent(bytes: Buffer): void {
    try {
      for (const m of parseMessages(bytes, bytes.length)) log('→ %s', describeMessage(this.protocol, m));
    } catch (error) {
      log('→ (undescribable request: %s)', (error as Error).message);
    }
  }

  // ---- receiving -----------------------------------------------------------

  /**
   * Processes one received datagram; returns true when the exchange is
   * complete. Walks the messages in place and hands decoders one reused
   * Message view, because this loop runs once per reply on the hot path. A
   * dump's data messages are only decoded once the whole dump has arrived
   * (decodeParts), which keeps the time between its parts, during which a
   * table change makes the kernel flag it inconsistent, as short as possible.
   */
  private absorb<T>(ex: Exchange<T>, buf: Buffer, length: number): boolean {
    const logging = ex.logging;
    const m = scratchMessage;
    m.buf = buf;
    const lastIndex = (ex.lastSeq - ex.firstSeq) >>> 0;
    // A dump's data messages are kept for decodeParts, so here they only need
    // their checks: skipDumpData runs those and leaves everything else
    // (control messages, others' replies, a malformed header) to this loop.
    const skipData = ex.decode === undefined && !logging;
    for (let at = 0; at < length; ) {
      if (skipData) {
        at = this.skipDumpData(ex, buf, at, length, lastIndex);
        if (at >= length) break;
      }
      if (at + NLMSG_HDRLEN > length) {
        throw new MalformedMessageError(`${length - at} trailing bytes cannot hold a netlink header`, { family: 'netlink', offset: at });
      }
      const len = (buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16) | (buf[at + 3]! << 24)) >>> 0;
      if (len < NLMSG_HDRLEN || at + len > length) {
        throw new MalformedMessageError(`netlink header claims ${len} bytes, ${length - at} remain`, { family: 'netlink', offset: at });
      }
      const start = at;
      at += (len + 3) & ~3;
      if (logging) {
        viewMessage(m, buf, start, len);
        log('← %s', describeMessage(this.protocol, m));
      }
      // The header fields are read inline and the view is only pointed at
      // messages handed on: a dump's data messages (thousands, in a first
      // call interpreted) are only checked here, and decoded in decodeParts.
      const seq = (buf[start + 8]! | (buf[start + 9]! << 8) | (buf[start + 10]! << 16) | (buf[start + 11]! << 24)) >>> 0;
      const pid = (buf[start + 12]! | (buf[start + 13]! << 8) | (buf[start + 14]! << 16) | (buf[start + 15]! << 24)) >>> 0;
      const index = (seq - ex.firstSeq) >>> 0;
      // Replies to earlier, abandoned requests (or notifications) are not ours.
      if (index > lastIndex || (pid !== this.portId && pid !== 0)) continue;
      if ((buf[start + 6]! | (buf[start + 7]! << 8)) & NLM_F_DUMP_INTR) ex.interrupted = true;
      const type = buf[start + 4]! | (buf[start + 5]! << 8);
      if (type === NLMSG_ERROR) {
        viewMessage(m, buf, start, len);
        const errno = errorCode(m);
        if (errno !== 0) this.fail(ex, m.seq, this.errorFor(ex, index, errno, m));
        if (index === lastIndex) ex.done = true;
      } else if (type === NLMSG_DONE) {
        viewMessage(m, buf, start, len);
        // A dump may end with an error code in NLMSG_DONE's payload.
        const errno = doneErrorCode(m);
        if (errno > 0) this.fail(ex, m.seq, new NetlinkError(errno, operationAt(ex, index), parseExtendedAck(m), m.seq));
        if (ex.dump && index === lastIndex) ex.done = true;
      } else if (type !== NLMSG_NOOP && type !== NLMSG_OVERRUN && ex.decode) {
        viewMessage(m, buf, start, len);
        try {
          ex.results.push(ex.decode(m));
        } catch (error) {
          if (ex.decodeError === undefined) ex.decodeError = error;
        }
      }
    }
    return ex.done;
  }

  /**
   * Steps over the data messages of ours from `at`, checking each header as
   * absorb does and noting NLM_F_DUMP_INTR; returns the offset of the first
   * message absorb must look at (a header that does not fit, another
   * request's reply, an error, done, noop or overrun), or `length`. Apart
   * from absorb so that absorb stays cold: optimized while a dump's data
   * streamed in, it was thrown away again at the NLMSG_DONE that ends the
   * dump (its branch had never run), then compiled a second time.
   */
  private skipDumpData<T>(ex: Exchange<T>, buf: Buffer, at: number, length: number, lastIndex: number): number {
    while (at + NLMSG_HDRLEN <= length) {
      const len = (buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16) | (buf[at + 3]! << 24)) >>> 0;
      if (len < NLMSG_HDRLEN || at + len > length) return at;
      const seq = (buf[at + 8]! | (buf[at + 9]! << 8) | (buf[at + 10]! << 16) | (buf[at + 11]! << 24)) >>> 0;
      const pid = (buf[at + 12]! | (buf[at + 13]! << 8) | (buf[at + 14]! << 16) | (buf[at + 15]! << 24)) >>> 0;
      if (((seq - ex.firstSeq) >>> 0) > lastIndex || (pid !== this.portId && pid !== 0)) return at;
      const type = buf[at + 4]! | (buf[at + 5]! << 8);
      if (type === NLMSG_ERROR || type === NLMSG_DONE || type === NLMSG_NOOP || type === NLMSG_OVERRUN) return at;
      if ((buf[at + 6]! | (buf[at + 7]! << 8)) & NLM_F_DUMP_INTR) ex.interrupted = true;
      at += (len + 3) & ~3;
    }
    return at;
  }

  /** Decodes a completed dump's data messages, part by part. */
  private decodeParts<T>(ex: Exchange<T>, decode: Decoder<T>): T[] {
    const results: T[] = [];
    const m = scratchMessage;
    const parts = ex.parts!;
    const lengths = ex.partLengths!;
    for (let p = 0; p < parts.length; p++) {
      const buf = parts[p]!;
      const length = lengths[p]!;
      m.buf = buf;
      // absorb() already checked every header of these datagrams. Their
      // fields are read inline, as there, and the view is only pointed at
      // the messages decoded.
      for (let at = 0; at + NLMSG_HDRLEN <= length; ) {
        const start = at;
        const len = (buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16) | (buf[at + 3]! << 24)) >>> 0;
        at += (len + 3) & ~3;
        const seq = (buf[start + 8]! | (buf[start + 9]! << 8) | (buf[start + 10]! << 16) | (buf[start + 11]! << 24)) >>> 0;
        const pid = (buf[start + 12]! | (buf[start + 13]! << 8) | (buf[start + 14]! << 16) | (buf[start + 15]! << 24)) >>> 0;
        if (seq !== ex.firstSeq || (pid !== this.portId && pid !== 0)) continue;
        const type = buf[start + 4]! | (buf[start + 5]! << 8);
        if (type === NLMSG_ERROR || type === NLMSG_DONE || type === NLMSG_NOOP || type === NLMSG_OVERRUN) continue;
        viewMessage(m, buf, start, len);
        results.push(decode(m));
      }
    }
    return results;
  }

  private errorFor<T>(ex: Exchange<T>, index: number, errno: number, m: Message): NetlinkError {
    const start = ex.offsets?.[index] ?? 0;
    const request = Buffer.from(ex.request.subarray(start, start + ex.request.readUInt32LE(start)));
    return new NetlinkError(errno, operationAt(ex, index), parseExtendedAck(m), m.seq, request);
  }

  /** recv(2), with ENOBUFS reported as OVERRUN. */
  private recvRaw(buf: Buffer, flags: number): number {
    try {
      return socketTransport.recv(this.fd, buf, flags);
    } catch (error) {
      if (error instanceof SyscallError && error.errno === ENOBUFS) return OVERRUN;
      throw error;
    }
  }

  /**
   * Receives one datagram into the shared buffer; returns its length, -1 if
   * none is queued (dontWait), OVERRUN, or TRUNCATED for a dump part that did
   * not fit (the buffer is then enlarged and the dump must be retried). The
   * datagram is in `this.received`; a dump part is copied out of the shared
   * buffer so the dump can be decoded once complete. The large buffer also
   * matters to the kernel: it sizes the next dump part by the largest buffer
   * recvmsg was given (up to 32 KB), so a small one would split a dump into
   * many more parts, each a chance for a table change to interrupt it.
   */
  private receive(keep: boolean, dontWait: boolean): number {
    const length = this.recvRaw(receiveBuffer, MSG_TRUNC | (dontWait ? MSG_DONTWAIT : 0));
    if (length < 0) return length;
    if (length > receiveBuffer.length) {
      const size = receiveBuffer.length;
      receiveBuffer = Buffer.alloc(Math.max(length, size * 2));
      if (keep) return TRUNCATED;
      throw new ReplyTooLargeError(`netlink reply of ${length} bytes exceeded the ${size}-byte receive buffer; the buffer has been enlarged`);
    }
    if (keep) {
      const part = Buffer.allocUnsafe(length);
      receiveBuffer.copy(part, 0, 0, length);
      this.received = part;
    } else {
      this.received = receiveBuffer;
    }
    return length;
  }

  /**
   * Takes in every reply already queued for `ex`; true when the exchange
   * must wait for more. The kernel answers inside send, so after an overrun
   * an empty queue means the rest of the replies were dropped: no waiting.
   */
  private readQueued<T>(ex: Exchange<T>, op: Operation): boolean {
    for (;;) {
      // A close (from a decoder, or while an async exchange waited) ends it: the fd may already be someone else's.
      if (this.closed) throw new SocketClosedError(op, true);
      const length = this.receive(ex.dump, true);
      if (length === OVERRUN || length === TRUNCATED) {
        if (this.overran(ex)) return false;
      } else if (length < 0) {
        return !ex.overrun;
      } else if (this.take(ex, length)) {
        return false;
      }
    }
  }

  /** Ends an exchange that read to its end (or past an overrun, draining what is left). */
  private finish<T>(ex: Exchange<T>): Exchange<T> {
    if (ex.overrun) this.drain();
    this.needsDrain = false;
    return ex;
  }

  /**
   * Records an overrun; true when they keep coming (the kernel reports one
   * per overflow, so a stream of them means the queue is being flooded) and
   * the exchange should stop reading.
   */
  private overran<T>(ex: Exchange<T>): boolean {
    ex.overrun = true;
    return ++ex.overruns > MAX_OVERRUNS;
  }

  /** Takes in one received datagram; for a dump, keeps it for decodeParts. */
  private take<T>(ex: Exchange<T>, length: number): boolean {
    const buf = this.received;
    if (ex.parts) {
      ex.parts.push(buf);
      ex.partLengths!.push(length);
    }
    return this.absorb(ex, buf, length);
  }

  /**
   * Discards what earlier, unfinished exchanges left queued (their replies
   * would fill the queue, so the kernel would drop ours). Stale replies are
   * also skipped by sequence number; this only keeps the queue short.
   */
  private drain(): void {
    let overruns = 0;
    for (let i = 0; i < DRAIN_LIMIT; i++) {
      const length = this.recvRaw(receiveBuffer, MSG_DONTWAIT | MSG_TRUNC);
      if (length === -1) {
        this.needsDrain = false;
        return;
      }
      if (length === OVERRUN && ++overruns > MAX_OVERRUNS) return;
    }
  }

  private settle<T>(ex: Exchange<T>, requestCount: number): T[] {
    if (ex.overrun && !this.outcomeKnown(ex, requestCount)) throw this.overrunError(ex, requestCount, 0);
    if (ex.failures.length === 0) {
      if (ex.decodeError !== undefined) throw ex.decodeError;
      return ex.results;
    }
    if (requestCount === 1) throw ex.failures[0]!.error;
    throw new NetlinkBatchError(
      ex.failures.map((f) => ({ index: this.indexOf(ex.firstSeq, f.seq), error: f.error })),
      requestCount,
    );
  }

  /** After an overrun only a lone request whose ack (and reply) arrived is known to have done what it reports. */
  private outcomeKnown<T>(ex: Exchange<T>, requestCount: number): boolean {
    return requestCount === 1 && ex.done && (ex.decode === undefined || ex.results.length > 0 || ex.failures.length > 0);
  }

  private overrunError<T>(ex: Exchange<T>, requestCount: number, base: number): ReceiveOverrunError {
    const failures = ex.failures.map((f) => ({ index: base + this.indexOf(ex.firstSeq, f.seq), error: f.error }));
    const failed = new Set(failures.map((f) => f.index));
    const unknown: number[] = [];
    for (let i = 0; i < requestCount; i++) {
      const lastAcked = ex.done && i === requestCount - 1;
      if (!failed.has(base + i) && !lastAcked) unknown.push(base + i);
    }
    const op = operationOf(ex.op);
    return new ReceiveOverrunError(
      `${op.operation}${op.object ? ` ${op.object}` : ''}: the socket's receive queue overflowed (ENOBUFS) and replies were lost; ` +
        `${unknown.length} of ${requestCount} requests may or may not have been applied (see .unknown), ${failures.length} reported failures ` +
        '(see .failures). The socket drained its queue and can be used again; a larger receiveBufferSize avoids this',
      failures,
      unknown,
    );
  }

  // ---- synchronous API -------------------------------------------------------

  private runSync<T>(requests: Request | readonly Request[], baseFlags: number, ackAll: boolean, decode: Decoder<T> | undefined, dump: boolean, op: Operation | ((index: number) => Operation)): Exchange<T> {
    const first = operationOf(op);
    this.assertOpen(first);
    this.assertNoAsyncInFlight(first.operation);
    if (this.needsDrain) this.drain();
    const ex = this.encode(sharedWriter, requests, baseFlags, ackAll, decode, dump, op);
    if (ex.logging) this.logSent(sharedWriter.bytes());
    socketTransport.send(this.fd, sharedWriter.buf, sharedWriter.offset);
    this.needsDrain = true;
    while (this.readQueued(ex, first)) {
      if (!socketTransport.pollReadable(this.fd, this.options.replyTimeoutMs || -1)) {
        throw new ReplyTimeoutError(first, this.options.replyTimeoutMs);
      }
    }
    return this.finish(ex);
  }

  /**
   * Sends one request and waits for its acknowledgement; returns the decoded
   * replies (e.g. the object of a GET). Throws NetlinkError if the kernel refuses.
   */
  execute<T = never>(request: Request, op: Operation, decode?: Decoder<T>): T[] {
    const ex = this.runSync(request, 0, true, decode, false, op);
    return this.settle(ex, 1);
  }

  /**
   * Dumps a table, decoding every object. While the kernel flags the dump
   * inconsistent (NLM_F_DUMP_INTR), or replies are lost to an overrun, it is
   * retried with backoff within `dumpRetryBudgetMs`; see DumpInterruptedError.
   */
  dump<T>(request: Request, op: Operation, decode: Decoder<T>): T[] {
    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      const ex = this.runSync<T>(request, NLM_F_DUMP, true, undefined, true, op);
      const outcome = this.dumpOutcome(ex, op, decode, attempt, started);
      if (outcome !== RETRY) return outcome;
      sleepSync(Math.min(dumpRetryDelayMs(attempt), this.budgetLeft(started)));
    }
  }

  private budgetLeft(started: number): number {
    return Math.max(0, this.options.dumpRetryBudgetMs - (performance.now() - started));
  }

  /** The result of one dump attempt, or RETRY. */
  private dumpOutcome<T>(ex: Exchange<T>, op: Operation, decode: Decoder<T>, attempt: number, started: number): T[] | typeof RETRY {
    if (ex.failures.length) this.settle(ex, 1);
    const consistent = !ex.interrupted && !ex.overrun && ex.done;
    if (consistent) return this.decodeParts(ex, decode);
    const elapsed = performance.now() - started;
    if (log.enabled) log('%s: dump %s (attempt %d, %d ms)', op.operation, ex.overrun ? 'overrun' : 'interrupted', attempt, Math.round(elapsed));
    if (attempt < this.options.dumpRetries && elapsed < this.options.dumpRetryBudgetMs) return RETRY;
    const partial = this.decodeParts(ex, decode);
    if (this.options.inconsistentDumps === 'return') return markInconsistentDump(partial);
    throw new DumpInterruptedError(op, attempt, elapsed, partial);
  }

  /**
   * Executes many requests, packing up to `requestsPerSend` into each send.
   * Every request runs (the kernel does not stop at a failure); failures are
   * collected and thrown together as a NetlinkBatchError naming each request's
   * index. By default only the last request of each send asks for an ack
   * (failures are reported regardless), which keeps the receive queue short;
   * `ackEach: true` asks the kernel to acknowledge every request.
   */
  executeMany(requests: readonly Request[], op: Operation | ((index: number) => Operation), options: ManyOptions = {}): void {
    const opFor = typeof op === 'function' ? op : () => op;
    this.assertOpen(opFor(0));
    const outcome: BatchOutcome = { failures: [], unknown: [] };
    const perSend = this.options.requestsPerSend;
    for (let base = 0; base < requests.length; base += perSend) {
      const chunk = requests.slice(base, base + perSend);
      const ex = this.runSync(chunk, 0, options.ackEach ?? false, undefined, false, (i) => opFor(base + i));
      this.collectFailures(ex, base, chunk.length, outcome);
    }
    this.settleMany(outcome, requests.length, opFor(0));
  }

  /**
   * Adds a send's failures; after an overrun also the requests whose outcome
   * is unknown. The remaining sends still go out (the queue was drained), so
   * every request is accounted for when the batch settles.
   */
  private collectFailures<T>(ex: Exchange<T>, base: number, count: number, into: BatchOutcome): void {
    if (ex.overrun && !this.outcomeKnown(ex, count)) {
      const error = this.overrunError(ex, count, base);
      into.failures.push(...error.failures);
      into.unknown.push(...error.unknown);
      return;
    }
    for (const f of ex.failures) into.failures.push({ index: base + this.indexOf(ex.firstSeq, f.seq), error: f.error });
  }

  private settleMany(outcome: BatchOutcome, total: number, op: Operation): void {
    if (outcome.unknown.length) {
      outcome.failures.sort((a, b) => a.index - b.index);
      throw new ReceiveOverrunError(
        `${op.operation}${op.object ? ` ${op.object}` : ''}${total > 1 ? ` (and the other requests of ${total})` : ''}: the socket's receive ` +
          `queue overflowed (ENOBUFS) and replies were lost; ${outcome.unknown.length} of ${total} requests may or may not have been ` +
          `applied (see .unknown), ${outcome.failures.length} reported failures (see .failures); all others were applied. The socket ` +
          'drained its queue and can be used again; a larger receiveBufferSize avoids this',
        outcome.failures,
        outcome.unknown,
      );
    }
    throwFailures(outcome.failures, total);
  }

  // ---- Promise API -----------------------------------------------------------

  /** Runs `task` after every earlier async exchange on this socket, so replies never interleave. */
  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Resolves when the socket is readable; rejects on timeout or when the socket is closed. */
  private waitReadable(op: Operation): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timeoutMs = this.options.replyTimeoutMs;
      const waiter: Waiter = {
        watch: socketTransport.watchReadable(this.fd, () => {
          if (this.waiter === waiter) this.waiter = undefined;
          if (waiter.timer) clearTimeout(waiter.timer);
          resolve();
        }),
        timer: undefined,
        reject,
        op,
      };
      if (timeoutMs > 0) {
        waiter.timer = setTimeout(() => {
          if (this.waiter === waiter) this.waiter = undefined;
          waiter.watch.close();
          reject(new ReplyTimeoutError(op, timeoutMs));
        }, timeoutMs);
      }
      this.waiter = waiter;
    });
  }

  /** send(2) on a worker thread; the fd stays open until it returns, even if the socket is closed meanwhile. */
  private async sendOffThread(bytes: Buffer, length: number, op: Operation): Promise<void> {
    this.sendsInFlight++;
    try {
      await socketTransport.sendAsync(this.fd, bytes, length);
    } finally {
      this.sendsInFlight--;
      if (this.closed && this.sendsInFlight === 0) this.closeFd();
    }
    if (this.closed) throw new SocketClosedError(op, true);
  }

  private runAsync<T>(requests: Request | readonly Request[], baseFlags: number, ackAll: boolean, decode: Decoder<T> | undefined, dump: boolean, op: Operation | ((index: number) => Operation)): Promise<Exchange<T>> {
    return this.enqueue(async () => {
      const first = operationOf(op);
      this.assertOpen(first);
      if (this.needsDrain) this.drain();
      // A dump request is sent from this thread: inside send the kernel only
      // builds the first part (at most ~32 KB), and the dump's consistency
      // window opens there. Handing the send to a worker thread would keep
      // that window open for the thread pool's round trip, long enough for a
      // busy table to change and flag every attempt NLM_F_DUMP_INTR. Other
      // requests may make the kernel work for milliseconds inside send (a
      // veth pair, a namespace's links), so they go to a worker thread, each
      // with its own writer.
      const writer = dump ? sharedWriter : new MessageWriter(1024);
      const ex = this.encode(writer, requests, baseFlags, ackAll, decode, dump, op);
      if (ex.logging) this.logSent(writer.bytes());
      this.asyncInFlight = true;
      this.needsDrain = true;
      try {
        if (dump) socketTransport.send(this.fd, writer.buf, writer.offset);
        else await this.sendOffThread(writer.buf, writer.offset, first);
        while (this.readQueued(ex, first)) await this.waitReadable(first);
        this.finish(ex);
      } finally {
        this.asyncInFlight = false;
      }
      // Sent and read in one turn, a dump would resolve without the event
      // loop ever turning, and a caller awaiting dumps in a loop would starve
      // timers and I/O (the thread-pool send used to give it a turn). The turn
      // comes after the read, so the consistency window stays as short, and
      // inside the queue, so what is queued behind still starts after the
      // caller has seen this result.
      if (dump) await new Promise(setImmediate);
      return ex;
    });
  }

  /** Promise form of `execute`: the kernel's work happens on a worker thread, not the event loop. */
  async executeAsync<T = never>(request: Request, op: Operation, decode?: Decoder<T>): Promise<T[]> {
    const ex = await this.runAsync(request, 0, true, decode, false, op);
    return this.settle(ex, 1);
  }

  /** Promise form of `dump`; waits between retries on the event loop. */
  async dumpAsync<T>(request: Request, op: Operation, decode: Decoder<T>): Promise<T[]> {
    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      const ex = await this.runAsync<T>(request, NLM_F_DUMP, true, undefined, true, op);
      const outcome = this.dumpOutcome(ex, op, decode, attempt, started);
      if (outcome !== RETRY) return outcome;
      await sleepAsync(Math.min(dumpRetryDelayMs(attempt), this.budgetLeft(started)));
    }
  }

  /** Promise form of `executeMany`. */
  async executeManyAsync(requests: readonly Request[], op: Operation | ((index: number) => Operation), options: ManyOptions = {}): Promise<void> {
    const opFor = typeof op === 'function' ? op : () => op;
    const outcome: BatchOutcome = { failures: [], unknown: [] };
    const perSend = this.options.requestsPerSend;
    if (requests.length === 0) this.assertOpen(opFor(0));
    for (let base = 0; base < requests.length; base += perSend) {
      const chunk = requests.slice(base, base + perSend);
      const ex = await this.runAsync(chunk, 0, options.ackEach ?? false, undefined, false, (i) => opFor(base + i));
      this.collectFailures(ex, base, chunk.length, outcome);
    }
    this.settleMany(outcome, requests.length, opFor(0));
  }

  // ---- raw primitives, for protocols that frame their own exchanges (nfnetlink batches) ----

  /** Hands out the next sequence number of this socket. */
  allocateSeq(): number {
    return this.nextSeq();
  }

  /** Sends already framed messages as they are. */
  sendFrames(bytes: Buffer, op: Operation = RECEIVE_OP): void {
    this.assertOpen(op);
    this.assertNoAsyncInFlight(op.operation);
    if (this.needsDrain) this.drain();
    if (log.enabled) this.logSent(bytes);
    socketTransport.send(this.fd, bytes, bytes.length);
  }

  /** `sendFrames` on a worker thread. */
  async sendFramesAsync(bytes: Buffer, op: Operation = RECEIVE_OP): Promise<void> {
    this.assertOpen(op);
    if (this.needsDrain) this.drain();
    if (log.enabled) this.logSent(bytes);
    await this.sendOffThread(bytes, bytes.length, op);
  }

  /**
   * Receives messages (synchronously) and hands each to `onMessage` until it
   * returns true. Messages are views into a shared buffer: decode them inside
   * the callback. An overrun drains the queue and throws ReceiveOverrunError.
   */
  receiveMessages(onMessage: (message: Message) => boolean, op: Operation = RECEIVE_OP): void {
    this.assertOpen(op);
    this.assertNoAsyncInFlight(op.operation);
    this.needsDrain = true;
    for (;;) {
      const length = this.receive(false, true);
      if (length === OVERRUN) throw this.rawOverrun(op);
      if (length < 0) {
        if (!socketTransport.pollReadable(this.fd, this.options.replyTimeoutMs || -1)) throw new ReplyTimeoutError(op, this.options.replyTimeoutMs);
        continue;
      }
      if (this.dispatchRaw(length, onMessage)) break;
      if (this.closed) throw new SocketClosedError(op, true);
    }
    this.needsDrain = false;
  }

  /** Promise form of `receiveMessages`: waits on the event loop while nothing is queued. */
  async receiveMessagesAsync(onMessage: (message: Message) => boolean, op: Operation = RECEIVE_OP): Promise<void> {
    this.assertOpen(op);
    this.needsDrain = true;
    for (;;) {
      const length = this.receive(false, true);
      if (length === OVERRUN) throw this.rawOverrun(op);
      if (length < 0) {
        await this.waitReadable(op);
        if (this.closed) throw new SocketClosedError(op, true);
        continue;
      }
      if (this.dispatchRaw(length, onMessage)) break;
    }
    this.needsDrain = false;
  }

  private rawOverrun(op: Operation): ReceiveOverrunError {
    this.drain();
    return new ReceiveOverrunError(
      `${op.operation}${op.object ? ` ${op.object}` : ''}: the socket's receive queue overflowed (ENOBUFS) and replies were lost; ` +
        'the outcome is unknown. The socket drained its queue and can be used again',
    );
  }

  /**
   * Runs `task` after every earlier async exchange on this socket completed;
   * synchronous calls on the socket are refused until it settles.
   */
  serialize<T>(task: () => Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      this.asyncInFlight = true;
      try {
        return await task();
      } finally {
        this.asyncInFlight = false;
      }
    });
  }

  private dispatchRaw(length: number, onMessage: (message: Message) => boolean): boolean {
    let done = false;
    for (const m of parseMessages(this.received, length)) {
      if (log.enabled) log('← %s', describeMessage(this.protocol, m));
      if (!done && onMessage(m)) done = true;
    }
    return done;
  }
}

const RETRY: unique symbol = Symbol('retry dump');
