// The exthdr expression (IPv6 extension headers, TCP options, IPv4 options, SCTP chunks) as nft
// 1.0.6 names it (src/exthdr.c, src/tcpopt.c, src/ipopt.c, src/sctp_chunk.c, json.c
// exthdr_expr_json): a load, a write (`tcp option maxseg size set 1400`) or a reset.
import { NFT_EXTHDR_F_PRESENT, NFT_EXTHDR_OP_IPV4, NFT_EXTHDR_OP_IPV6, NFT_EXTHDR_OP_SCTP, NFT_EXTHDR_OP_TCPOPT } from '../../../../generated/nf_tables.js';
import { EXTHDR_OPS, type ExthdrExpression } from '../../../expressions/exthdr.js';
import { DATATYPES as T, type Datatype } from '../../../objects/datatypes.js';
import type { NftJsonValue } from '../../schema.js';
import { plainInteger } from '../values.js';
import { required, type RawExpressionContext } from './context.js';
import { INET_PROTO } from '../protocols.js';

/** A field of an option or header: bit offset and length, nft's token, the type its values print as. */
interface Template {
  token: string;
  offset: number;
  length: number;
  type: Datatype;
}

/** An option, extension header or chunk: nft's name and its fields. */
interface Desc {
  name: string;
  templates: Template[];
}

const t = (token: string, offset: number, length: number, type: Datatype = plainInteger(Math.ceil(length / 8))): Template => ({ token, offset, length, type });
const common = (): Template[] => [t('type', 0, 8), t('flags', 8, 8), t('length', 16, 16)];
const kindLength = (): Template[] => [t('kind', 0, 8), t('length', 8, 8)];

/** TCP options by kind (tcpopt.c). nft's tables are fixed-size arrays: unused slots match offset 0, length 0. */
const TCP_OPTIONS: Record<number, Desc> = {
  0: { name: 'eol', templates: [t('kind', 0, 8)] },
  1: { name: 'nop', templates: [t('kind', 0, 8)] },
  2: { name: 'maxseg', templates: [...kindLength(), t('size', 16, 16)] },
  3: { name: 'window', templates: [...kindLength(), t('count', 16, 8)] },
  4: { name: 'sack-perm', templates: kindLength() },
  5: {
    name: 'sack',
    templates: [...kindLength(), ...[0, 1, 2, 3].flatMap((n) => [t('left', 16 + n * 64, 32), t('right', 48 + n * 64, 32)])],
  },
  8: { name: 'timestamp', templates: [...kindLength(), t('tsval', 16, 32), t('tsecr', 48, 32)] },
  19: { name: 'md5sig', templates: kindLength() },
  30: { name: 'mptcp', templates: [...kindLength(), t('subtype', 16, 4)] },
  34: { name: 'fastopen', templates: kindLength() },
};

const ipOptionAddresses = (): Template[] => [t('type', 0, 8), t('length', 8, 8), t('ptr', 16, 8), t('addr', 24, 32)];

/** IPv4 options by type (ipopt.c). */
const IP_OPTIONS: Record<number, Desc> = {
  131: { name: 'lsrr', templates: ipOptionAddresses() },
  7: { name: 'rr', templates: ipOptionAddresses() },
  137: { name: 'ssrr', templates: ipOptionAddresses() },
  148: { name: 'ra', templates: [t('type', 0, 8), t('length', 8, 8), t('value', 16, 16)] },
};

const tsnChunk = (name: string, token: string): Desc => ({ name, templates: [...common(), t(token, 32, 32)] });
const initChunk = (name: string): Desc => ({
  name,
  templates: [
    ...common(), t('init-tag', 32, 32), t('a-rwnd', 64, 32), t('num-outbound-streams', 96, 16),
    t('num-inbound-streams', 112, 16), t('initial-tsn', 128, 32),
  ],
});
const plainChunk = (name: string): Desc => ({ name, templates: common() });

