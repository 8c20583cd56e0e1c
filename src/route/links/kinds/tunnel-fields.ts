import { InvalidArgumentError, requireIp } from '../../../netlink/addresses.js';
import { describeValue } from '../../../netlink/checks.js';
import type { MessageWriter } from '../../../netlink/writer.js';
import { validateInteger } from '../../names.js';
import { validateLinkRef, type LinkRef } from '../../resolve.js';
import type { LinkCommonSpec } from '../types.js';
import { U16_MAX, U8_MAX, validateBoolean, validateOneOf, validateU32 } from '../validate.js';

// What the tunnel families (IFLA_GRE_*, IFLA_IPTUN_*, IFLA_VTI_*) share: the
// endpoints, the underlying device, the fwmark and the UDP encapsulation.

/** Fields of every tunnel kind. */
export interface TunnelEndpoints extends LinkCommonSpec {
  /** Source address of the outer packets (`local`); IPv4 or IPv6 as the kind is. */
  local?: string;
  /** Destination address of the outer packets (`remote`); absent for a tunnel any peer may use. */
  remote?: string;
  /** The device the outer packets leave through (`dev`). */
  link?: LinkRef;
  /** Mark of the outer packets, for routing them (`fwmark`); 0 (the default) uses the inner packet's. */
  fwmark?: number;
}

/** Foo-over-UDP / Generic UDP Encapsulation of the outer packets (`encap fou|gue`). */
export type TunnelEncap = 'none' | 'fou' | 'gue';

/** Fields of the kinds that can wrap their packets in UDP (gre and ipip families). */
export interface TunnelEncapFields {
  /** TUNNEL_ENCAP_*: the UDP encapsulation (`encap`); none by default. */
  encap?: TunnelEncap;
  /** UDP source port of the encapsulation (`encap-sport`); 0 (default) picks one per flow. */
  encapSport?: number;
  /** UDP destination port of the encapsulation (`encap-dport`). */
  encapDport?: number;
  /** UDP checksum over IPv4 (`[no]encap-csum`); off by default. */
  encapCsum?: boolean;
  /** UDP checksum over IPv6 (`[no]encap-csum6`); ip turns it on by default for IPv6 tunnels. */
  encapCsum6?: boolean;
  /** Remote checksum offload (`[no]encap-remcsum`); off by default. */
  encapRemcsum?: boolean;
}

export const ENDPOINT_KEYS = ['local', 'remote', 'link', 'fwmark'] as const;
export const ENCAP_KEYS = ['encap', 'encapSport', 'encapDport', 'encapCsum', 'encapCsum6', 'encapRemcsum'] as const;

const ENCAP_TYPES: Record<TunnelEncap, number> = { none: 0, fou: 1, gue: 2 };
// TUNNEL_ENCAP_FLAG_* of <linux/if_tunnel.h>.
const ENCAP_FLAGS = [['encapCsum', 1], ['encapCsum6', 2], ['encapRemcsum', 4]] as const;

/** Checks local, remote (of `family`), link and fwmark. */
export function validateEndpoints(spec: TunnelEndpoints, family: 4 | 6): void {
  if (spec.local !== undefined) requireIp(spec.local, 'local', family);
  if (spec.remote !== undefined) requireIp(spec.remote, 'remote', family);
  if (spec.link !== undefined) validateLinkRef(spec.link, 'link');
  if (spec.fwmark !== undefined) validateU32(spec.fwmark, 'fwmark');
}

export function validateEncap(spec: TunnelEncapFields): void {
  if (spec.encap !== undefined) validateOneOf(spec.encap, 'encap', Object.keys(ENCAP_TYPES) as TunnelEncap[]);
  if (spec.encapSport !== undefined) validateInteger(spec.encapSport, 'encapSport', 0, U16_MAX);
  if (spec.encapDport !== undefined) validateInteger(spec.encapDport, 'encapDport', 0, U16_MAX);
  for (const [key] of ENCAP_FLAGS) if (spec[key] !== undefined) validateBoolean(spec[key], key);
}

/** A GRE or VTI key: a number (0–2³²−1) or, as ip also takes it, a dotted quad. */
export type TunnelKey = number | string;

export function validateKey(value: unknown, what: string): void {
  if (typeof value === 'string') {
    if (requireKeyQuad(value) === undefined) throw new InvalidArgumentError(`${what} must be a number 0-4294967295 or a dotted quad like "0.0.0.42", got ${describeValue(value)}`);
  } else validateU32(value, what);
}

