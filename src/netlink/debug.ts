import createDebug from 'debug';
import type { Message } from './message.js';
import { NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP, NLMSG_OVERRUN } from './message.js';

/** `DEBUG=nlkit:netlink` logs every request and reply; families add readable decodings. */
export const log = createDebug('nlkit:netlink');

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

export function describeMessage(protocol: number, m: Message): string {
  switch (m.type) {
    case NLMSG_NOOP:
      return `NOOP ${describeHeader(m)}`;
    case NLMSG_DONE:
      return `DONE ${describeHeader(m)}`;
    case NLMSG_OVERRUN:
      return `OVERRUN ${describeHeader(m)}`;
    case NLMSG_ERROR: {
      const errno = -m.buf.readInt32LE(m.offset);
      return `${errno === 0 ? 'ACK' : `ERROR errno=${errno}`} ${describeHeader(m)}`;
    }
  }
  let body: string | undefined;
  try {
    body = describers.get(protocol)?.(m);
  } catch (error) {
    body = `(undecodable: ${(error as Error).message})`;
  }
  return `${body ?? `type=${m.type} ${m.buf.toString('hex', m.offset, Math.min(m.end, m.offset + 64))}`} ${describeHeader(m)}`;
}
