import type { NetlinkError, Operation } from './errors.js';

function describe(op: Operation): string {
  return `${op.operation}${op.object ? ` ${op.object}` : ''}`;
}

/**
 * The kernel kept flagging a dump as inconsistent (NLM_F_DUMP_INTR: its
 * table changed between two parts of the dump) for the whole retry budget.
 * `partial` holds the last attempt's result: every object in it existed, but
 * objects added or removed during that dump may be missing or stale.
 */
export class DumpInterruptedError<T = unknown> extends Error {
  /** Always `'DumpInterruptedError'`. */
  override readonly name = 'DumpInterruptedError';
  /** Always `'EINTR'`. */
  readonly code = 'EINTR';
  /** The dump that was attempted, e.g. `list links`. */
  readonly operation: string;
  /** The dump's scope as the request named it, e.g. `IPv4 in current netns`; absent when it named none. */
  readonly object?: string;
  constructor(
    op: Operation,
    /** Dumps attempted, the last included. */
    readonly attempts: number,
    /** Time spent from the first attempt to giving up. */
    readonly elapsedMs: number,
    /** The last attempt's (possibly inconsistent) result. */
    readonly partial: T[] = [],
  ) {
    super(
      `${describe(op)}: the table kept changing during the dump (NLM_F_DUMP_INTR on ${attempts} attempts over ${Math.round(elapsedMs)} ms); ` +
        'the last, possibly inconsistent result is in .partial. Raise dumpRetryBudgetMs, or open the connection with ' +
        "inconsistentDumps: 'return' to get it flagged instead",
    );
    this.operation = op.operation;
    if (op.object !== undefined) this.object = op.object;
  }
}

/** A reply larger than the receive buffer; raised rather than truncating silently. */
export class ReplyTooLargeError extends Error {
  /** Always `'ReplyTooLargeError'`. */
  override readonly name = 'ReplyTooLargeError';
  /** Always `'EMSGSIZE'`, as recvmsg would report a truncated datagram. */
  readonly code = 'EMSGSIZE';
}

/** A synchronous request on a socket whose async exchange has not finished. */
export class SocketBusyError extends Error {
  /** Always `'SocketBusyError'`. */
  override readonly name = 'SocketBusyError';
  /** Always `'EBUSY'`. */
  readonly code = 'EBUSY';
}

/**
 * The socket's receive queue overflowed (ENOBUFS) during an exchange, so some
 * of its replies were lost. The socket drained its queue and stays usable;
 * the requests named in `unknown` may or may not have been applied.
 */
export class ReceiveOverrunError extends Error {
  /** Always `'ReceiveOverrunError'`. */
  override readonly name = 'ReceiveOverrunError';
  /** Always `'ENOBUFS'`, the errno recvmsg returns on a receive-queue overflow. */
  readonly code = 'ENOBUFS';
  constructor(
    message: string,
    /** Failures the kernel did report before and after the overrun. */
    readonly failures: readonly {
      /** Position of the failed request in the batch, from 0. */
      index: number;
      /** What the kernel answered to it. */
      error: NetlinkError;
    }[] = [],
    /** Indexes of the requests whose outcome is unknown. */
    readonly unknown: readonly number[] = [],
  ) {
    super(message);
  }
}

/** The socket was closed before or while this request ran. */
export class SocketClosedError extends Error {
  /** Always `'SocketClosedError'`. */
  override readonly name = 'SocketClosedError';
  /** Always `'ECANCELED'`. */
  readonly code = 'ECANCELED';
  /** The request that could not run, e.g. `create link`. */
  readonly operation: string;
  /** The object that request acted on, when it named one. */
  readonly object?: string;
  constructor(op: Operation, during: boolean) {
    super(
      during
        ? `${describe(op)}: the netlink socket was closed while the request was in flight; the kernel may or may not have applied it`
        : `${describe(op)}: the netlink socket is closed; open a new connection`,
    );
    this.operation = op.operation;
    if (op.object !== undefined) this.object = op.object;
  }
}

/**
 * No reply came within `replyTimeoutMs`. The kernel answers rtnetlink and
 * nfnetlink requests inside the send call, so this means a reply was lost;
 * a late one is discarded by its sequence number.
 */
export class ReplyTimeoutError extends Error {
  /** Always `'ReplyTimeoutError'`. */
  override readonly name = 'ReplyTimeoutError';
  /** Always `'ETIMEDOUT'`. */
  readonly code = 'ETIMEDOUT';
  /** The request that got no reply, e.g. `add route`. */
  readonly operation: string;
  /** The object that request acted on, when it named one. */
  readonly object?: string;
  constructor(op: Operation, timeoutMs: number) {
    super(`${describe(op)}: no reply from the kernel within ${timeoutMs} ms (replyTimeoutMs); the request may or may not have been applied`);
    this.operation = op.operation;
    if (op.object !== undefined) this.object = op.object;
  }
}
