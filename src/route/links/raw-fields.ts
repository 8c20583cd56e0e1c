// How the link fields kept raw until read (lazy-fields.ts) are built from
// the link's copy of its message: `stats64` and `afSpec` from the last
// attribute of their type, as eager decoding kept them. (`unknown`, which
// depends on which attributes the decoder reads, is in attribute-walk.ts.)
import { IFLA_AF_SPEC, IFLA_STATS64 } from '../../generated/if_link.js';
import { AttributeCursor } from '../../netlink/attributes.js';
import { IFINFOMSG_LEN } from '../resolve.js';
import { lazyField } from './lazy-fields.js';
import type { MessageCopy } from './message-copy.js';
import { decodeStats64 } from './stats.js';

/** A cursor on the last attribute of `type` (the one eager decoding kept); the link has one. */
function lastAttribute(own: MessageCopy, type: number): AttributeCursor {
  const c = new AttributeCursor(own.buf, own.start + IFINFOMSG_LEN, own.end);
  let start = 0;
  let length = 0;
  while (c.next()) {
    if (c.type === type) {
      start = c.start;
      length = c.length;
    }
  }
  c.start = start;
  c.length = length;
  return c;
}

/** `stats64`: IFLA_STATS64 as counters, built on first read. */
export const STATS64_FIELD = lazyField('stats64', (own) => {
  const c = lastAttribute(own, IFLA_STATS64);
  return decodeStats64(own.buf, c.start, c.length);
});

/** `afSpec`: IFLA_AF_SPEC kept whole, as a view of the link's copy made on first read. */
export const AF_SPEC_FIELD = lazyField('afSpec', (own) => lastAttribute(own, IFLA_AF_SPEC).view());
