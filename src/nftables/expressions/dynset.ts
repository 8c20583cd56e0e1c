import {
  NFT_DYNSET_F_EXPR, NFT_DYNSET_F_INV, NFT_DYNSET_OP_ADD, NFT_DYNSET_OP_DELETE, NFT_DYNSET_OP_UPDATE, NFTA_DYNSET_EXPR,
  NFTA_DYNSET_EXPRESSIONS, NFTA_DYNSET_FLAGS, NFTA_DYNSET_OP, NFTA_DYNSET_PAD, NFTA_DYNSET_SET_ID, NFTA_DYNSET_SET_NAME,
  NFTA_DYNSET_SREG_DATA, NFTA_DYNSET_SREG_KEY, NFTA_DYNSET_TIMEOUT,
} from '../../generated/nf_tables.js';
import { requireName } from '../objects/names.js';
import {
  EnumNames, FlagNames, keepUnknown, readBe64, requireRegister, requireUint, writeUnknown, type ExpressionCodec, type KeepsUnknown,
} from './codec.js';
import { decodeExpression, decodeExpressionList, encodeExpressionBody, encodeExpressionList } from './registry.js';
import type { Expression } from './types.js';

/** What the packet does to the set (NFTA_DYNSET_OP): `add` an element if absent, `update` (add, or refresh its timeout), `delete` it. */
export type DynsetOp = 'add' | 'update' | 'delete';
const dynsetOps = new EnumNames<DynsetOp>('dynset operation', {
  add: NFT_DYNSET_OP_ADD, update: NFT_DYNSET_OP_UPDATE, delete: NFT_DYNSET_OP_DELETE,
});
/** Dynset flags (NFTA_DYNSET_FLAGS): `inv` (NFT_DYNSET_F_INV) inverts the match on whether the operation succeeded, `expr` (NFT_DYNSET_F_EXPR) marks per-element expressions. */
export type DynsetFlag = 'inv' | 'expr';
const dynsetFlags = new FlagNames<DynsetFlag>('dynset', { inv: NFT_DYNSET_F_INV, expr: NFT_DYNSET_F_EXPR });

/**
 * `add @set { ip saddr timeout 10s }` / `update @set { ... }`: adds or
 * refreshes an element from registers at packet time, optionally with
 * per-element expressions (a counter, a limit).
 */
export interface DynsetExpression extends KeepsUnknown {
  /** The kernel's `dynset` expression (nft_dynset). */
  kind: 'dynset';
  /** Name of the set updated (NFTA_DYNSET_SET_NAME), written `@name` in nft. */
  set: string;
  /** NFTA_DYNSET_SET_ID of a set added in the same batch; absent for an existing set. */
  setId?: number;
  /** The operation; a raw number for one nlkit does not name. */
  op: DynsetOp | number;
  /** Register holding the element key (NFTA_DYNSET_SREG_KEY). */
  sregKey: number;
  /** Register holding the data of a map element (NFTA_DYNSET_SREG_DATA); absent for a plain set. */
  sregData?: number;
  /** Element timeout in milliseconds; 0 keeps the set's default. */
  timeout?: number;
  /** Flags as listed; unnamed bits appear as hex strings. Absent when none were sent. */
  flags?: (DynsetFlag | `0x${string}`)[];
  /** Stateful expressions attached to the new element, e.g. `counter` or `limit rate 10/second` in `add @s { ip saddr limit rate 10/second }`. */
  expressions?: Expression[];
}

export const dynsetCodec: ExpressionCodec<DynsetExpression> = {
  kind: 'dynset',
  encode(w, e) {
    w.be32(NFTA_DYNSET_SREG_KEY, requireRegister(e.sregKey, 'dynset sregKey'));
    if (e.sregData !== undefined) w.be32(NFTA_DYNSET_SREG_DATA, requireRegister(e.sregData, 'dynset sregData'));
    w.be32(NFTA_DYNSET_OP, dynsetOps.encode(e.op));
    w.string(NFTA_DYNSET_SET_NAME, requireName(e.set, 'dynset set'));
    if (e.setId !== undefined) w.be32(NFTA_DYNSET_SET_ID, requireUint(e.setId, 'dynset setId'));
    // The kernel dumps a timeout of 0 for every dynset but refuses one (EINVAL) for a set without the
    // timeout flag; 0 means "the set's default" either way, so it is not sent.
    if (e.timeout !== undefined && requireUint(e.timeout, 'dynset timeout', Number.MAX_SAFE_INTEGER) !== 0) w.be64(NFTA_DYNSET_TIMEOUT, e.timeout);
    const expressions = e.expressions ?? [];
    // One expression travels as NFTA_DYNSET_EXPR (what older kernels know); several need the list.
    if (expressions.length === 1) {
      const nest = w.beginNested(NFTA_DYNSET_EXPR);
      encodeExpressionBody(w, expressions[0]!);
      w.endNested(nest);
    } else if (expressions.length > 1) {
      encodeExpressionList(w, NFTA_DYNSET_EXPRESSIONS, expressions);
    }
    if (e.flags !== undefined) w.be32(NFTA_DYNSET_FLAGS, dynsetFlags.encode(e.flags));
    writeUnknown(w, e.unknown);
  },
  decode(c) {
    const e: Partial<DynsetExpression> = { kind: 'dynset' };
    while (c.next()) {
      switch (c.type) {
        case NFTA_DYNSET_SET_NAME: e.set = c.string(); break;
        case NFTA_DYNSET_SET_ID: e.setId = c.be32(); break;
        case NFTA_DYNSET_OP: e.op = dynsetOps.decode(c.be32()); break;
        case NFTA_DYNSET_SREG_KEY: e.sregKey = c.be32(); break;
        case NFTA_DYNSET_SREG_DATA: e.sregData = c.be32(); break;
        case NFTA_DYNSET_TIMEOUT: e.timeout = readBe64(c); break;
        case NFTA_DYNSET_FLAGS: e.flags = dynsetFlags.decode(c.be32()); break;
        case NFTA_DYNSET_EXPR: (e.expressions ??= []).push(decodeExpression(c.nestedCursor())); break;
        case NFTA_DYNSET_EXPRESSIONS: e.expressions = decodeExpressionList(c); break;
        case NFTA_DYNSET_PAD: break;
        default: keepUnknown(e, c);
      }
    }
    return e as DynsetExpression;
  },
};
