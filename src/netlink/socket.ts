import * as libc from '../sys/libc.js';
import { MSG_DONTWAIT, MSG_PEEK, MSG_TRUNC, SO_RCVBUF, SO_RCVBUFFORCE, SO_SNDBUF, SO_SNDBUFFORCE, SOL_NETLINK } from '../sys/constants.js';
import { SyscallError } from '../sys/errors.js';
import { describeMessage, log } from './debug.js';
import { errorCode, NetlinkBatchError, NetlinkError, parseExtendedAck, type Operation } from './errors.js';
import { NLMSG_HDRLEN } from './writer.js';
import {
  NLM_F_ACK, NLM_F_DUMP, NLM_F_DUMP_INTR, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP, NLMSG_OVERRUN,
  MalformedMessageError, parseMessages, type Message,
} from './message.js';
import { MessageWriter } from './writer.js';

import { NETLINK_CAP_ACK, NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK } from '../generated/netlink.js';
import { ENOBUFS } from '../generated/errno.js';

/** One request: its message type, extra flags, and how to write its payload. */
export interface Request {
  type: number;
  /** Flags besides NLM_F_REQUEST and NLM_F_ACK (e.g. NLM_F_CREATE | NLM_F_EXCL). */
  flags?: number;
  /** Writes the family header and attributes; the nlmsghdr is already written. */
  encode(writer: MessageWriter): void;
}

export interface SocketOptions {
  /** SO_RCVBUF(FORCE) in bytes; large so acks of packed requests are never dropped. Default 4 MiB. */
  receiveBufferSize?: number;
  /** SO_SNDBUF(FORCE) in bytes; bounds the largest single send (nftables batches). Default 4 MiB. */
  sendBufferSize?: number;
  /** Attempts at a dump the kernel marks inconsistent (NLM_F_DUMP_INTR) before giving up. Default 5. */
  dumpRetries?: number;
  /** Requests packed into one send by `executeMany`. Default 256. */
  requestsPerSend?: number;
  /** Enable NETLINK_GET_STRICT_CHK (kernel-side dump filtering). Default true. */
  strictCheck?: boolean;
}

/** The kernel kept interrupting a dump (its table changed under it) more times than allowed. */
export class DumpInterruptedError extends Error {
  override readonly name = 'DumpInterruptedError';
  readonly code = 'EINTR';
  constructor(op: Operation, attempts: number) {
    super(`${op.operation}${op.object ? ` ${op.object}` : ''}: dump still inconsistent after ${attempts} attempts (NLM_F_DUMP_INTR)`);
  }
}

/** A reply larger than the receive buffer; raised rather than truncating silently. */
export class ReplyTooLargeError extends Error {
  override readonly name = 'ReplyTooLargeError';
  readonly code = 'EMSGSIZE';
}

/** A synchronous request on a socket whose async exchange has not finished. */
export class SocketBusyError extends Error {
  override readonly name = 'SocketBusyError';
  readonly code = 'EBUSY';
}

/** The socket's receive queue overflowed and replies were lost (ENOBUFS). */
export class ReceiveOverrunError extends Error {
  override readonly name = 'ReceiveOverrunError';
  readonly code = 'ENOBUFS';
}

/**
 * The system calls the socket uses. Tests replace members to feed crafted
 * replies (interrupted dumps, overruns, oversized datagrams) that the kernel
 * will not produce on demand.
 */
export const socketTransport = {
  send: libc.send,
  sendAsync: libc.sendAsync,
  recv: libc.recv,
  waitReadable: libc.waitReadable,
};

// Sync calls never interleave on the main thread, so one receive buffer and one
// send writer serve every socket; decoders run before the next receive.
let receiveBuffer = Buffer.alloc(1 << 18);
const sharedWriter = new MessageWriter(1 << 16);

/**
 * Decodes one reply. The message is a view reused for every reply: read what
 * you need inside the call, do not keep the object.
 */
export interface ManyOptions {
  /** Ask the kernel to acknowledge every request, not only the last of each send. */
  ackEach?: boolean;
}

type BatchFailure = { index: number; error: NetlinkError };

/** A single request's failure is thrown as itself; several as one NetlinkBatchError. */
function throwFailures(failures: BatchFailure[], total: number): void {
  if (failures.length === 1 && total === 1) throw failures[0]!.error;
  if (failures.length) throw new NetlinkBatchError(failures, total);
}

export type Decoder<T> = (message: Message) => T;

const scratchMessage: Message = { type: 0, flags: 0, seq: 0, pid: 0, buf: receiveBuffer, offset: 0, end: 0 };

