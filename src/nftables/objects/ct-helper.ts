// `ct helper h1 { type "ftp" protocol tcp; l3proto ip }` (NFT_OBJECT_CT_HELPER):
// a conntrack helper that `ct helper set "h1"` assigns to connections.
import { NFT_OBJECT_CT_HELPER, NFTA_CT_HELPER_L3PROTO, NFTA_CT_HELPER_L4PROTO, NFTA_CT_HELPER_NAME } from '../../generated/nf_tables.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import { jsonOf, requireNonEmptyString } from '../../netlink/checks.js';
import { l3proto, l4proto, type L3Proto, type L4Proto } from './ct-protocols.js';
import type { ObjectKind } from './object-kind.js';

/** NF_CT_HELPER_NAME_LEN in <net/netfilter/nf_conntrack_helper.h>: the kernel's helper names, NUL included. */
const HELPER_NAME_LEN = 16;

/** The fields of a named conntrack helper. */
export interface CtHelperFields {
  /** Kernel helper name (NFTA_CT_HELPER_NAME), nft's `type "ftp"`; at most 15 bytes. */
  helper: string;
  /** Transport protocol (NFTA_CT_HELPER_L4PROTO), `protocol tcp`. */
  protocol: L4Proto | number;
  /** Network family (NFTA_CT_HELPER_L3PROTO), `l3proto ip`; absent lets the kernel use the table's family. */
  l3proto?: L3Proto | number;
}

export const ctHelperObject: ObjectKind<CtHelperFields> = {
  type: 'ct helper',
  number: NFT_OBJECT_CT_HELPER,
  keys: ['helper', 'protocol', 'l3proto'],
  encode(w, s, what) {
    const helper = requireNonEmptyString(s.helper, `${what} helper`);
    if (helper.includes('\0') || Buffer.byteLength(helper) > HELPER_NAME_LEN - 1) {
      throw new InvalidArgumentError(`${what} helper must be at most ${HELPER_NAME_LEN - 1} bytes without NUL, got ${jsonOf(helper)}`);
    }
    const l4 = l4proto.encode(s.protocol, `${what} protocol`);
    const l3 = s.l3proto === undefined ? undefined : l3proto.encode(s.l3proto, `${what} l3proto`);
    w.string(NFTA_CT_HELPER_NAME, helper);
    if (l3 !== undefined) w.be16(NFTA_CT_HELPER_L3PROTO, l3);
    w.u8(NFTA_CT_HELPER_L4PROTO, l4);
  },
  decode(c, unknown) {
    const out: Partial<CtHelperFields> = {};
    while (c.next()) {
      switch (c.type) {
        case NFTA_CT_HELPER_NAME: out.helper = c.string(); break;
        case NFTA_CT_HELPER_L3PROTO: out.l3proto = l3proto.decode(c.be16()); break;
        case NFTA_CT_HELPER_L4PROTO: out.protocol = l4proto.decode(c.u8()); break;
        default: unknown.push(c.raw());
      }
    }
    return out;
  },
};
