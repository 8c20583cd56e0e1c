// Raw (undecoded) expressions travel back to the kernel as listed, except for the few
// attributes the kernel puts in every dump but refuses when a rule is added.
import {
  NFT_EXTHDR_OP_TCPOPT, NFTA_EXTHDR_DREG, NFTA_EXTHDR_FLAGS, NFTA_EXTHDR_LEN, NFTA_EXTHDR_OFFSET, NFTA_EXTHDR_OP,
  NFTA_EXTHDR_SREG, NFTA_OSF_FLAGS,
} from '../../generated/nf_tables.js';

/** One attribute of a raw NFTA_EXPR_DATA payload: its type (flag bits masked off), value, and where it lies (header and padding included). */
interface RawSpan {
  type: number;
  value: Buffer;
  start: number;
  end: number;
}

const NLA_TYPE_MASK = 0x3fff;

function spans(data: Buffer): RawSpan[] | undefined {
  const out: RawSpan[] = [];
  let off = 0;
  while (off + 4 <= data.length) {
    const len = data.readUInt16LE(off);
    if (len < 4 || off + len > data.length) return undefined; // not a clean attribute stream: leave it alone
    const end = Math.min(data.length, off + ((len + 3) & ~3));
    out.push({ type: data.readUInt16LE(off + 2) & NLA_TYPE_MASK, value: data.subarray(off + 4, off + len), start: off, end });
    off = end;
  }
  return off === data.length ? out : undefined;
}

function be32(a: RawSpan | undefined): number | undefined {
  return a && a.value.length >= 4 ? a.value.readUInt32BE(0) : undefined;
}

/**
 * Per expression kind: given the attributes the kernel dumped, the types a write must leave out.
 * Only attributes the kernel lists but rejects on NFT_MSG_NEWRULE belong here.
 */
const refusedOnWrite: Record<string, (attrs: RawSpan[]) => readonly number[]> = {
  // nft_exthdr: dumps always carry NFTA_EXTHDR_FLAGS (and the strip op also OFFSET and LEN),
  // but nft_exthdr_tcp_set_init refuses DREG and FLAGS, and nft_exthdr_tcp_strip_init
  // (`reset tcp option ...`) refuses SREG, DREG, FLAGS, OFFSET and LEN.
  exthdr(attrs) {
    const has = (type: number) => attrs.some((a) => a.type === type);
    if (has(NFTA_EXTHDR_SREG)) return [NFTA_EXTHDR_DREG, NFTA_EXTHDR_FLAGS];
    const op = be32(attrs.find((a) => a.type === NFTA_EXTHDR_OP));
    if (!has(NFTA_EXTHDR_DREG) && op === NFT_EXTHDR_OP_TCPOPT) {
      return [NFTA_EXTHDR_FLAGS, NFTA_EXTHDR_OFFSET, NFTA_EXTHDR_LEN];
    }
    return [];
  },
  // nft_osf: dumps always carry NFTA_OSF_FLAGS, but nft_osf_init accepts it only as
  // NFT_OSF_F_VERSION; flags 0 (no `version`) must not be sent at all.
  osf(attrs) {
    return be32(attrs.find((a) => a.type === NFTA_OSF_FLAGS)) === 0 ? [NFTA_OSF_FLAGS] : [];
  },
};

/**
 * The NFTA_EXPR_DATA payload to send for a raw expression of kind `name`: `data` verbatim,
 * minus the attributes the kernel dumps for that kind but refuses when a rule is added.
 */
export function rawDataForWrite(name: string, data: Buffer): Buffer {
  const refused = refusedOnWrite[name];
  if (!refused) return data;
  const attrs = spans(data);
  if (!attrs) return data;
  const drop = new Set(refused(attrs));
  if (!attrs.some((a) => drop.has(a.type))) return data;
  return Buffer.concat(attrs.filter((a) => !drop.has(a.type)).map((a) => data.subarray(a.start, a.end)));
}