/** SCTP chunks by type (sctp_chunk.c). */
const SCTP_CHUNKS: Record<number, Desc> = {
  0: { name: 'data', templates: [...common(), t('tsn', 32, 32), t('stream', 64, 16), t('ssn', 80, 16), t('ppid', 96, 32)] },
  1: initChunk('init'),
  2: initChunk('init-ack'),
  3: {
    name: 'sack',
    templates: [...common(), t('cum-tsn-ack', 32, 32), t('a-rwnd', 64, 32), t('num-gap-ack-blocks', 96, 16), t('num-dup-tsns', 112, 16)],
  },
  4: plainChunk('heartbeat'),
  5: plainChunk('heartbeat-ack'),
  6: plainChunk('abort'),
  7: tsnChunk('shutdown', 'cum-tsn-ack'),
  8: plainChunk('shutdown-ack'),
  9: plainChunk('error'),
  10: plainChunk('cookie-echo'),
  11: plainChunk('cookie-ack'),
  12: tsnChunk('ecne', 'lowest-tsn'),
  13: tsnChunk('cwr', 'lowest-tsn'),
  14: plainChunk('shutdown-complete'),
  128: tsnChunk('asconf-ack', 'seqno'),
  192: tsnChunk('forward-tsn', 'new-cum-tsn'),
  193: tsnChunk('asconf', 'seqno'),
};

const nexthdr = (): Template => t('nexthdr', 0, 8, INET_PROTO);

/** IPv6 extension headers by protocol number (exthdr.c). */
const IPV6_HEADERS: Record<number, Desc> = {
  0: { name: 'hbh', templates: [nexthdr(), t('hdrlength', 8, 8)] },
  43: { name: 'rt', templates: [nexthdr(), t('hdrlength', 8, 8), t('type', 16, 8), t('seg-left', 24, 8)] },
  44: {
    name: 'frag',
    templates: [nexthdr(), t('reserved', 8, 8), t('frag-off', 16, 13), t('reserved2', 29, 2), t('more-fragments', 31, 1), t('id', 32, 32)],
  },
  60: { name: 'dst', templates: [nexthdr(), t('hdrlength', 8, 8)] },
  135: {
    name: 'mh',
    templates: [nexthdr(), t('hdrlength', 8, 8), t('type', 16, 8, T.mh_type!), t('reserved', 24, 8), t('checksum', 32, 16)],
  },
};

/** Routing header types nft tries when a routing header field is not one of `rt`'s: srh, rt0 (rt2 has none). */
const ROUTING_VARIANTS: Desc[] = [
  { name: 'srh', templates: [t('last-entry', 32, 8), t('flags', 40, 8), t('tag', 48, 16), t('sid[1]', 64, 128, T.ipv6_addr!), t('sid[2]', 192, 128, T.ipv6_addr!)] },
  { name: 'rt0', templates: [t('reserved', 32, 32), t('addr[1]', 64, 128, T.ipv6_addr!), t('addr[2]', 192, 128, T.ipv6_addr!)] },
];

const find = (desc: Desc, offset: number, length: number) => desc.templates.find((x) => x.offset === offset && x.length === length);

/** What nft names a read of `length` bits at `offset` of an option or header. */
interface Named {
  desc?: Desc;
  template?: Template;
}

function lookup(op: number, type: number, offset: number, length: number): Named {
  switch (op) {
    case NFT_EXTHDR_OP_TCPOPT: {
      const desc = TCP_OPTIONS[type];
      return desc ? { desc, template: find(desc, offset, length) } : {};
    }
    case NFT_EXTHDR_OP_IPV4: {
      const desc = IP_OPTIONS[type];
      return desc ? { desc, template: find(desc, offset, length) } : {};
    }
    case NFT_EXTHDR_OP_SCTP: {
      const desc = SCTP_CHUNKS[type];
      return desc ? { desc, template: find(desc, offset, length) } : {};
    }
    default: {
      const desc = IPV6_HEADERS[type];
      if (!desc) return {};
      const template = find(desc, offset, length);
      if (template || type !== 43) return { desc, template };
      for (const variant of ROUTING_VARIANTS) {
        const found = find(variant, offset, length);
        if (found) return { desc: variant, template: found };
      }
      return { desc };
    }
  }
}

