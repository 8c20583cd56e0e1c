// Header options and extension headers, which the kernel's `exthdr` expression
// finds by walking the packet: `{"exthdr": {"name": "frag", "field": "id"}}`
// (IPv6 extension headers), `{"tcp option": {...}}`, `{"ip option": {...}}`,
// `{"sctp chunk": {...}}`. Field layouts as nft 1.0.6 defines them
// (src/exthdr.c, src/tcpopt.c, src/ipopt.c, src/sctp_chunk.c): offsets and
// widths in bits from the start of the option, header or chunk.
import {
  NFT_EXTHDR_F_PRESENT, NFT_EXTHDR_OP_IPV4, NFT_EXTHDR_OP_IPV6, NFT_EXTHDR_OP_SCTP, NFT_EXTHDR_OP_TCPOPT, NFT_REG_1,
  NFTA_EXTHDR_DREG, NFTA_EXTHDR_FLAGS, NFTA_EXTHDR_LEN, NFTA_EXTHDR_OFFSET, NFTA_EXTHDR_OP, NFTA_EXTHDR_SREG, NFTA_EXTHDR_TYPE,
} from '../../../generated/nf_tables.js';
import type { Expression } from '../../expressions/types.js';
import { DATATYPES, integerType, type Datatype } from '../../objects/datatypes.js';
import type { NetworkProtocol } from '../../builder/linearizer.js';
import { bitSpan, type Field } from './fields.js';
import type { JsonNode } from './reader.js';
import { rawExpression } from './raw-expression.js';

type Layout = Record<string, [bitOffset: number, bitLength: number, type?: Datatype]>;

interface Header {
  /** NFTA_EXTHDR_TYPE: the extension header's protocol number, the option's kind, the chunk's type. */
  type: number;
  fields: Layout;
}

const T = DATATYPES;

const NEXT: Layout = { nexthdr: [0, 8, T.inet_proto!], hdrlength: [8, 8] };
const RT: Layout = { ...NEXT, type: [16, 8], 'seg-left': [24, 8] };

const IPV6: Record<string, Header> = {
  hbh: { type: 0, fields: NEXT },
  rt: { type: 43, fields: RT },
  srh: { type: 43, fields: { ...RT, 'last-entry': [32, 8], flags: [40, 8], tag: [48, 16] } },
  frag: { type: 44, fields: { nexthdr: [0, 8, T.inet_proto!], reserved: [8, 8], 'frag-off': [16, 13], reserved2: [29, 2], 'more-fragments': [31, 1], id: [32, 32] } },
  dst: { type: 60, fields: NEXT },
  mh: { type: 135, fields: { ...NEXT, type: [16, 8, T.mh_type!], reserved: [24, 8], checksum: [32, 16] } },
};

const KIND: Layout = { kind: [0, 8], length: [8, 8] };
const sack = (n: number): Layout => ({ left: [16 + 64 * n, 32], right: [48 + 64 * n, 32] });

const TCP: Record<string, Header> = {
  eol: { type: 0, fields: { kind: [0, 8] } },
  nop: { type: 1, fields: { kind: [0, 8] } },
  maxseg: { type: 2, fields: { ...KIND, size: [16, 16] } },
  window: { type: 3, fields: { ...KIND, count: [16, 8] } },
  'sack-perm': { type: 4, fields: KIND },
  sack: { type: 5, fields: { ...KIND, ...sack(0) } },
  sack0: { type: 5, fields: { ...KIND, ...sack(0) } },
  sack1: { type: 5, fields: { ...KIND, ...sack(1) } },
  sack2: { type: 5, fields: { ...KIND, ...sack(2) } },
  sack3: { type: 5, fields: { ...KIND, ...sack(3) } },
  timestamp: { type: 8, fields: { ...KIND, tsval: [16, 32], tsecr: [48, 32] } },
  mptcp: { type: 30, fields: { ...KIND, subtype: [16, 4] } },
};

const ROUTE: Layout = { type: [0, 8], length: [8, 8], ptr: [16, 8], addr: [24, 32, T.ipv4_addr!] };
const IP: Record<string, Header> = {
  lsrr: { type: 131, fields: ROUTE },
  rr: { type: 7, fields: ROUTE },
  ssrr: { type: 137, fields: ROUTE },
  ra: { type: 148, fields: { type: [0, 8], length: [8, 8], value: [16, 16] } },
};

const CHUNK: Layout = { type: [0, 8], flags: [8, 8], length: [16, 16] };
const INIT: Layout = { ...CHUNK, 'init-tag': [32, 32], 'a-rwnd': [64, 32], 'num-outbound-streams': [96, 16], 'num-inbound-streams': [112, 16], 'initial-tsn': [128, 32] };
const chunk = (type: number, fields: Layout = {}): Header => ({ type, fields: { ...CHUNK, ...fields } });
const SCTP: Record<string, Header> = {
  data: chunk(0, { tsn: [32, 32], stream: [64, 16], ssn: [80, 16], ppid: [96, 32] }),
  init: chunk(1, INIT),
  'init-ack': chunk(2, INIT),
  sack: chunk(3, { 'cum-tsn-ack': [32, 32], 'a-rwnd': [64, 32], 'num-gap-ack-blocks': [96, 16], 'num-dup-tsns': [112, 16] }),
  heartbeat: chunk(4),
  'heartbeat-ack': chunk(5),
  abort: chunk(6),
  shutdown: chunk(7, { 'cum-tsn-ack': [32, 32] }),
  'shutdown-ack': chunk(8),
  error: chunk(9),
  'cookie-echo': chunk(10),
  'cookie-ack': chunk(11),
  ecne: chunk(12, { 'lowest-tsn': [32, 32] }),
  cwr: chunk(13, { 'lowest-tsn': [32, 32] }),
  'shutdown-complete': chunk(14),
  'asconf-ack': chunk(0x80, { seqno: [32, 32] }),
  'forward-tsn': chunk(0xc0, { 'new-cum-tsn': [32, 32] }),
  asconf: chunk(0xc1, { seqno: [32, 32] }),
};

