import {
  NFT_FIB_RESULT_ADDRTYPE, NFT_FIB_RESULT_OIF, NFT_FIB_RESULT_OIFNAME, NFTA_FIB_DREG, NFTA_FIB_F_DADDR, NFTA_FIB_F_IIF,
  NFTA_FIB_F_MARK, NFTA_FIB_F_OIF, NFTA_FIB_F_PRESENT, NFTA_FIB_F_SADDR, NFTA_FIB_FLAGS, NFTA_FIB_RESULT,
} from '../../generated/nf_tables.js';
import { EnumNames, FlagNames, keepUnknown, requireRegister, writeUnknown, type ExpressionCodec, type KeepsUnknown } from './codec.js';

/** What the FIB lookup yields (NFTA_FIB_RESULT): `oif` the output interface index, `oifname` its name, `type` the address type (`local`, `unicast`, `broadcast`...). */
export type FibResult = 'oif' | 'oifname' | 'type';
const fibResults = new EnumNames<FibResult>('fib result', {
  oif: NFT_FIB_RESULT_OIF, oifname: NFT_FIB_RESULT_OIFNAME, type: NFT_FIB_RESULT_ADDRTYPE,
});
/** FIB lookup inputs (NFTA_FIB_FLAGS): `saddr` or `daddr` to look up, and `mark`, `iif`, `oif` to take into account; `present` (`fib ... exists`) yields only whether a result was found. */
export type FibFlag = 'saddr' | 'daddr' | 'mark' | 'iif' | 'oif' | 'present';
const fibFlags = new FlagNames<FibFlag>('fib', {
  saddr: NFTA_FIB_F_SADDR, daddr: NFTA_FIB_F_DADDR, mark: NFTA_FIB_F_MARK, iif: NFTA_FIB_F_IIF, oif: NFTA_FIB_F_OIF,
  present: NFTA_FIB_F_PRESENT,
});

/** `[ fib daddr type => reg 1 ]`: a routing lookup for the packet (address type, output interface). */
export interface FibExpression extends KeepsUnknown {
  /** The kernel's `fib` expression (nft_fib). */
  kind: 'fib';
  /** Register receiving the result (NFTA_FIB_DREG). */
  dreg: number;
  /** What is looked up; a raw number for a result nlkit does not name. */
  result: FibResult | number;
  /** Lookup inputs; `fib saddr . iif oif` is `['saddr', 'iif']` with result `oif`. */
  flags: (FibFlag | `0x${string}`)[];
}

export const fibCodec: ExpressionCodec<FibExpression> = {
  kind: 'fib',
  encode(w, e) {
    w.be32(NFTA_FIB_DREG, requireRegister(e.dreg, 'fib dreg'));
    w.be32(NFTA_FIB_RESULT, fibResults.encode(e.result));
    w.be32(NFTA_FIB_FLAGS, fibFlags.encode(e.flags));
    writeUnknown(w, e.unknown);
  },
  decode(c) {
    const e: Partial<FibExpression> = { kind: 'fib' };
    while (c.next()) {
      switch (c.type) {
        case NFTA_FIB_DREG: e.dreg = c.be32(); break;
        case NFTA_FIB_RESULT: e.result = fibResults.decode(c.be32()); break;
        case NFTA_FIB_FLAGS: e.flags = fibFlags.decode(c.be32()); break;
        default: keepUnknown(e, c);
      }
    }
    return e as FibExpression;
  },
};