interface Exchange<T> {
  firstSeq: number;
  lastSeq: number;
  dump: boolean;
  decode: Decoder<T> | undefined;
  results: T[];
  failures: { seq: number; error: NetlinkError }[];
  interrupted: boolean;
  done: boolean;
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

/**
 * A netlink socket with sequence numbers and port id, on which requests are
 * executed synchronously (hot paths) or as Promises (event loop stays free
 * while the kernel works inside send). NETLINK_EXT_ACK, NETLINK_CAP_ACK and
 * NETLINK_GET_STRICT_CHK are on.
 */
export class NetlinkSocket {
  readonly fd: number;
  readonly portId: number;
  private seq: number;
  private closed = false;
  private asyncInFlight = false;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly dumpRetries: number;
  private readonly requestsPerSend: number;

  private constructor(readonly protocol: number, fd: number, portId: number, options: SocketOptions) {
    this.fd = fd;
    this.portId = portId;
    this.seq = (Date.now() & 0x3fffffff) >>> 0;
    this.dumpRetries = options.dumpRetries ?? 5;
    this.requestsPerSend = options.requestsPerSend ?? 256;
  }

  /** Opens a socket in the calling thread's current network namespace. */
  static open(protocol: number, options: SocketOptions = {}): NetlinkSocket {
    const fd = libc.netlinkSocket(protocol);
    try {
      libc.setIntOption(fd, SOL_NETLINK, NETLINK_CAP_ACK, 1);
      libc.setIntOption(fd, SOL_NETLINK, NETLINK_EXT_ACK, 1);
      if (options.strictCheck ?? true) libc.setIntOption(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1);
      libc.setBufferSize(fd, SO_RCVBUFFORCE, SO_RCVBUF, options.receiveBufferSize ?? 1 << 22);
      libc.setBufferSize(fd, SO_SNDBUFFORCE, SO_SNDBUF, options.sendBufferSize ?? 1 << 22);
      const portId = libc.bindNetlink(fd);
      return new NetlinkSocket(protocol, fd, portId, options);
    } catch (error) {
      libc.close(fd);
      throw error;
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    libc.close(this.fd);
  }

  private nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0;
    if (this.seq === 0) this.seq = 1;
    return this.seq;
  }

  private assertOpen(op: Operation): void {
    if (this.closed) throw new Error(`${op.operation}: netlink socket is closed`);
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
      firstSeq, lastSeq, dump, decode, results: [], failures: NO_FAILURES, interrupted: false, done: false,
      request: writer.buf, offsets, op,
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
    for (const m of parseMessages(bytes, bytes.length)) log('→ %s', describeMessage(this.protocol, m));
  }

  // ---- receiving -----------------------------------------------------------

  /**
   * Processes one received datagram; returns true when the exchange is
   * complete. Walks the messages in place and hands decoders one reused
   * Message view, because this loop runs once per reply on the hot path.
   */
  private absorb<T>(ex: Exchange<T>, length: number): boolean {
    const buf = receiveBuffer;
    const logging = log.enabled;
    const m = scratchMessage;
    m.buf = buf;
    const lastIndex = (ex.lastSeq - ex.firstSeq) >>> 0;
    for (let at = 0; at + NLMSG_HDRLEN <= length; ) {
      const len = buf.readUInt32LE(at);
      if (len < NLMSG_HDRLEN || at + len > length) throw new MalformedMessageError(`netlink reply at offset ${at} claims length ${len}, ${length - at} bytes remain`);
      m.type = buf.readUInt16LE(at + 4);
      m.flags = buf.readUInt16LE(at + 6);
      m.seq = buf.readUInt32LE(at + 8);
      m.pid = buf.readUInt32LE(at + 12);
      m.offset = at + NLMSG_HDRLEN;
      m.end = at + len;
      at += (len + 3) & ~3;
      if (logging) log('← %s', describeMessage(this.protocol, m));
      const index = (m.seq - ex.firstSeq) >>> 0;
      // Replies to earlier, abandoned requests (or notifications) are not ours.
      if (index > lastIndex || (m.pid !== this.portId && m.pid !== 0)) continue;
      if (m.flags & NLM_F_DUMP_INTR) ex.interrupted = true;
      if (m.type === NLMSG_ERROR) {
        const errno = errorCode(m);
        if (errno !== 0) this.fail(ex, m.seq, this.errorFor(ex, index, errno, m));
        if (index === lastIndex) ex.done = true;
      } else if (m.type === NLMSG_DONE) {
        // A dump may end with an error code in NLMSG_DONE's payload.
        if (m.end - m.offset >= 4) {
          const errno = -buf.readInt32LE(m.offset);
          if (errno > 0) this.fail(ex, m.seq, new NetlinkError(errno, operationAt(ex, index), parseExtendedAck(m), m.seq));
        }
        if (ex.dump && index === lastIndex) ex.done = true;
      } else if (m.type !== NLMSG_NOOP && m.type !== NLMSG_OVERRUN && ex.decode && !ex.interrupted) {
        ex.results.push(ex.decode(m));
      }
    }
    return ex.done;
  }

