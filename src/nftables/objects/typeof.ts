// nft's typeof userdata (UDATA_SET_KEY_TYPEOF / UDATA_SET_DATA_TYPEOF): the
// expressions a set's key or data were declared from (`typeof ct zone . ip ttl`).
//
// The kernel knows a concatenated key only as type numbers folded together and
// one total length. A part whose type is plain `integer` or `string` has no
// size of its own there, so its size and byte order come from the expression
// nft recorded: a payload field records its width in bits, a meta or ct key is
// looked up in nft's templates (src/meta.c, src/ct.c of nftables). The
// userdata itself is carried verbatim; this only reads it.
import {
  NFT_CT_AVGPKT, NFT_CT_BYTES, NFT_CT_HELPER, NFT_CT_PKTS, NFT_CT_PROTO_DST, NFT_CT_PROTO_SRC, NFT_CT_SECMARK,
  NFT_CT_ZONE, NFT_META_BRI_IIFPVID, NFT_META_CGROUP, NFT_META_CPU, NFT_META_LEN, NFT_META_NFTRACE,
  NFT_META_PRANDOM, NFT_META_SECMARK,
} from '../../generated/nf_tables.js';
import { decodeUserdata, type UserdataEntry } from '../protocol/userdata.js';

/** Size and byte order of an `integer` or `string` part, as the expression it was declared from has them. */
export interface PartHint {
  /** Width in bits. */
  bits: number;
  /** How the expression's value sits in its register. */
  byteorder: 'big' | 'host';
}

// nft's enum expr_types (include/expression.h) and its typeof TLVs (src/expression.c,
// src/payload.c, src/meta.c, src/ct.c): userspace numbers, not in the uapi.
const EXPR_PAYLOAD = 7;
const EXPR_META = 9;
const EXPR_CT = 12;
const EXPR_CONCAT = 13;
const TYPEOF_EXPR = 0;
const TYPEOF_DATA = 1;
const CONCAT_SUB_TYPE = 0;
const CONCAT_SUB_DATA = 1;
const PAYLOAD_LEN = 4;
const META_KEY = 0;
const CT_KEY = 0;

/** Meta keys whose nft datatype is plain `integer`, with their width and byte order (nft's meta_templates). */
const META_INTEGERS: ReadonlyMap<number, PartHint> = new Map([
  [NFT_META_LEN, { bits: 32, byteorder: 'host' }],
  [NFT_META_NFTRACE, { bits: 8, byteorder: 'host' }],
  [NFT_META_SECMARK, { bits: 32, byteorder: 'host' }],
  [NFT_META_CPU, { bits: 32, byteorder: 'host' }],
  [NFT_META_CGROUP, { bits: 32, byteorder: 'host' }],
  [NFT_META_PRANDOM, { bits: 32, byteorder: 'big' }],
  [NFT_META_BRI_IIFPVID, { bits: 16, byteorder: 'host' }],
]);

/** Ct keys whose nft datatype is plain `integer` or `string` (nft's ct_templates). */
const CT_INTEGERS: ReadonlyMap<number, PartHint> = new Map([
  [NFT_CT_SECMARK, { bits: 32, byteorder: 'host' }],
  [NFT_CT_HELPER, { bits: 128, byteorder: 'host' }],
  [NFT_CT_PROTO_SRC, { bits: 16, byteorder: 'big' }],
  [NFT_CT_PROTO_DST, { bits: 16, byteorder: 'big' }],
  [NFT_CT_PKTS, { bits: 64, byteorder: 'host' }],
  [NFT_CT_BYTES, { bits: 64, byteorder: 'host' }],
  [NFT_CT_AVGPKT, { bits: 64, byteorder: 'host' }],
  [NFT_CT_ZONE, { bits: 16, byteorder: 'host' }],
]);

function u32(entries: readonly UserdataEntry[], type: number): number | undefined {
  const e = entries.find((x) => x.type === type);
  return e && e.value.length === 4 ? e.value.readUInt32LE(0) : undefined;
}

function nested(entries: readonly UserdataEntry[], type: number): UserdataEntry[] | undefined {
  const e = entries.find((x) => x.type === type);
  return e ? decodeUserdata(e.value) : undefined;
}

/** The size an expression's typeof entry gives an integer or string value; undefined when it gives none nlkit knows. */
function hintOf(expr: number | undefined, data: readonly UserdataEntry[]): PartHint | undefined {
  switch (expr) {
    case EXPR_PAYLOAD: {
      // nft records the width of payload fields whose type is a plain integer; packet fields are big-endian.
      // A field of a few bits (vlan id: 12) takes whole bytes in the key.
      const bits = u32(data, PAYLOAD_LEN);
      return bits ? { bits: Math.ceil(bits / 8) * 8, byteorder: 'big' } : undefined;
    }
    case EXPR_META: {
      const key = u32(data, META_KEY);
      return key === undefined ? undefined : META_INTEGERS.get(key);
    }
    case EXPR_CT: {
      const key = u32(data, CT_KEY);
      return key === undefined ? undefined : CT_INTEGERS.get(key);
    }
    default:
      return undefined;
  }
}

/**
 * For a concatenation declared with typeof, what each part's expression says
 * about its size (undefined for a part it says nothing about); undefined when
 * the userdata entry is not a concatenation. Malformed bytes read as nothing known.
 */
export function typeofConcatHints(value: Buffer): (PartHint | undefined)[] | undefined {
  const top = decodeUserdata(value);
  if (u32(top, TYPEOF_EXPR) !== EXPR_CONCAT) return undefined;
  const parts = nested(top, TYPEOF_DATA);
  if (!parts) return undefined;
  // Parts are numbered 0, 1, 2... in the order of the concatenation.
  return [...parts].sort((a, b) => a.type - b.type).map((part) => {
    const sub = decodeUserdata(part.value);
    return hintOf(u32(sub, CONCAT_SUB_TYPE), nested(sub, CONCAT_SUB_DATA) ?? []);
  });
}