function requireKeyQuad(value: string): number | undefined {
  const parts = value.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

/** A key as the number the kernel keeps (sent in network byte order). */
export function keyValue(key: TunnelKey): number {
  return typeof key === 'number' ? key : requireKeyQuad(key)!;
}

/** `key` sets both directions; `ikey`/`okey` one each, so give one or the other. */
export function validateKeys(spec: { key?: TunnelKey; ikey?: TunnelKey; okey?: TunnelKey }): void {
  if (spec.key !== undefined && (spec.ikey !== undefined || spec.okey !== undefined)) {
    throw new InvalidArgumentError('give key (both directions) or ikey/okey, not both');
  }
  for (const k of ['key', 'ikey', 'okey'] as const) if (spec[k] !== undefined) validateKey(spec[k], k);
}

/** The input and output keys the spec sets, undefined where none. */
export function directionKeys(spec: { key?: TunnelKey; ikey?: TunnelKey; okey?: TunnelKey }): { ikey?: number; okey?: number } {
  const ikey = spec.ikey ?? spec.key;
  const okey = spec.okey ?? spec.key;
  return { ikey: ikey === undefined ? undefined : keyValue(ikey), okey: okey === undefined ? undefined : keyValue(okey) };
}

/** IFLA_*_ENCAP_TYPE, _FLAGS, _SPORT and _DPORT, all four always, as ip sends them. */
export function encodeEncap(
  w: MessageWriter, spec: TunnelEncapFields, types: { type: number; flags: number; sport: number; dport: number }, family: 4 | 6,
): void {
  let flags = 0;
  for (const [key, bit] of ENCAP_FLAGS) {
    // ip asks for UDP checksums over IPv6 unless told not to: a zero UDP checksum is not allowed there.
    const on = spec[key] ?? (key === 'encapCsum6' && family === 6);
    if (on) flags |= bit;
  }
  w.u16(types.type, ENCAP_TYPES[spec.encap ?? 'none']);
  w.u16(types.flags, flags);
  w.be16(types.sport, spec.encapSport ?? 0);
  w.be16(types.dport, spec.encapDport ?? 0);
}

/** The encapsulation type by name, or its number for one nlkit does not name. */
export function encapName(type: number): TunnelEncap | number {
  return (Object.keys(ENCAP_TYPES) as TunnelEncap[]).find((name) => ENCAP_TYPES[name] === type) ?? type;
}

/** The IPv6 flowinfo word (network order): traffic class in bits 20–27, flow label in 0–19. */
export function flowinfo(tclass: number | undefined, flowlabel: number | undefined): number {
  return (((tclass ?? 0) << 20) | (flowlabel ?? 0)) >>> 0;
}

export const FLOWLABEL_MAX = 0xfffff;

/** Outer header options of the tunnels over IPv4 (gre, gretap, ipip, sit). */
export interface Outer4Fields {
  /** Outer TTL, 1–255, or 0 (default) to copy the inner packet's (`ttl`). */
  ttl?: number;
  /** Outer TOS, or `inherit` (`tos`): copy the inner packet's; 0 by default. */
  tos?: number | 'inherit';
  /** Path MTU discovery, the outer DF bit (`[no]pmtudisc`); on by default, and needs ttl 0 when off. */
  pmtudisc?: boolean;
}

/** Outer header options of the tunnels over IPv6 (ip6gre, ip6gretap, ip6tnl). */
export interface Outer6Fields {
  /** Outer hop limit (`hoplimit`/`ttl`), 0–255; 64 by default. */
  ttl?: number;
  /** Outer traffic class (`tclass`), 0–255; 0 by default. */
  tclass?: number;
  /** Outer flow label (`flowlabel`), 0–0xfffff; 0 by default. */
  flowlabel?: number;
  /** Tunnel encapsulation limit option (`encaplimit`), 0–255 or `none`; 4 by default. */
  encapLimit?: number | 'none';
}

export const OUTER4_KEYS = ['ttl', 'tos', 'pmtudisc'] as const;
export const OUTER6_KEYS = ['ttl', 'tclass', 'flowlabel', 'encapLimit'] as const;

/** The attribute numbers of the outer header options in one family of tunnel attributes. */
export interface OuterAttributes {
  ttl: number;
  tos: number;
  pmtudisc: number;
  encapLimit: number;
  flowinfo: number;
  flags: number;
}

// IP6_TNL_F_IGN_ENCAP_LIMIT of <linux/ip6_tunnel.h>: send no encapsulation limit option.
const IP6_TNL_F_IGN_ENCAP_LIMIT = 0x1;
const DEFAULT_HOPLIMIT = 64;
const DEFAULT_ENCAP_LIMIT = 4;

export function validateOuter(spec: Outer4Fields & Outer6Fields & { name: string }, kind: string, family: 4 | 6): void {
  if (spec.ttl !== undefined) validateInteger(spec.ttl, 'ttl', 0, U8_MAX);
  if (family === 4) {
    if (spec.tos !== undefined && spec.tos !== 'inherit') validateInteger(spec.tos, 'tos', 0, U8_MAX);
    if (spec.pmtudisc !== undefined) validateBoolean(spec.pmtudisc, 'pmtudisc');
    if (spec.pmtudisc === false && spec.ttl) {
      throw new InvalidArgumentError(`${kind} "${spec.name}": pmtudisc false needs ttl 0 (inherit): a fixed ttl sets DF, which path MTU discovery off clears`);
    }
  } else {
    if (spec.tclass !== undefined) validateInteger(spec.tclass, 'tclass', 0, U8_MAX);
    if (spec.flowlabel !== undefined) validateInteger(spec.flowlabel, 'flowlabel', 0, FLOWLABEL_MAX);
    if (spec.encapLimit !== undefined && spec.encapLimit !== 'none') validateInteger(spec.encapLimit, 'encapLimit', 0, U8_MAX);
  }
}

/** The outer header options, every one with its default, as ip sends them on creation. */
export function encodeOuter(w: MessageWriter, spec: Outer4Fields & Outer6Fields, types: OuterAttributes, family: 4 | 6): void {
  if (family === 4) {
    w.u8(types.pmtudisc, spec.pmtudisc === false ? 0 : 1);
    w.u8(types.tos, spec.tos === 'inherit' ? 1 : spec.tos ?? 0);
    w.u8(types.ttl, spec.ttl ?? 0);
  } else {
    w.u8(types.ttl, spec.ttl ?? DEFAULT_HOPLIMIT);
    w.u8(types.encapLimit, typeof spec.encapLimit === 'number' ? spec.encapLimit : DEFAULT_ENCAP_LIMIT);
    w.be32(types.flowinfo, flowinfo(spec.tclass, spec.flowlabel));
    w.u32(types.flags, spec.encapLimit === 'none' ? IP6_TNL_F_IGN_ENCAP_LIMIT : 0);
  }
}
