import { NFT_REG_VERDICT, NFTA_IMMEDIATE_DATA, NFTA_IMMEDIATE_DREG } from '../../generated/nf_tables.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import { readData, writeDataValue, writeDataVerdict, type Verdict } from '../protocol/data.js';
import { keepUnknown, requireBytes, requireRegister, writeUnknown, type ExpressionCodec, type KeepsUnknown } from './codec.js';

/** `[ immediate reg 1 0x0200000a ]`: constant bytes into a register. */
export interface ImmediateDataExpression extends KeepsUnknown {
  /** The kernel's `immediate` expression (nft_immediate), loading data. */
  kind: 'immediate';
  /** Register loaded (NFTA_IMMEDIATE_DREG): 1-4 for the 128-bit registers, 8-23 for the 32-bit ones. */
  dreg: number;
  /** The constant bytes (NFTA_IMMEDIATE_DATA, NFTA_DATA_VALUE), at most 16. */
  data: Buffer;
}

/** `[ immediate reg 0 accept ]`: the rule's verdict (register 0). */
export interface ImmediateVerdictExpression extends KeepsUnknown {
  /** The kernel's `immediate` expression (nft_immediate), setting the verdict. */
  kind: 'immediate';
  /** Always 0, NFT_REG_VERDICT. */
  dreg: 0;
  /** The verdict (NFTA_DATA_VERDICT): accept, drop, jump/goto a chain, return... */
  verdict: Verdict;
}

/** The `immediate` expression in either form: data into a register, or the rule's verdict. */
export type ImmediateExpression = ImmediateDataExpression | ImmediateVerdictExpression;

export const immediateCodec: ExpressionCodec<ImmediateExpression> = {
  kind: 'immediate',
  encode(w, e) {
    if ('verdict' in e && e.verdict !== undefined) {
      if (e.dreg !== NFT_REG_VERDICT) throw new InvalidArgumentError('an immediate verdict goes to register 0 (dreg: 0)');
      w.be32(NFTA_IMMEDIATE_DREG, NFT_REG_VERDICT);
      writeDataVerdict(w, NFTA_IMMEDIATE_DATA, e.verdict);
    } else {
      const d = e as ImmediateDataExpression;
      w.be32(NFTA_IMMEDIATE_DREG, requireRegister(d.dreg, 'immediate dreg'));
      writeDataValue(w, NFTA_IMMEDIATE_DATA, requireBytes(d.data, 'immediate data'));
    }
    writeUnknown(w, e.unknown);
  },
  decode(c) {
    const e: Partial<ImmediateDataExpression & ImmediateVerdictExpression> & { kind: 'immediate' } = { kind: 'immediate' };
    while (c.next()) {
      switch (c.type) {
        case NFTA_IMMEDIATE_DREG: e.dreg = c.be32() as 0; break;
        case NFTA_IMMEDIATE_DATA: {
          const data = readData(c);
          if ('verdict' in data) e.verdict = data.verdict;
          else e.data = data.value;
          break;
        }
        default: keepUnknown(e, c);
      }
    }
    return e as ImmediateExpression;
  },
};
