// `secmark s { "system_u:object_r:ssh_server_packet_t:s0" }` (NFT_OBJECT_SECMARK):
// a security context that `meta secmark set` gives packets. The kernel turns
// the context into a secid through the LSM, so it refuses these objects
// (EOPNOTSUPP or EINVAL) without one such as SELinux.
import { NFT_OBJECT_SECMARK, NFT_SECMARK_CTX_MAXLEN, NFTA_SECMARK_CTX } from '../../generated/nf_tables.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import { requireNonEmptyString } from '../../netlink/checks.js';
import type { ObjectKind } from './object-kind.js';

/** The context, NUL included, fits NFT_SECMARK_CTX_MAXLEN. */
const CTX_MAXLEN = NFT_SECMARK_CTX_MAXLEN;

/** The fields of a named secmark. */
export interface SecmarkFields {
  /** The security context (NFTA_SECMARK_CTX). */
  context: string;
}

export const secmarkObject: ObjectKind<SecmarkFields> = {
  type: 'secmark',
  number: NFT_OBJECT_SECMARK,
  keys: ['context'],
  encode(w, s, what) {
    const context = requireNonEmptyString(s.context, `${what} context`);
    if (context.includes('\0') || Buffer.byteLength(context) > CTX_MAXLEN - 1) {
      throw new InvalidArgumentError(`${what} context must be at most ${CTX_MAXLEN - 1} bytes without NUL`);
    }
    w.string(NFTA_SECMARK_CTX, context);
  },
  decode(c, unknown) {
    const out: Partial<SecmarkFields> = {};
    while (c.next()) {
      if (c.type === NFTA_SECMARK_CTX) out.context = c.string();
      else unknown.push(c.raw());
    }
    return out;
  },
};
