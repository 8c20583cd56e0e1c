import {
  NFT_LIMIT_F_INV, NFT_LIMIT_PKT_BYTES, NFT_LIMIT_PKTS, NFTA_LIMIT_BURST, NFTA_LIMIT_FLAGS, NFTA_LIMIT_PAD,
  NFTA_LIMIT_RATE, NFTA_LIMIT_TYPE, NFTA_LIMIT_UNIT,
} from '../../generated/nf_tables.js';
import { EnumNames, keepUnknown, readBe64, requireUint, writeUnknown, type ExpressionCodec, type KeepsUnknown } from './codec.js';

/** What a limit counts (NFTA_LIMIT_TYPE): `packets` (`limit rate 10/second`) or `bytes` (`limit rate 1 mbytes/second`). */
export type LimitType = 'packets' | 'bytes';
const limitTypes = new EnumNames<LimitType>('limit type', { packets: NFT_LIMIT_PKTS, bytes: NFT_LIMIT_PKT_BYTES });

/** Seconds per unit, as `limit rate 10/minute` counts them. */
export const LIMIT_UNITS = {
  /** `/second`: 1 s. */
  second: 1,
  /** `/minute`: 60 s. */
  minute: 60,
  /** `/hour`: 3600 s. */
  hour: 3600,
  /** `/day`: 86400 s. */
  day: 86400,
  /** `/week`: 604800 s. */
  week: 604800,
} as const;
/** A period nft names: `second`, `minute`, `hour`, `day`, `week`. */
export type LimitUnit = keyof typeof LIMIT_UNITS;

/** `[ limit rate 10/second burst 5 type packets flags 0x0 ]`: matches while under a token-bucket rate. */
export interface LimitExpression extends KeepsUnknown {
  /** The kernel's `limit` expression (nft_limit). */
  kind: 'limit';
  /** Packets (or bytes) per `unit` seconds. */
  rate: number;
  /** Length of the period in seconds (see LIMIT_UNITS). */
  unit: number;
  /** Packets (or bytes) allowed above the rate in a burst (NFTA_LIMIT_BURST, nft's `burst 5 packets`); 0 lets the kernel pick its default. */
  burst: number;
  /** What is counted; a raw number for a type nlkit does not name. */
  type: LimitType | number;
  /** `limit rate over ...`: match once the rate is exceeded. */
  invert: boolean;
}

export const limitCodec: ExpressionCodec<LimitExpression> = {
  kind: 'limit',
  encode(w, e) {
    w.be64(NFTA_LIMIT_RATE, requireUint(e.rate, 'limit rate', Number.MAX_SAFE_INTEGER));
    w.be64(NFTA_LIMIT_UNIT, requireUint(e.unit, 'limit unit', Number.MAX_SAFE_INTEGER));
    w.be32(NFTA_LIMIT_BURST, requireUint(e.burst ?? 0, 'limit burst'));
    w.be32(NFTA_LIMIT_TYPE, limitTypes.encode(e.type ?? 'packets'));
    w.be32(NFTA_LIMIT_FLAGS, e.invert ? NFT_LIMIT_F_INV : 0);
    writeUnknown(w, e.unknown);
  },
  decode(c) {
    const e: LimitExpression = { kind: 'limit', rate: 0, unit: 0, burst: 0, type: 'packets', invert: false };
    while (c.next()) {
      switch (c.type) {
        case NFTA_LIMIT_RATE: e.rate = readBe64(c); break;
        case NFTA_LIMIT_UNIT: e.unit = readBe64(c); break;
        case NFTA_LIMIT_BURST: e.burst = c.be32(); break;
        case NFTA_LIMIT_TYPE: e.type = limitTypes.decode(c.be32()); break;
        case NFTA_LIMIT_FLAGS: e.invert = (c.be32() & NFT_LIMIT_F_INV) !== 0; break;
        case NFTA_LIMIT_PAD: break;
        default: keepUnknown(e, c);
      }
    }
    return e;
  },
};
