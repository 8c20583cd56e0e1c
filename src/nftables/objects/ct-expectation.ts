// `ct expectation e1 { protocol tcp; dport 5000; timeout 3s; size 9; l3proto ip }`
// (NFT_OBJECT_CT_EXPECT): an expectation `ct expectation set "e1"` creates
// for related connections.
import { NFT_OBJECT_CT_EXPECT, NFTA_CT_EXPECT_DPORT, NFTA_CT_EXPECT_L3PROTO, NFTA_CT_EXPECT_L4PROTO, NFTA_CT_EXPECT_SIZE, NFTA_CT_EXPECT_TIMEOUT } from '../../generated/nf_tables.js';
import { requireInteger } from '../../netlink/checks.js';
import { l3proto, l4proto, type L3Proto, type L4Proto } from './ct-protocols.js';
import type { ObjectKind } from './object-kind.js';

/** The fields of a named conntrack expectation. */
export interface CtExpectationFields {
  /** Transport protocol (NFTA_CT_EXPECT_L4PROTO), `protocol tcp`. */
  protocol: L4Proto | number;
  /** Destination port expected (NFTA_CT_EXPECT_DPORT), `dport 5000`. */
  dport: number;
  /** Lifetime in milliseconds (NFTA_CT_EXPECT_TIMEOUT, host byte order); nft's `timeout 3s` is 3000. */
  timeout: number;
  /** Most expectations at once per master connection (NFTA_CT_EXPECT_SIZE), `size 9`. */
  size: number;
  /** Network family (NFTA_CT_EXPECT_L3PROTO), `l3proto ip`; absent lets the kernel use the table's family. */
  l3proto?: L3Proto | number;
}

export const ctExpectationObject: ObjectKind<CtExpectationFields> = {
  type: 'ct expectation',
  number: NFT_OBJECT_CT_EXPECT,
  keys: ['protocol', 'dport', 'timeout', 'size', 'l3proto'],
  encode(w, s, what) {
    const l4 = l4proto.encode(s.protocol, `${what} protocol`);
    const dport = requireInteger(s.dport, `${what} dport`, 0, 0xffff);
    const timeout = requireInteger(s.timeout, `${what} timeout (milliseconds)`, 0, 0xffffffff);
    const size = requireInteger(s.size, `${what} size`, 0, 0xff);
    const l3 = s.l3proto === undefined ? undefined : l3proto.encode(s.l3proto, `${what} l3proto`);
    if (l3 !== undefined) w.be16(NFTA_CT_EXPECT_L3PROTO, l3);
    w.u8(NFTA_CT_EXPECT_L4PROTO, l4);
    w.be16(NFTA_CT_EXPECT_DPORT, dport);
    // Host byte order: the kernel reads and dumps this one attribute with nla_get_u32/nla_put_u32, and nft sends it so.
    w.u32(NFTA_CT_EXPECT_TIMEOUT, timeout);
    w.u8(NFTA_CT_EXPECT_SIZE, size);
  },
  decode(c, unknown) {
    const out: Partial<CtExpectationFields> = {};
    while (c.next()) {
      switch (c.type) {
        case NFTA_CT_EXPECT_L3PROTO: out.l3proto = l3proto.decode(c.be16()); break;
        case NFTA_CT_EXPECT_L4PROTO: out.protocol = l4proto.decode(c.u8()); break;
        case NFTA_CT_EXPECT_DPORT: out.dport = c.be16(); break;
        case NFTA_CT_EXPECT_TIMEOUT: out.timeout = c.u32(); break;
        case NFTA_CT_EXPECT_SIZE: out.size = c.u8(); break;
        default: unknown.push(c.raw());
      }
    }
    return out;
  },
};
