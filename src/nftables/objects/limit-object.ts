// `limit l1 { rate over 10/second burst 5 packets }` (NFT_OBJECT_LIMIT): a
// named token bucket. Its data are the limit expression's attributes.
import { NFT_LIMIT_F_INV, NFT_LIMIT_PKT_BYTES, NFT_LIMIT_PKTS, NFT_OBJECT_LIMIT, NFTA_LIMIT_BURST, NFTA_LIMIT_FLAGS, NFTA_LIMIT_PAD, NFTA_LIMIT_RATE, NFTA_LIMIT_TYPE, NFTA_LIMIT_UNIT } from '../../generated/nf_tables.js';
import { requireBoolean, requireInteger, requireOneOf } from '../../netlink/checks.js';
import { LIMIT_UNITS, type LimitUnit } from '../expressions/limit.js';
import type { ObjectKind } from './object-kind.js';

/** The fields of a named limit. */
export interface LimitObjectFields {
  /** Packets (or bytes, with `per: 'bytes'`) per `unit` (NFTA_LIMIT_RATE): `rate 10/second` is 10. */
  rate: number;
  /** The period (NFTA_LIMIT_UNIT, in seconds): `second`, `minute`, `hour`, `day`, `week`, or other seconds as a number. */
  unit: LimitUnit | number;
  /** What the limit counts (NFTA_LIMIT_TYPE), nft's burst unit: `packets` (default) or `bytes`. */
  per?: 'packets' | 'bytes';
  /** Packets (or bytes) allowed beyond the rate (NFTA_LIMIT_BURST, `burst 5 packets`); default 0 (the kernel's default). */
  burst?: number;
  /** `rate over ...` (NFT_LIMIT_F_INV): match once the rate is exceeded. */
  over?: boolean;
}

const U64 = Number.MAX_SAFE_INTEGER;

export const limitObject: ObjectKind<LimitObjectFields> = {
  type: 'limit',
  number: NFT_OBJECT_LIMIT,
  keys: ['rate', 'unit', 'per', 'burst', 'over'],
  encode(w, s, what) {
    const rate = requireInteger(s.rate, `${what} rate`, 1, U64);
    const unit = typeof s.unit === 'string'
      ? LIMIT_UNITS[requireOneOf(s.unit, `${what} unit`, Object.keys(LIMIT_UNITS) as LimitUnit[])]
      : requireInteger(s.unit, `${what} unit (seconds, or one of ${Object.keys(LIMIT_UNITS).join(', ')})`, 1, U64);
    const per = s.per === undefined ? 'packets' : requireOneOf(s.per, `${what} per`, ['packets', 'bytes'] as const);
    const burst = s.burst === undefined ? 0 : requireInteger(s.burst, `${what} burst`, 0, 0xffffffff);
    const over = s.over === undefined ? false : requireBoolean(s.over, `${what} over`);
    w.be64(NFTA_LIMIT_RATE, rate);
    w.be64(NFTA_LIMIT_UNIT, unit);
    w.be32(NFTA_LIMIT_BURST, burst);
    w.be32(NFTA_LIMIT_TYPE, per === 'bytes' ? NFT_LIMIT_PKT_BYTES : NFT_LIMIT_PKTS);
    w.be32(NFTA_LIMIT_FLAGS, over ? NFT_LIMIT_F_INV : 0);
  },
  decode(c, unknown) {
    const out: LimitObjectFields = { rate: 0, unit: 0, per: 'packets', burst: 0, over: false };
    while (c.next()) {
      switch (c.type) {
        case NFTA_LIMIT_RATE: out.rate = Number(c.be64()); break;
        case NFTA_LIMIT_UNIT: {
          const seconds = Number(c.be64());
          out.unit = (Object.keys(LIMIT_UNITS) as LimitUnit[]).find((u) => LIMIT_UNITS[u] === seconds) ?? seconds;
          break;
        }
        case NFTA_LIMIT_BURST: out.burst = c.be32(); break;
        case NFTA_LIMIT_TYPE: {
          const type = c.be32();
          if (type === NFT_LIMIT_PKTS) out.per = 'packets';
          else if (type === NFT_LIMIT_PKT_BYTES) out.per = 'bytes';
          else unknown.push(c.raw());
          break;
        }
        case NFTA_LIMIT_FLAGS: {
          const flags = c.be32();
          out.over = (flags & NFT_LIMIT_F_INV) !== 0;
          if (flags & ~NFT_LIMIT_F_INV) unknown.push(c.raw());
          break;
        }
        case NFTA_LIMIT_PAD: break;
        default: unknown.push(c.raw());
      }
    }
    return out;
  },
};