  private errorFor<T>(ex: Exchange<T>, index: number, errno: number, m: Message): NetlinkError {
    const start = ex.offsets?.[index] ?? 0;
    const request = Buffer.from(ex.request.subarray(start, start + ex.request.readUInt32LE(start)));
    return new NetlinkError(errno, operationAt(ex, index), parseExtendedAck(m), m.seq, request);
  }

  /** Receives one datagram into the shared buffer; returns its length, or -1 if none is queued (dontWait). */
  private receive(peek: boolean, dontWait: boolean): number {
    const flags = dontWait ? MSG_DONTWAIT : 0;
    if (peek) {
      // Size the buffer from the real datagram length before consuming it.
      const length = socketTransport.recv(this.fd, receiveBuffer, MSG_PEEK | MSG_TRUNC | flags);
      if (length < 0) return length;
      if (length > receiveBuffer.length) receiveBuffer = Buffer.alloc(Math.max(length, receiveBuffer.length * 2));
    }
    let length: number;
    try {
      length = socketTransport.recv(this.fd, receiveBuffer, MSG_TRUNC | flags);
    } catch (error) {
      if (error instanceof SyscallError && error.errno === ENOBUFS) {
        throw new ReceiveOverrunError(`netlink receive queue overflowed on fd ${this.fd}; replies were lost (raise receiveBufferSize)`);
      }
      throw error;
    }
    if (length > receiveBuffer.length) {
      const size = receiveBuffer.length;
      receiveBuffer = Buffer.alloc(Math.max(length, size * 2));
      throw new ReplyTooLargeError(`netlink reply of ${length} bytes exceeded the ${size}-byte receive buffer; the buffer has been enlarged`);
    }
    return length;
  }

  private settle<T>(ex: Exchange<T>, requestCount: number): T[] {
    if (ex.failures.length === 0) return ex.results;
    if (requestCount === 1) throw ex.failures[0]!.error;
    throw new NetlinkBatchError(
      ex.failures.map((f) => ({ index: this.indexOf(ex.firstSeq, f.seq), error: f.error })),
      requestCount,
    );
  }

  // ---- synchronous API -------------------------------------------------------

  private runSync<T>(requests: Request | readonly Request[], baseFlags: number, ackAll: boolean, decode: Decoder<T> | undefined, dump: boolean, op: Operation | ((index: number) => Operation)): Exchange<T> {
    this.assertNoAsyncInFlight(operationOf(op).operation);
    const ex = this.encode(sharedWriter, requests, baseFlags, ackAll, decode, dump, op);
    if (log.enabled) this.logSent(sharedWriter.bytes());
    socketTransport.send(this.fd, sharedWriter.buf, sharedWriter.offset);
    while (!this.absorb(ex, this.receive(dump, false)));
    return ex;
  }

  /**
   * Sends one request and waits for its acknowledgement; returns the decoded
   * replies (e.g. the object of a GET). Throws NetlinkError if the kernel refuses.
   */
  execute<T = never>(request: Request, op: Operation, decode?: Decoder<T>): T[] {
    this.assertOpen(op);
    const ex = this.runSync(request, 0, true, decode, false, op);
    return this.settle(ex, 1);
  }

  /** Dumps a table, decoding every object; retries while the kernel reports NLM_F_DUMP_INTR. */
  dump<T>(request: Request, op: Operation, decode: Decoder<T>): T[] {
    this.assertOpen(op);
    for (let attempt = 1; ; attempt++) {
      const ex = this.runSync(request, NLM_F_DUMP, true, decode, true, op);
      const results = this.settle(ex, 1);
      if (!ex.interrupted) return results;
      log('dump interrupted (attempt %d of %d), retrying', attempt, this.dumpRetries);
      if (attempt >= this.dumpRetries) throw new DumpInterruptedError(op, attempt);
    }
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
    const failures: BatchFailure[] = [];
    for (let base = 0; base < requests.length; base += this.requestsPerSend) {
      const chunk = requests.slice(base, base + this.requestsPerSend);
      const ex = this.runSync(chunk, 0, options.ackEach ?? false, undefined, false, (i) => opFor(base + i));
      this.collectFailures(ex, base, failures);
    }
    throwFailures(failures, requests.length);
  }

