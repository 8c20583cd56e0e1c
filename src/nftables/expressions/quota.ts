import {
  NFT_QUOTA_F_DEPLETED, NFT_QUOTA_F_INV, NFTA_QUOTA_BYTES, NFTA_QUOTA_CONSUMED, NFTA_QUOTA_FLAGS, NFTA_QUOTA_PAD,
} from '../../generated/nf_tables.js';
import { keepUnknown, readBe64, requireUint, writeUnknown, type ExpressionCodec, type KeepsUnknown } from './codec.js';

/** `[ quota bytes 1000 consumed 0 flags 0 ]`: matches until (or, with `over`, after) `bytes` have passed. */
export interface QuotaExpression extends KeepsUnknown {
  /** The kernel's `quota` expression (nft_quota), nft's anonymous `quota` statement. */
  kind: 'quota';
  /** The quota in bytes (NFTA_QUOTA_BYTES), as in `quota over 100 mbytes`. */
  bytes: number;
  /** `quota over`: match once the quota is used up (NFT_QUOTA_F_INV); false matches until then (`quota until`). */
  over: boolean;
  /** Bytes used so far (NFTA_QUOTA_CONSUMED); on add, the starting amount. */
  consumed: number;
  /** Reported by the kernel once the quota is used up. */
  depleted?: boolean;
}

export const quotaCodec: ExpressionCodec<QuotaExpression> = {
  kind: 'quota',
  encode(w, e) {
    w.be64(NFTA_QUOTA_BYTES, requireUint(e.bytes, 'quota bytes', Number.MAX_SAFE_INTEGER));
    w.be64(NFTA_QUOTA_CONSUMED, requireUint(e.consumed ?? 0, 'quota consumed', Number.MAX_SAFE_INTEGER));
    w.be32(NFTA_QUOTA_FLAGS, e.over ? NFT_QUOTA_F_INV : 0);
    writeUnknown(w, e.unknown);
  },
  decode(c) {
    const e: QuotaExpression = { kind: 'quota', bytes: 0, over: false, consumed: 0 };
    while (c.next()) {
      switch (c.type) {
        case NFTA_QUOTA_BYTES: e.bytes = readBe64(c); break;
        case NFTA_QUOTA_CONSUMED: e.consumed = readBe64(c); break;
        case NFTA_QUOTA_FLAGS: {
          const flags = c.be32();
          e.over = (flags & NFT_QUOTA_F_INV) !== 0;
          if (flags & NFT_QUOTA_F_DEPLETED) e.depleted = true;
          break;
        }
        case NFTA_QUOTA_PAD: break;
        default: keepUnknown(e, c);
      }
    }
    return e;
  },
};
