// Match sources for the rule builder that load through the expressions of nft's `rt`,
// `socket`, `numgen`, `symhash` and `tcp option`, with the datatypes and dependencies nft 1.0.6
// gives them (src/rt.c, src/socket.c, src/numgen.c, src/hash.c, src/tcpopt.c).
import { IPPROTO_TCP } from '../../generated/in.js';
import { NFT_REG_1 } from '../../generated/nf_tables.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import { describeValue, requireInteger, requireKnownKeys, requireObject } from '../../netlink/checks.js';
import type { RtKey } from '../expressions/rt.js';
import type { SocketKey } from '../expressions/socket.js';
import { DATATYPES, integerType, type Datatype } from '../objects/datatypes.js';
import type { Source } from './linearizer.js';

const hostInteger = (length: number) => integerType('integer', 0, length, 'host');

/** The keys `rt` matches on: nft's `rt classid`, `rt ip nexthop`, `rt ip6 nexthop`, `rt mtu`. */
export type RtMatchKey = Exclude<RtKey, 'xfrm'>;
const RT_TYPES: Record<RtMatchKey, { type: Datatype; name: string }> = {
  classid: { type: DATATYPES.realm!, name: 'rt classid' },
  nexthop4: { type: DATATYPES.ipv4_addr!, name: 'rt ip nexthop' },
  nexthop6: { type: DATATYPES.ipv6_addr!, name: 'rt ip6 nexthop' },
  tcpmss: { type: hostInteger(2), name: 'rt mtu' },
};

/**
 * `rt mtu`, `rt ip nexthop`...: nft puts no family match before a nexthop, even in inet tables
 * (the kernel's rt breaks the rule for a packet of the other family).
 */
export function rtSource(key: RtMatchKey): Source {
  const spec = Object.hasOwn(RT_TYPES, key) ? RT_TYPES[key] : undefined;
  if (!spec) throw new InvalidArgumentError(`rt key must be one of ${Object.keys(RT_TYPES).join(', ')}, got ${describeValue(key)}`);
  const { type, name } = spec;
  return { name, type, length: type.length, load: () => ({ kind: 'rt', key, dreg: NFT_REG_1 }) };
}

/** The keys `socket` matches on without a level: nft's `socket transparent`, `socket mark`, `socket wildcard`. */
export type SocketMatchKey = Exclude<SocketKey, 'cgroupv2'>;
const SOCKET_TYPES: Record<SocketMatchKey, Datatype> = { transparent: hostInteger(1), mark: DATATYPES.mark!, wildcard: hostInteger(1) };

export function socketSource(key: SocketMatchKey): Source {
  const type = Object.hasOwn(SOCKET_TYPES, key) ? SOCKET_TYPES[key] : undefined;
  if (!type) throw new InvalidArgumentError(`socket key must be one of ${Object.keys(SOCKET_TYPES).join(', ')}, got ${describeValue(key)}`);
  return { name: `socket ${key}`, type, length: type.length, load: () => ({ kind: 'socket', key, dreg: NFT_REG_1 }) };
}

/** What `numgen` makes: `inc` or `random` numbers 0..modulus-1, plus `offset`. */
export interface NumgenOptions {
  /** Counting up (`inc`) or at random. */
  mode: 'inc' | 'random';
  /** The numbers wrap at this, 1 or more. */
  modulus: number;
  /** Added to every number; 0 when left out. */
  offset?: number;
}
const NUMGEN_KEYS: ReadonlySet<string> = new Set(['mode', 'modulus', 'offset']);

export function numgenSource(options: NumgenOptions): Source {
  const o = requireObject<Record<string, unknown>>(options, 'numgen options', '{ mode: "inc", modulus: 2 }');
  requireKnownKeys(o, NUMGEN_KEYS, 'numgen options');
  if (o.mode !== 'inc' && o.mode !== 'random') throw new InvalidArgumentError(`numgen mode must be "inc" or "random", got ${describeValue(o.mode)}`);
  const type = o.mode;
  const modulus = requireInteger(o.modulus, 'numgen modulus', 1, 0xffffffff);
  const offset = o.offset === undefined ? 0 : requireInteger(o.offset, 'numgen offset', 0, 0xffffffff);
  const name = `numgen ${type} mod ${modulus}${offset ? ` offset ${offset}` : ''}`;
  // nft sends the offset always (0 without one), as the kernel lists it.
  return { name, type: hostInteger(4), length: 4, load: () => ({ kind: 'numgen', dreg: NFT_REG_1, modulus, type, offset }) };
}

