import { errorCode } from './errors.js';
import { createLog, type DebugLog } from './logger.js';
import type { Message } from './message.js';
import { doneErrorCode, MalformedMessageError, NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP, NLMSG_OVERRUN } from './message.js';

export type { DebugLog } from './logger.js';

/** `DEBUG=nlkit:netlink` logs every request and reply; families add readable decodings. */
export const log: DebugLog = createLog('nlkit:netlink');

/** Renders one message of a family as a line of debug output; undefined leaves the generic header-only rendering. */
export type Describer = (message: Message) => string | undefined;
const describers = new Map<number, Describer>();

/** Lets a family (rtnetlink, nftables) render its messages readably in debug output. */
export function registerDescriber(protocol: number, describe: Describer): void {
  describers.set(protocol, describe);
}

const FLAG_NAMES: [number, string][] = [
  [0x1, 'REQUEST'], [0x2, 'MULTI'], [0x4, 'ACK'], [0x8, 'ECHO'], [0x10, 'DUMP_INTR'], [0x20, 'DUMP_FILTERED'],
];

function describeHeader(m: Message): string {
  const flags = FLAG_NAMES.filter(([bit]) => m.flags & bit).map(([, name]) => name);
  const high = m.flags & 0xf00;
  if (high) flags.push(`0x${high.toString(16)}`);
  return `seq=${m.seq} flags=${flags.join('|') || 0} len=${m.end - m.offset + 16}`;
}

/**
 * One line for DEBUG=nlkit:* output, e.g. `RTM_NEWADDR inet 10.0.0.1/24 ... seq=3 flags=REQUEST|ACK len=52`.
 * Never throws: a message that does not decode shows why, next to its header.
 */
export function describeMessage(protocol: number, m: Message): string {
  try {
    return describeMessageStrict(protocol, m);
  } catch (error) {
    const why = error instanceof MalformedMessageError ? `malformed: ${error.message}` : `undecodable: ${(error as Error).message}`;
    return `type=${m.type} (${why}) ${describeHeader(m)}`;
  }
}

/** describeMessage that throws MalformedMessageError for a message that does not decode (for tests and tools). */
export function describeMessageStrict(protocol: number, m: Message): string {
  switch (m.type) {
    case NLMSG_NOOP:
      return `NOOP ${describeHeader(m)}`;
    case NLMSG_DONE: {
      const errno = doneErrorCode(m);
      return `DONE${errno ? ` errno=${errno}` : ''} ${describeHeader(m)}`;
    }
    case NLMSG_OVERRUN:
      return `OVERRUN ${describeHeader(m)}`;
    case NLMSG_ERROR: {
      const errno = errorCode(m);
      return `${errno === 0 ? 'ACK' : `ERROR errno=${errno}`} ${describeHeader(m)}`;
    }
  }
  const body = describers.get(protocol)?.(m);
  return `${body ?? `type=${m.type} ${m.buf.toString('hex', m.offset, Math.min(m.end, m.offset + 64))}`} ${describeHeader(m)}`;
}
