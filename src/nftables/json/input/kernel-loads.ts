// Left-hand sides of nft's JSON that load through the flat kernel expressions
// (attribute lists, see raw-expression.ts): `rt`, `socket`, `osf`, `ipsec` (xfrm) and `numgen`, with the
// datatypes nft 1.0.6 gives them (src/rt.c, src/socket.c, src/osf.c,
// src/xfrm.c, src/numgen.c).
import {
  NFT_NG_INCREMENTAL, NFT_NG_RANDOM, NFT_OSF_MAXGENRELEN, NFT_RT_CLASSID, NFT_RT_NEXTHOP4, NFT_RT_NEXTHOP6, NFT_RT_TCPMSS,
  NFT_RT_XFRM, NFT_SOCKET_CGROUPV2, NFT_SOCKET_MARK, NFT_SOCKET_TRANSPARENT, NFT_SOCKET_WILDCARD, NFT_XFRM_KEY_DADDR_IP4,
  NFT_XFRM_KEY_DADDR_IP6, NFT_XFRM_KEY_REQID, NFT_XFRM_KEY_SADDR_IP4, NFT_XFRM_KEY_SADDR_IP6, NFT_XFRM_KEY_SPI, NFTA_NG_DREG,
  NFTA_NG_MODULUS, NFTA_NG_OFFSET, NFTA_NG_TYPE, NFTA_OSF_DREG, NFTA_OSF_FLAGS, NFTA_OSF_TTL, NFTA_RT_DREG, NFTA_RT_KEY,
  NFTA_SOCKET_DREG, NFTA_SOCKET_KEY, NFTA_SOCKET_LEVEL, NFTA_XFRM_DIR, NFTA_XFRM_DREG, NFTA_XFRM_KEY, NFTA_XFRM_SPNUM,
  NFT_REG_1, NFT_OSF_F_VERSION,
} from '../../../generated/nf_tables.js';
import type { Expression } from '../../expressions/types.js';
import { DATATYPES, datatype, integerType, type Datatype } from '../../objects/datatypes.js';
import type { NftFamily } from '../../objects/family.js';
import type { Field } from './fields.js';
import type { JsonNode } from './reader.js';
import { rawExpression, type RawAttribute } from './raw-expression.js';

const T = DATATYPES;
const int = (length: number, byteorder: 'big' | 'host') => integerType('integer', 0, length, byteorder);

/** A load through the expression `kind` whose attributes are `attributes(dreg)`. */
function rawLoad(name: string, kind: string, type: Datatype, attributes: (dreg: number) => RawAttribute[], length = type.length): Field {
  const loadAt = (dreg: number): Expression => rawExpression(kind, attributes(dreg));
  return { name, type, length, load: () => loadAt(NFT_REG_1), loadAt };
}

/** `{"rt": {"key": "classid" | "nexthop" | "mtu" | "ipsec", "family": "ip" | "ip6"}}`. */
export function rt(node: JsonNode, tableFamily: NftFamily): Field {
  node.object(['key', 'family']);
  const key = node.at('key').oneOf(['classid', 'nexthop', 'mtu', 'ipsec'] as const);
  const familyNode = node.at('family');
  const family = familyNode.isMissing() ? (tableFamily === 'ip' || tableFamily === 'ip6' ? tableFamily : undefined) : familyNode.oneOf(['ip', 'ip6'] as const);
  const load = (rtKey: number, type: Datatype) => rawLoad(`rt ${key}`, 'rt', type, (dreg) => [[NFTA_RT_KEY, rtKey], [NFTA_RT_DREG, dreg]]);
  switch (key) {
    case 'classid': return load(NFT_RT_CLASSID, T.realm!);
    case 'mtu': return load(NFT_RT_TCPMSS, int(2, 'host'));
    case 'ipsec': return load(NFT_RT_XFRM, T.boolean!);
    case 'nexthop':
      if (!family) return node.fail(`rt nexthop in an ${tableFamily} table needs "family": "ip" or "ip6"`);
      return family === 'ip' ? load(NFT_RT_NEXTHOP4, T.ipv4_addr!) : load(NFT_RT_NEXTHOP6, T.ipv6_addr!);
  }
}