  private collectFailures<T>(ex: Exchange<T>, base: number, into: BatchFailure[]): void {
    for (const f of ex.failures) into.push({ index: base + this.indexOf(ex.firstSeq, f.seq), error: f.error });
  }

  // ---- Promise API -----------------------------------------------------------

  /** Runs `task` after every earlier async exchange on this socket, so replies never interleave. */
  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private runAsync<T>(requests: Request | readonly Request[], baseFlags: number, ackAll: boolean, decode: Decoder<T> | undefined, dump: boolean, op: Operation | ((index: number) => Operation)): Promise<Exchange<T>> {
    return this.enqueue(async () => {
      this.assertOpen(operationOf(op));
      // Each async exchange gets its own writer: the send runs on another thread.
      const writer = new MessageWriter(1024);
      const ex = this.encode(writer, requests, baseFlags, ackAll, decode, dump, op);
      if (log.enabled) this.logSent(writer.bytes());
      this.asyncInFlight = true;
      try {
        await socketTransport.sendAsync(this.fd, writer.buf, writer.offset);
        for (;;) {
          const length = this.receive(dump, true);
          if (length < 0) {
            await socketTransport.waitReadable(this.fd);
            continue;
          }
          if (this.absorb(ex, length)) return ex;
        }
      } finally {
        this.asyncInFlight = false;
      }
    });
  }

  /** Promise form of `execute`: the kernel's work happens on a worker thread, not the event loop. */
  async executeAsync<T = never>(request: Request, op: Operation, decode?: Decoder<T>): Promise<T[]> {
    const ex = await this.runAsync(request, 0, true, decode, false, op);
    return this.settle(ex, 1);
  }

  /** Promise form of `dump`. */
  async dumpAsync<T>(request: Request, op: Operation, decode: Decoder<T>): Promise<T[]> {
    for (let attempt = 1; ; attempt++) {
      const ex = await this.runAsync(request, NLM_F_DUMP, true, decode, true, op);
      const results = this.settle(ex, 1);
      if (!ex.interrupted) return results;
      if (attempt >= this.dumpRetries) throw new DumpInterruptedError(op, attempt);
    }
  }

  /** Promise form of `executeMany`. */
  async executeManyAsync(requests: readonly Request[], op: Operation | ((index: number) => Operation), options: ManyOptions = {}): Promise<void> {
    const opFor = typeof op === 'function' ? op : () => op;
    const failures: BatchFailure[] = [];
    for (let base = 0; base < requests.length; base += this.requestsPerSend) {
      const chunk = requests.slice(base, base + this.requestsPerSend);
      const ex = await this.runAsync(chunk, 0, options.ackEach ?? false, undefined, false, (i) => opFor(base + i));
      this.collectFailures(ex, base, failures);
    }
    throwFailures(failures, requests.length);
  }

  // ---- raw primitives, for protocols that frame their own exchanges (nfnetlink batches) ----

  /** Hands out the next sequence number of this socket. */
  allocateSeq(): number {
    return this.nextSeq();
  }

  /** Sends already framed messages as they are. */
  sendFrames(bytes: Buffer): void {
    this.assertNoAsyncInFlight('send');
    if (log.enabled) this.logSent(bytes);
    socketTransport.send(this.fd, bytes, bytes.length);
  }

  /** `sendFrames` on a worker thread. */
  async sendFramesAsync(bytes: Buffer): Promise<void> {
    if (log.enabled) this.logSent(bytes);
    await socketTransport.sendAsync(this.fd, bytes, bytes.length);
  }

  /**
   * Receives messages (synchronously) and hands each to `onMessage` until it
   * returns true. Messages are views into a shared buffer: decode them inside
   * the callback.
   */
  receiveMessages(onMessage: (message: Message) => boolean): void {
    this.assertNoAsyncInFlight('receive');
    for (;;) {
      const length = this.receive(true, false);
      if (this.dispatchRaw(length, onMessage)) return;
    }
  }

  /** Promise form of `receiveMessages`: waits on the event loop while nothing is queued. */
  async receiveMessagesAsync(onMessage: (message: Message) => boolean): Promise<void> {
    for (;;) {
      const length = this.receive(true, true);
      if (length < 0) {
        await socketTransport.waitReadable(this.fd);
        continue;
      }
      if (this.dispatchRaw(length, onMessage)) return;
    }
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
    for (const m of parseMessages(receiveBuffer, length)) {
      if (log.enabled) log('← %s', describeMessage(this.protocol, m));
      if (!done && onMessage(m)) done = true;
    }
    return done;
  }
}
