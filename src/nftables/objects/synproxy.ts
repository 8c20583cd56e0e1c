// `synproxy s1 { mss 1460 wscale 7 timestamp sack-perm }` (NFT_OBJECT_SYNPROXY):
// SYN cookies answered on the servers' behalf, with the TCP options to announce.
import { NFT_OBJECT_SYNPROXY, NFTA_SYNPROXY_FLAGS, NFTA_SYNPROXY_MSS, NFTA_SYNPROXY_WSCALE } from '../../generated/nf_tables.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import { describeValue, jsonOf, requireArray, requireInteger } from '../../netlink/checks.js';
import type { ObjectKind } from './object-kind.js';

// NF_SYNPROXY_OPT_* of <linux/netfilter/nf_synproxy.h> (not among the generated headers yet).
const OPT_MSS = 0x01;
const OPT_WSCALE = 0x02;
const OPT_SACK_PERM = 0x04;
const OPT_TIMESTAMP = 0x08;
/** TCP_MAX_WSCALE in <net/tcp.h>. */
const MAX_WSCALE = 14;

/** TCP options the proxy announces besides mss and wscale, in nft's words. */
export type SynproxyFlag = 'timestamp' | 'sack-perm';
const FLAG_BITS: Record<SynproxyFlag, number> = { timestamp: OPT_TIMESTAMP, 'sack-perm': OPT_SACK_PERM };

/** The fields of a named synproxy. */
export interface SynproxyFields {
  /** Maximum segment size announced (NFTA_SYNPROXY_MSS, sets NF_SYNPROXY_OPT_MSS); absent when not announced. */
  mss?: number;
  /** Window scale announced, 0-14 (NFTA_SYNPROXY_WSCALE, sets NF_SYNPROXY_OPT_WSCALE); absent when not announced. */
  wscale?: number;
  /** `timestamp`, `sack-perm` (NFTA_SYNPROXY_FLAGS); a listed object shows other bits as `0x..` strings. */
  flags?: (SynproxyFlag | `0x${string}`)[];
}

export const synproxyObject: ObjectKind<SynproxyFields> = {
  type: 'synproxy',
  number: NFT_OBJECT_SYNPROXY,
  keys: ['mss', 'wscale', 'flags'],
  encode(w, s, what) {
    let options = 0;
    const mss = s.mss === undefined ? 0 : requireInteger(s.mss, `${what} mss`, 0, 0xffff);
    if (s.mss !== undefined) options |= OPT_MSS;
    const wscale = s.wscale === undefined ? 0 : requireInteger(s.wscale, `${what} wscale`, 0, MAX_WSCALE);
    if (s.wscale !== undefined) options |= OPT_WSCALE;
    for (const flag of s.flags === undefined ? [] : requireArray<unknown>(s.flags, `${what} flags`)) {
      if (typeof flag === 'string' && Object.prototype.hasOwnProperty.call(FLAG_BITS, flag)) options |= FLAG_BITS[flag as SynproxyFlag];
      else throw new InvalidArgumentError(`${what} flags: unknown flag ${typeof flag === 'string' ? jsonOf(flag) : describeValue(flag)}; use any of ${Object.keys(FLAG_BITS).join(', ')}`);
    }
    w.be16(NFTA_SYNPROXY_MSS, mss);
    w.u8(NFTA_SYNPROXY_WSCALE, wscale);
    w.be32(NFTA_SYNPROXY_FLAGS, options);
  },
  decode(c, unknown) {
    let mss: number | undefined;
    let wscale: number | undefined;
    let options = 0;
    while (c.next()) {
      switch (c.type) {
        case NFTA_SYNPROXY_MSS: mss = c.be16(); break;
        case NFTA_SYNPROXY_WSCALE: wscale = c.u8(); break;
        case NFTA_SYNPROXY_FLAGS: options = c.be32(); break;
        default: unknown.push(c.raw());
      }
    }
    // The kernel always reports mss and wscale; they count only when their option bit is set.
    const out: SynproxyFields = { flags: [] };
    if (options & OPT_MSS && mss !== undefined) out.mss = mss;
    if (options & OPT_WSCALE && wscale !== undefined) out.wscale = wscale;
    for (const [name, bit] of Object.entries(FLAG_BITS) as [SynproxyFlag, number][]) if (options & bit) out.flags!.push(name);
    const rest = options & ~(OPT_MSS | OPT_WSCALE | OPT_SACK_PERM | OPT_TIMESTAMP);
    if (rest) out.flags!.push(`0x${(rest >>> 0).toString(16)}`);
    return out;
  },
};
