import { InvalidArgumentError } from './addresses.js';
import { describeValue } from './checks.js';

/** Options for opening a netlink socket (`NetlinkSocket.open`, and the connections built on it); every one is optional and checked, an unknown key throws InvalidArgumentError. */
export interface SocketOptions {
  /** SO_RCVBUF(FORCE) in bytes; large so acks of packed requests are never dropped. Default 4 MiB. */
  receiveBufferSize?: number;
  /** SO_SNDBUF(FORCE) in bytes; bounds the largest single send (nftables batches). Default 4 MiB. */
  sendBufferSize?: number;
  /**
   * Most attempts at a dump the kernel flags inconsistent (NLM_F_DUMP_INTR)
   * before giving up, within `dumpRetryBudgetMs`. Default 1000.
   */
  dumpRetries?: number;
  /**
   * Time allowed for retrying an inconsistent dump, with backoff and jitter
   * between attempts. Default 1000 ms; 0 gives up after the first attempt.
   */
  dumpRetryBudgetMs?: number;
  /**
   * What a dump that stays inconsistent past its budget does: `'throw'` a
   * DumpInterruptedError carrying the last result (default), or `'return'`
   * that result, which `isInconsistentDump()` then reports as inconsistent.
   */
  inconsistentDumps?: 'throw' | 'return';
  /** Requests packed into one send by `executeMany`. Default 256. */
  requestsPerSend?: number;
  /** Enable NETLINK_GET_STRICT_CHK (kernel-side dump filtering). Default true. */
  strictCheck?: boolean;
  /**
   * Longest wait for a reply once a request is sent. The kernel answers
   * inside the send call, so only a lost reply waits this long. Default
   * 10,000 ms; 0 waits forever.
   */
  replyTimeoutMs?: number;
}

export const SOCKET_OPTION_KEYS: readonly string[] = [
  'receiveBufferSize', 'sendBufferSize', 'dumpRetries', 'dumpRetryBudgetMs', 'inconsistentDumps', 'requestsPerSend',
  'strictCheck', 'replyTimeoutMs',
];

/** Options with every default filled in. */
export interface ResolvedSocketOptions {
  receiveBufferSize: number;
  sendBufferSize: number;
  dumpRetries: number;
  dumpRetryBudgetMs: number;
  inconsistentDumps: 'throw' | 'return';
  requestsPerSend: number;
  strictCheck: boolean;
  replyTimeoutMs: number;
}

function integerIn(options: Record<string, unknown>, key: string, min: number, max: number, fallback: number, where: string): number {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(`${where}: option ${key} must be an integer from ${min} to ${max}, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * Checks socket options the way a JavaScript caller can get them wrong: not
 * an object, an unknown key (a typo would silently fall back to a default),
 * a value of the wrong type or range. `extraKeys` are keys a caller above
 * the socket consumes (e.g. `netns`).
 */
export function resolveSocketOptions(options: unknown, where: string, extraKeys: readonly string[] = []): ResolvedSocketOptions {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    const namespaced = extraKeys.includes('netns');
    const hint = typeof options !== 'string' ? ''
      : namespaced ? ` (to open it in a namespace, pass { netns: ${JSON.stringify(options)} })`
      : ` (to open a socket in a namespace, use openNetlinkSocket(protocol, { netns: ${JSON.stringify(options)} }))`;
    throw new InvalidArgumentError(`${where}: options must be an object, got ${describeValue(options)}${hint}`);
  }
  const record = options as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!SOCKET_OPTION_KEYS.includes(key) && !extraKeys.includes(key)) {
      throw new InvalidArgumentError(`${where}: unknown option "${key}"; known options: ${[...extraKeys, ...SOCKET_OPTION_KEYS].join(', ')}`);
    }
  }
  const inconsistentDumps = record.inconsistentDumps ?? 'throw';
  if (inconsistentDumps !== 'throw' && inconsistentDumps !== 'return') {
    throw new InvalidArgumentError(`${where}: option inconsistentDumps must be 'throw' or 'return', got ${describeValue(inconsistentDumps)}`);
  }
  const strictCheck = record.strictCheck ?? true;
  if (typeof strictCheck !== 'boolean') throw new InvalidArgumentError(`${where}: option strictCheck must be a boolean, got ${describeValue(strictCheck)}`);
  return {
    receiveBufferSize: integerIn(record, 'receiveBufferSize', 128, 0x7fffffff, 1 << 22, where),
    sendBufferSize: integerIn(record, 'sendBufferSize', 128, 0x7fffffff, 1 << 22, where),
    dumpRetries: integerIn(record, 'dumpRetries', 1, 1_000_000, 1000, where),
    dumpRetryBudgetMs: integerIn(record, 'dumpRetryBudgetMs', 0, 3_600_000, 1000, where),
    inconsistentDumps,
    requestsPerSend: integerIn(record, 'requestsPerSend', 1, 65536, 256, where),
    strictCheck,
    replyTimeoutMs: integerIn(record, 'replyTimeoutMs', 0, 0x7fffffff, 10_000, where),
  };
}
