import {
  NFT_BREAK, NFT_CONTINUE, NFT_GOTO, NFT_JUMP, NFT_RETURN, NFTA_DATA_VALUE, NFTA_DATA_VERDICT,
  NFTA_VERDICT_CHAIN, NFTA_VERDICT_CODE, NFT_DATA_VALUE_MAXLEN,
} from '../../generated/nf_tables.js';
import { NF_ACCEPT, NF_DROP, NF_QUEUE, NF_REPEAT, NF_STOLEN, NF_STOP } from '../../generated/netfilter.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import type { AttributeCursor } from '../../netlink/attributes.js';
import type { MessageWriter } from '../../netlink/writer.js';
import { jsonOf } from '../../netlink/checks.js';

/** A verdict as nft names it: `accept`, `drop`, `queue`, `continue`, `return`, `jump`, `goto`; `break` (NFT_BREAK) ends the rule; `stolen`, `repeat` and `stop` are rare netfilter verdicts. */
export type VerdictCode = 'accept' | 'drop' | 'continue' | 'break' | 'return' | 'jump' | 'goto' | 'queue' | 'stolen' | 'repeat' | 'stop';

/** A verdict as immediate data or set element data; `chain` for jump and goto. */
export interface Verdict {
  /** What happens to the packet. */
  code: VerdictCode;
  /** Target chain of `jump` and `goto` (NFTA_VERDICT_CHAIN), in the same table; absent for the other codes. */
  chain?: string;
}

const CODES: Record<VerdictCode, number> = {
  accept: NF_ACCEPT,
  drop: NF_DROP,
  queue: NF_QUEUE,
  stolen: NF_STOLEN,
  repeat: NF_REPEAT,
  stop: NF_STOP,
  continue: NFT_CONTINUE,
  break: NFT_BREAK,
  jump: NFT_JUMP,
  goto: NFT_GOTO,
  return: NFT_RETURN,
};
const NAMES = new Map<number, VerdictCode>(Object.entries(CODES).map(([k, v]) => [v, k as VerdictCode]));

export function requireVerdict(verdict: Verdict, what = 'verdict'): Verdict {
  if (verdict === null || typeof verdict !== 'object' || !(verdict.code in CODES)) {
    throw new InvalidArgumentError(`${what} must be { code } with code one of ${Object.keys(CODES).join(', ')}; got ${jsonOf(verdict)}`);
  }
  const needsChain = verdict.code === 'jump' || verdict.code === 'goto';
  if (needsChain && (typeof verdict.chain !== 'string' || verdict.chain === '')) {
    throw new InvalidArgumentError(`${what} ${verdict.code} needs the name of the chain to ${verdict.code} to`);
  }
  if (!needsChain && verdict.chain !== undefined) throw new InvalidArgumentError(`${what} ${verdict.code} takes no chain`);
  return verdict;
}

/** Writes struct nft_data as the kernel parses it: a nest holding NFTA_DATA_VALUE bytes. */
export function writeDataValue(writer: MessageWriter, type: number, value: Uint8Array): void {
  if (value.length === 0 || value.length > NFT_DATA_VALUE_MAXLEN) {
    throw new InvalidArgumentError(`data value is ${value.length} bytes; it must be 1-${NFT_DATA_VALUE_MAXLEN}`);
  }
  const nest = writer.beginNested(type);
  writer.binary(NFTA_DATA_VALUE, value);
  writer.endNested(nest);
}

/** Writes a verdict as nft_data: a nest holding NFTA_DATA_VERDICT { code, chain }. */
export function writeDataVerdict(writer: MessageWriter, type: number, verdict: Verdict): void {
  requireVerdict(verdict);
  const nest = writer.beginNested(type);
  const inner = writer.beginNested(NFTA_DATA_VERDICT);
  writer.be32(NFTA_VERDICT_CODE, CODES[verdict.code] >>> 0);
  if (verdict.chain !== undefined) writer.string(NFTA_VERDICT_CHAIN, verdict.chain);
  writer.endNested(inner);
  writer.endNested(nest);
}

export type NftData = { value: Buffer } | { verdict: Verdict };

/** Reads the nft_data nest under the cursor's current attribute. */
export function readData(cursor: AttributeCursor): NftData {
  const c = cursor.nestedCursor();
  while (c.next()) {
    if (c.type === NFTA_DATA_VALUE) return { value: c.bytes() };
    if (c.type === NFTA_DATA_VERDICT) {
      const v = c.nestedCursor();
      let code: VerdictCode = 'continue';
      let chain: string | undefined;
      while (v.next()) {
        if (v.type === NFTA_VERDICT_CODE) {
          const n = v.s32be();
          code = NAMES.get(n) ?? (NAMES.get(n & 0xff) as VerdictCode) ?? 'continue';
        } else if (v.type === NFTA_VERDICT_CHAIN) chain = v.string();
      }
      return { verdict: chain === undefined ? { code } : { code, chain } };
    }
  }
  return { value: Buffer.alloc(0) };
}

/** Reads an nft_data nest that must be a value (cmp, bitwise, range, immediate data). */
export function readDataValue(cursor: AttributeCursor): Buffer {
  const data = readData(cursor);
  return 'value' in data ? data.value : Buffer.alloc(0);
}