/** `{"socket": {"key": "transparent" | "mark" | "wildcard" | "cgroupv2", "level": n}}`. */
export function socket(node: JsonNode): Field {
  node.object(['key', 'level']);
  const key = node.at('key').oneOf(['transparent', 'mark', 'wildcard', 'cgroupv2'] as const);
  if (key === 'cgroupv2') {
    const level = node.at('level').integer(255);
    return rawLoad('socket cgroupv2', 'socket', T.cgroupsv2!, (dreg) => [[NFTA_SOCKET_KEY, NFT_SOCKET_CGROUPV2], [NFTA_SOCKET_DREG, dreg], [NFTA_SOCKET_LEVEL, level]]);
  }
  if (!node.at('level').isMissing()) node.at('level').fail('only socket cgroupv2 has a level');
  const [number, type] = key === 'mark' ? [NFT_SOCKET_MARK, T.mark!] : [key === 'transparent' ? NFT_SOCKET_TRANSPARENT : NFT_SOCKET_WILDCARD, int(1, 'host')];
  return rawLoad(`socket ${key}`, 'socket', type, (dreg) => [[NFTA_SOCKET_KEY, number], [NFTA_SOCKET_DREG, dreg]]);
}

/** `{"osf": {"key": "name" | "version", "ttl": "loose" | "skip"}}`: the OS fingerprint as a 16-byte string. */
export function osf(node: JsonNode): Field {
  node.object(['key', 'ttl']);
  const key = node.at('key').oneOf(['name', 'version'] as const);
  const ttl = node.at('ttl').isMissing() ? 0 : node.at('ttl').oneOf(['loose', 'skip'] as const) === 'loose' ? 1 : 2;
  const flags = key === 'version' ? NFT_OSF_F_VERSION : 0;
  return rawLoad(`osf ${key}`, 'osf', datatype(`string(${NFT_OSF_MAXGENRELEN * 8})`, 'osf'), (dreg) => [[NFTA_OSF_TTL, ttl, 1], [NFTA_OSF_FLAGS, flags], [NFTA_OSF_DREG, dreg]]);
}

/** `{"ipsec": {"key": "reqid" | "spi" | "saddr" | "daddr", "dir": "in" | "out", "spnum": n, "family": "ip" | "ip6"}}`. */
export function ipsec(node: JsonNode, tableFamily: NftFamily): Field {
  node.object(['key', 'dir', 'spnum', 'family']);
  const key = node.at('key').oneOf(['reqid', 'spi', 'saddr', 'daddr'] as const);
  const dir = node.at('dir').isMissing() ? 0 : node.at('dir').oneOf(['in', 'out'] as const) === 'in' ? 0 : 1;
  const spnum = node.at('spnum').optionalInteger(255) ?? 0;
  let number: number;
  let type: Datatype;
  if (key === 'reqid') [number, type] = [NFT_XFRM_KEY_REQID, int(4, 'host')];
  else if (key === 'spi') [number, type] = [NFT_XFRM_KEY_SPI, int(4, 'big')];
  else {
    const familyNode = node.at('family');
    const family = familyNode.isMissing() ? (tableFamily === 'ip' || tableFamily === 'ip6' ? tableFamily : familyNode.fail(`ipsec ${key} in an ${tableFamily} table needs "family"`)) : familyNode.oneOf(['ip', 'ip6'] as const);
    const six = family === 'ip6';
    number = key === 'saddr' ? (six ? NFT_XFRM_KEY_SADDR_IP6 : NFT_XFRM_KEY_SADDR_IP4) : six ? NFT_XFRM_KEY_DADDR_IP6 : NFT_XFRM_KEY_DADDR_IP4;
    type = six ? T.ipv6_addr! : T.ipv4_addr!;
  }
  return rawLoad(`ipsec ${key}`, 'xfrm', type, (dreg) => [[NFTA_XFRM_DREG, dreg], [NFTA_XFRM_KEY, number], [NFTA_XFRM_DIR, dir, 1], [NFTA_XFRM_SPNUM, spnum]]);
}

/** `{"numgen": {"mode": "inc" | "random", "mod": n, "offset": n}}`. */
export function numgen(node: JsonNode): Field {
  node.object(['mode', 'mod', 'offset']);
  const mode = node.at('mode').oneOf(['inc', 'random'] as const) === 'inc' ? NFT_NG_INCREMENTAL : NFT_NG_RANDOM;
  const modulus = node.at('mod').integer(0xffffffff, 1);
  const offset = node.at('offset').optionalInteger(0xffffffff) ?? 0;
  return rawLoad('numgen', 'numgen', int(4, 'host'), (dreg) => [[NFTA_NG_DREG, dreg], [NFTA_NG_MODULUS, modulus], [NFTA_NG_TYPE, mode], [NFTA_NG_OFFSET, offset]]);
}