const WRAPPER: Record<number, string> = {
  [NFT_EXTHDR_OP_TCPOPT]: 'tcp option', [NFT_EXTHDR_OP_IPV4]: 'ip option', [NFT_EXTHDR_OP_SCTP]: 'sctp chunk', [NFT_EXTHDR_OP_IPV6]: 'exthdr',
};

/**
 * The expression's JSON (exthdr_expr_json): `{"tcp option": {"name": "sack3", "field": "left"}}`. A TCP
 * option's name carries the SACK block (offset / 64) as nft prints it; an option nft does not know
 * prints as base, offset and length in bits; a presence test and a reset print no field.
 */
function exthdrJson(op: number, rawType: number, named: Named, offset: number, length: number, withField: boolean, fail: (m: string) => never): NftJsonValue {
  const wrapper = WRAPPER[op] ?? fail(`exthdr op ${op} is not one nft 1.0.6 prints`);
  if (!named.desc) {
    if (op !== NFT_EXTHDR_OP_TCPOPT) fail(`${wrapper} ${rawType} is not one nft names`);
    return { [wrapper]: { base: rawType, offset, len: length } };
  }
  const block = op === NFT_EXTHDR_OP_TCPOPT && offset >= 64 && offset < 256 ? String(Math.floor(offset / 64)) : '';
  const body: { [k: string]: NftJsonValue } = { name: named.desc.name + block };
  if (withField) body.field = named.template?.token ?? fail(`no field of ${wrapper} ${named.desc.name} is ${length} bits at bit ${offset}`);
  return { [wrapper]: body };
}

/** A load, write or reset of an option, extension header or SCTP chunk. */
export function exthdr(e: ExthdrExpression, ctx: RawExpressionContext): void {
  const op = e.op === undefined ? NFT_EXTHDR_OP_IPV6 : EXTHDR_OPS.encode(e.op);
  const rawType = required(e.type, ctx, 'exthdr', 'the type');
  const offset = (e.offset ?? 0) * 8;
  const length = (e.length ?? 0) * 8;
  const present = ((e.flags ?? 0) & NFT_EXTHDR_F_PRESENT) !== 0;
  const named = lookup(op, rawType, offset, length);
  const fail = (m: string): never => ctx.fail(`the exthdr expression: ${m}`);
  // An option or header matched by nft's dependency (`meta l4proto tcp`, `meta nfproto ipv6`) no longer needs it.
  const release = () => {
    if (op === NFT_EXTHDR_OP_TCPOPT) ctx.releaseDependency('transport');
    else if (op === NFT_EXTHDR_OP_IPV6 || op === NFT_EXTHDR_OP_IPV4) ctx.releaseDependency('network');
  };
  const { dreg, sreg } = e;
  if (dreg !== undefined) {
    release();
    if (present) {
      ctx.load(dreg, { json: exthdrJson(op, rawType, named, offset, length, false, fail), type: T.boolean!, length: length / 8, presence: true });
      return;
    }
    if (named.template || !named.desc) {
      const type = named.template?.type ?? plainInteger(length / 8);
      ctx.load(dreg, { json: exthdrJson(op, rawType, named, offset, length, true, fail), type, length: length / 8 });
      return;
    }
    // A sub-byte field (`frag more-fragments`, `tcp option mptcp subtype`): the mask of the bitwise that follows names it.
    ctx.load(dreg, {
      json: null, type: plainInteger(length / 8), length: length / 8,
      maskedField: (bitOffset, bits) => {
        const inner = lookup(op, rawType, offset + bitOffset, bits);
        if (!inner.template) return undefined;
        return { json: exthdrJson(op, rawType, inner, offset + bitOffset, bits, true, fail), type: inner.template.type };
      },
    });
    return;
  }
  if (sreg !== undefined) {
    const template = named.template ?? fail(`a write of ${length} bits at bit ${offset} that nft does not name`);
    ctx.emit({ mangle: { key: exthdrJson(op, rawType, named, offset, length, true, fail), value: ctx.value(sreg, template.type) } });
    return;
  }
  ctx.emit({ reset: exthdrJson(op, rawType, named, offset, length, false, fail) });
}