/** What `symhash` yields: the hash of the flow modulo `modulus`, plus `offset`. */
export interface SymhashOptions {
  /** The hash is taken modulo this, 1 or more. */
  modulus: number;
  /** Added to the hash; 0 when left out. */
  offset?: number;
}

const SYMHASH_KEYS: ReadonlySet<string> = new Set(['modulus', 'offset']);

/** `symhash mod N [offset M]`: a hash of the flow, the same in both directions. */
export function symhashSource(options: SymhashOptions): Source {
  const o = requireObject<Record<string, unknown>>(options, 'symhash options', '{ modulus: 2 }');
  requireKnownKeys(o, SYMHASH_KEYS, 'symhash options');
  const m = requireInteger(o.modulus, 'symhash modulus', 1, 0xffffffff);
  const offset = o.offset === undefined ? 0 : requireInteger(o.offset, 'symhash offset', 0, 0xffffffff);
  return {
    name: `symhash mod ${m}`, type: hostInteger(4), length: 4,
    // nft sends an offset only when it is not 0.
    load: () => ({ kind: 'hash', dreg: NFT_REG_1, modulus: m, ...(offset ? { offset } : {}), type: 'sym' }),
  };
}

/** TCP options and fields the builder names (tcpopt.c): kind, then byte offset and length per field. */
export const TCP_OPTION_FIELDS: Readonly<Record<TcpOptionName, { kind: number; fields: Readonly<Record<string, readonly [offset: number, length: number]>> }>> = {
  maxseg: { kind: 2, fields: { size: [2, 2] } },
  window: { kind: 3, fields: { count: [2, 1] } },
  'sack-perm': { kind: 4, fields: {} },
  timestamp: { kind: 8, fields: { tsval: [2, 4], tsecr: [6, 4] } },
};
/** A TCP option the builder names: `maxseg` (field `size`), `window` (`count`), `sack-perm` (presence only), `timestamp` (`tsval`, `tsecr`). */
export type TcpOptionName = 'maxseg' | 'window' | 'sack-perm' | 'timestamp';

function tcpOption(name: TcpOptionName): (typeof TCP_OPTION_FIELDS)[TcpOptionName] {
  if (!Object.hasOwn(TCP_OPTION_FIELDS, name)) throw new InvalidArgumentError(`tcp option must be one of ${Object.keys(TCP_OPTION_FIELDS).join(', ')}, got ${describeValue(name)}`);
  return TCP_OPTION_FIELDS[name];
}

/** `tcp option maxseg size`: a field of a TCP option (big-endian), after `meta l4proto tcp` as nft puts it. */
export function tcpOptionSource(name: TcpOptionName, field: string): Source {
  const option = tcpOption(name);
  const at = Object.hasOwn(option.fields, field) ? option.fields[field] : undefined;
  if (!at) throw new InvalidArgumentError(`tcp option ${name} has ${Object.keys(option.fields).join(', ') || 'no fields'}, not ${describeValue(field)}`);
  const [offset, length] = at;
  return {
    name: `tcp option ${name} ${field}`, type: integerType('integer', 0, length, 'big'), length,
    before: (l) => l.requireTransport(IPPROTO_TCP),
    load: () => ({ kind: 'exthdr', dreg: NFT_REG_1, type: option.kind, offset, length, flags: 0, op: 'tcpopt' }),
  };
}

/** `tcp option sack-perm exists`: the presence flag loads 1 (there) or 0 (missing) into one byte. */
export function tcpOptionPresence(name: TcpOptionName): Source {
  const option = tcpOption(name);
  return {
    name: `tcp option ${name}`, type: DATATYPES.boolean!, length: 1,
    before: (l) => l.requireTransport(IPPROTO_TCP),
    load: () => ({ kind: 'exthdr', dreg: NFT_REG_1, type: option.kind, offset: 0, length: 1, flags: 1, op: 'tcpopt' }),
  };
}