/** The JSON names of the four kinds, their tables, the kernel's op, and the protocol nft matches first. */
const KINDS: Record<string, { headers: Record<string, Header>; op: number; network?: NetworkProtocol; raw?: boolean }> = {
  exthdr: { headers: IPV6, op: NFT_EXTHDR_OP_IPV6, network: 'ip6' },
  'tcp option': { headers: TCP, op: NFT_EXTHDR_OP_TCPOPT, raw: true },
  'ip option': { headers: IP, op: NFT_EXTHDR_OP_IPV4, network: 'ip' },
  'sctp chunk': { headers: SCTP, op: NFT_EXTHDR_OP_SCTP },
};

export const EXTHDR_KINDS = Object.keys(KINDS);

/** What an exthdr left-hand side reads, and how it is written (`tcp option maxseg size set 1400`) or tested for presence. */
export interface ExthdrField extends Field {
  /** The store of register `sreg` into the field. */
  store(sreg: number): Expression;
  /** `exists` / `missing`: the presence test, loading 1 or 0. */
  presence(dreg: number): Expression;
  /** Whether a field was named (a bare header or option only has presence). */
  whole: boolean;
}

/** `{"<kind>": {"name": ..., "field": ...}}`, or for tcp options also `{"base": kind, "offset": bits, "len": bits}`. */
export function exthdr(kind: string, node: JsonNode): ExthdrField {
  const k = KINDS[kind]!;
  let type: number;
  let bitOffset = 0;
  let bitLength = 8;
  let datatype: Datatype | undefined;
  let name: string;
  let whole = false;
  if (k.raw && !node.at('base').isMissing()) {
    node.object(['base', 'offset', 'len']);
    type = node.at('base').integer(255);
    bitOffset = node.at('offset').integer(0xffff);
    bitLength = node.at('len').integer(128 * 8, 1);
    name = `${kind} @${type},${bitOffset},${bitLength}`;
  } else {
    node.object(['name', 'field']);
    const headerName = node.at('name').string();
    const header = Object.hasOwn(k.headers, headerName) ? k.headers[headerName]! : node.at('name').fail(`"${headerName}" is not a ${kind} (known: ${Object.keys(k.headers).join(', ')})`);
    type = header.type;
    name = `${kind} ${headerName}`;
    const fieldNode = node.at('field');
    if (fieldNode.isMissing()) {
      whole = true;
    } else {
      const fieldName = fieldNode.string();
      const sid = /^sid\[(\d+)\]$/.exec(fieldName);
      let layout: [number, number, Datatype?] | undefined;
      if (sid && headerName === 'srh' && Number(sid[1]) >= 1 && Number(sid[1]) <= 127) layout = [64 + 128 * (Number(sid[1]) - 1), 128, T.ipv6_addr!];
      else layout = Object.hasOwn(header.fields, fieldName) ? header.fields[fieldName] : undefined;
      if (!layout) return fieldNode.fail(`${kind} ${headerName} has no field "${fieldName}" (known: ${Object.keys(header.fields).join(', ')}${headerName === 'srh' ? ', sid[1]...' : ''})`);
      [bitOffset, bitLength, datatype] = layout;
      name = `${name} ${fieldName}`;
    }
  }
  const span = bitSpan(bitOffset, bitLength);
  const type_ = datatype ?? integerType('integer', 0, span.bytes, 'big');
  const attributes = (first: [number, number], flags: number, offset: number, len: number) => rawExpression('exthdr', [
    first, [NFTA_EXTHDR_TYPE, type, 1], [NFTA_EXTHDR_OFFSET, offset], [NFTA_EXTHDR_LEN, len], [NFTA_EXTHDR_FLAGS, flags], [NFTA_EXTHDR_OP, k.op],
  ]);
  const loadAt = (dreg: number): Expression => attributes([NFTA_EXTHDR_DREG, dreg], 0, span.offset, span.bytes);
  const field: ExthdrField = {
    name, type: type_, length: span.bytes, load: () => loadAt(NFT_REG_1), loadAt, whole,
    store: (sreg) => attributes([NFTA_EXTHDR_SREG, sreg], 0, span.offset, span.bytes),
    presence: (dreg) => attributes([NFTA_EXTHDR_DREG, dreg], NFT_EXTHDR_F_PRESENT, 0, 1),
  };
  if (span.bits) field.bits = span.bits;
  const network = k.network;
  if (network) field.before = (l) => l.requireNetwork(network, name);
  return field;
}

/** `reset tcp option sack-perm`: the option's removal (no register; the kernel takes just type and op). */
export function resetOption(node: JsonNode): Expression {
  const [kind, inner] = node.single('a tcp option');
  if (kind !== 'tcp option') node.fail(`only tcp options can be reset, not "${kind}"`);
  inner.object(['name']);
  const name = inner.at('name').string();
  const header = Object.hasOwn(TCP, name) ? TCP[name]! : inner.at('name').fail(`"${name}" is not a tcp option (known: ${Object.keys(TCP).join(', ')})`);
  return rawExpression('exthdr', [[NFTA_EXTHDR_TYPE, header.type, 1], [NFTA_EXTHDR_OFFSET, 0], [NFTA_EXTHDR_LEN, 0], [NFTA_EXTHDR_FLAGS, 0], [NFTA_EXTHDR_OP, NFT_EXTHDR_OP_TCPOPT]]);
}
