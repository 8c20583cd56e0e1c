import { keepLatestShape } from '../shape-keeper.js';
import * as ifAddr from '../../generated/if_addr.js';
import {
  IFA_ADDRESS, IFA_ANYCAST, IFA_BROADCAST, IFA_CACHEINFO, IFA_FLAGS, IFA_LABEL, IFA_LOCAL, IFA_MULTICAST, IFA_PROTO,
  IFA_RT_PRIORITY,
} from '../../generated/if_addr.js';
import type { IpFamily } from '../../netlink/addresses.js';
import { formatIp } from '../../netlink/addresses.js';
import { AttributeCursor, attributeString, NO_RAW_ATTRIBUTES, type RawAttribute } from '../../netlink/attributes.js';
import { RTM_GETADDR } from '../../generated/rtnetlink.js';
import { u32le } from '../../netlink/byte-reads.js';
import type { Message } from '../../netlink/message.js';
import { NLA_F_NESTED, NLA_TYPE_MASK, type MessageWriter } from '../../netlink/writer.js';
import { constantNames } from '../constant-names.js';
import { requireRouteHeader, routeContext, widenRtgenmsg } from '../decode-context.js';
import { ipFamilyOf } from '../family.js';
import { flatAttributeName } from '../flat-attributes.js';
import { writeIpAttribute, type IpValue } from '../ip-value.js';
import { scopeName } from '../iproute2-names.js';
import { addressFlagNames } from './flags.js';

/** sizeof(struct ifaddrmsg): family, prefixlen, flags, scope (u8 each), index (u32). */
export const IFADDRMSG_LEN = 8;
/** sizeof(struct ifa_cacheinfo): preferred, valid, cstamp, tstamp (u32 each). */
const IFA_CACHEINFO_LEN = 16;
/** The kernel's INFINITY_LIFE_TIME: a lifetime that never runs out. */
export const FOREVER = 0xffffffff;

/** An IPv4 or IPv6 address as the kernel reports it (RTM_NEWADDR). */
export interface Address {
  /** 4 or 6, from ifa_family. */
  family: IpFamily;
  /** ifindex of the link the address is on. */
  index: number;
  /** ifa_prefixlen: the `/24` of `10.0.0.2/24`. */
  prefixLength: number;
  /** IFA_F_* bits: IFA_FLAGS when present (all 32 bits), else the header's 8. */
  flags: number;
  /** The set flags in `ip`'s words and order, e.g. ['nodad', 'noprefixroute']. */
  flagNames: string[];
  /** ifa_scope (RT_SCOPE_*): 0 global, 253 link, 254 host. */
  scope: number;
  /** 'global', 'link', 'host', ... as `ip` prints it. */
  scopeName: string;
  /** IFA_ADDRESS: the address, or the peer's on a point-to-point address. */
  address: string;
  /** IFA_LOCAL: the local address (IPv4 always; IPv6 only with a peer). */
  local?: string;
  /** IFA_BROADCAST: the IPv4 broadcast address (`brd`), when one is set. */
  broadcast?: string;
  /** IFA_ANYCAST: present on IPv6 anycast addresses. */
  anycast?: string;
  /** IFA_MULTICAST: the group, on the entries of a multicast address dump. */
  multicast?: string;
  /** IPv4 label, e.g. 'eth0:1'. */
  label?: string;
  /** Seconds left, or 'forever'. */
  validLifetime: number | 'forever';
  /** Seconds left before the address turns deprecated, or 'forever' (`preferred_lft`). */
  preferredLifetime: number | 'forever';
  /** IFA_CACHEINFO time stamps, in hundredths of a second since boot. */
  created?: number;
  /** Last change of the address (ifa_cacheinfo.tstamp), in hundredths of a second since boot. */
  updated?: number;
  /** IFA_RT_PRIORITY: metric of the prefix route. */
  metric?: number;
  /** IFA_PROTO: who added the address (IFAPROT_*). */
  protocol?: number;
  /** Attributes nlkit does not decode, kept verbatim. When there are none, one frozen empty array shared by every address. */
  unknown: readonly RawAttribute[];
}

/** Everything an RTM_NEWADDR/RTM_DELADDR request carries, validated and resolved. */
export interface AddressRequest {
  /** AF_INET or AF_INET6 (ifa_family). */
  family: number;
  /** ifa_prefixlen, 0-32 or 0-128. */
  prefixLength: number;
  /** IFA_F_* bits; the low 8 go in the header, all 32 in IFA_FLAGS when non-zero. */
  flags: number;
  /** ifa_scope (RT_SCOPE_*); 0 (global) in a delete. */
  scope: number;
  /** ifindex of the link, filled in once `dev` is resolved. */
  index: number;
  /** IFA_LOCAL: the address itself. */
  local?: IpValue;
  /** IFA_ADDRESS: the peer on a point-to-point address, else the address again. */
  address?: IpValue;
  /** IFA_BROADCAST (IPv4 only). */
  broadcast?: IpValue;
  /** IFA_ANYCAST. */
  anycast?: IpValue;
  /** IFA_LABEL (IPv4 only), at most 15 bytes. */
  label?: string;
  /** Seconds, FOREVER for none; IFA_CACHEINFO is sent when either is set. */
  validLifetime?: number;
  /** Seconds until deprecated, FOREVER for none; at most validLifetime. */
  preferredLifetime?: number;
  /** IFA_RT_PRIORITY: metric of the prefix route the kernel adds. */
  metric?: number;
}

/** Writes ifaddrmsg and attributes; IFA_FLAGS carries the flags that do not fit the header's byte. */
export function encodeAddressRequest(writer: MessageWriter, request: AddressRequest): void {
  const at = writer.reserve(IFADDRMSG_LEN);
  const b = writer.buf;
  b[at] = request.family;
  b[at + 1] = request.prefixLength;
  b[at + 2] = request.flags & 0xff;
  b[at + 3] = request.scope;
  b.writeUInt32LE(request.index >>> 0, at + 4);
  if (request.local !== undefined) writeIpAttribute(writer, IFA_LOCAL, request.local);
  if (request.address !== undefined) writeIpAttribute(writer, IFA_ADDRESS, request.address);
  if (request.broadcast !== undefined) writeIpAttribute(writer, IFA_BROADCAST, request.broadcast);
  if (request.anycast !== undefined) writeIpAttribute(writer, IFA_ANYCAST, request.anycast);
  if (request.label !== undefined) writer.string(IFA_LABEL, request.label);
  if (request.validLifetime !== undefined || request.preferredLifetime !== undefined) {
    const ci = writer.offset + 4;
    writer.binary(IFA_CACHEINFO, ZERO_CACHEINFO);
    writer.buf.writeUInt32LE(request.preferredLifetime ?? FOREVER, ci);
    writer.buf.writeUInt32LE(request.validLifetime ?? FOREVER, ci + 4);
  }
  if (request.metric !== undefined) writer.u32(IFA_RT_PRIORITY, request.metric);
  if (request.flags !== 0) writer.u32(IFA_FLAGS, request.flags);
}

const ZERO_CACHEINFO = new Uint8Array(IFA_CACHEINFO_LEN);

/** Writes the ifaddrmsg of a dump request; with strict checking the kernel filters by family and ifindex. */
export function encodeAddressDumpRequest(writer: MessageWriter, family: number, index: number): void {
  const at = writer.reserve(IFADDRMSG_LEN);
  writer.buf[at] = family;
  writer.buf.writeUInt32LE(index >>> 0, at + 4);
}

function lifetime(value: number): number | 'forever' {
  return value === FOREVER ? 'forever' : value;
}

/**
 * Decodes an RTM_NEWADDR/RTM_DELADDR message (or a request, for debug
 * output); undefined for families other than IPv4 and IPv6 (an unfiltered
 * dump can include them). A legacy RTM_GETADDR dump request (struct
 * rtgenmsg, the family byte alone) decodes as an ifaddrmsg with only the
 * family set. MalformedMessageError for a header or attribute that does not fit.
 */
export function decodeAddress(message: Message): Address | undefined {
  const legacy = widenRtgenmsg(message, RTM_GETADDR, IFADDRMSG_LEN);
  if (legacy) return decodeAddressMessage(legacy.message, legacy.offsetBias);
  requireRouteHeader(message, IFADDRMSG_LEN, 'ifaddrmsg');
  return decodeAddressMessage(message, 0);
}

// A constructor rather than an object literal, as for links (links/link-object.ts):
// `new` gives the object room for every field assigned to `this` in the body,
// so the optional fields an address gains while decoding (local, label,
// created, updated...) do not regrow its property store. In a dump every
// address survives to the end, and the garbage collector copies each grown
// store again. The prototype is Object.prototype: the same plain object,
// with the same keys in the same order, as the literal made.
function AddressObject(this: Address, family: IpFamily, index: number, prefixLength: number, flags: number, scope: number): void {
  this.family = family;
  this.index = index;
  this.prefixLength = prefixLength;
  this.flags = flags;
  this.flagNames = NO_NAMES;
  this.scope = scope;
  this.scopeName = scopeName(scope);
  this.address = '';
  this.validLifetime = 'forever';
  this.preferredLifetime = 'forever';
  this.unknown = NO_RAW_ATTRIBUTES;
  if (false) {
    // Never runs: reserves room for the optional fields.
    this.local = this.broadcast = this.anycast = this.multicast = this.label = undefined;
    this.created = this.updated = this.metric = this.protocol = undefined;
  }
}
AddressObject.prototype = Object.prototype;
const PlainAddress = AddressObject as unknown as new (family: IpFamily, index: number, prefixLength: number, flags: number, scope: number) => Address;
const NO_NAMES: string[] = [];

/**
 * addressFlagNames for each flags value seen, copied per address: a dump
 * holds thousands of addresses with the same two or three flag sets.
 */
const flagNamesCache = [new Map<number, readonly string[]>(), new Map<number, readonly string[]>()];

function flagNamesOf(flags: number, family: IpFamily): string[] {
  const cache = flagNamesCache[family === 6 ? 1 : 0]!;
  let names = cache.get(flags);
  if (names === undefined) {
    names = addressFlagNames(flags, family);
    if (cache.size < 256) cache.set(flags, names);
  }
  return names.slice();
}

/**
 * Decodes the attributes with plain reads from the buffer: no cursor, no
 * error context, one call per attribute at most. A dump decodes thousands of
 * addresses, most of them in a process's first call while V8 still
 * interprets this code and compiles it in the background; every call and
 * every object made per attribute is paid there, and every function inlined
 * is compiled again. Anything a cursor would refuse (a header overrunning
 * its container, a payload shorter than its type) is handed to
 * decodeCheckedAddress, which walks the message again with a cursor and
 * throws the MalformedMessageError naming the attribute.
 */
function decodeAddressMessage(message: Message, offsetBias: number): Address | undefined {
  const b = message.buf;
  const o = message.offset;
  const family = ipFamilyOf(b[o]!);
  if (family === 0) return undefined;
  let flags = b[o + 2]!;
  let unknown: RawAttribute[] | undefined;
  const result = new PlainAddress(family, u32le(b, o + 4), b[o + 1]!, flags, b[o + 3]!);
  // A Message put together by hand may claim more bytes than its buffer has (as AttributeCursor).
  const end = message.end <= b.length ? message.end : b.length;
  // Payload of IFA_ADDRESS: IFA_LOCAL almost always repeats it (no peer), and then shares its string.
  let addressStart = -1;
  let addressLength = 0;
  for (let at = o + IFADDRMSG_LEN; at + 4 <= end; ) {
    const len = b[at]! | (b[at + 1]! << 8);
    if (len < 4 || at + len > end) return decodeCheckedAddress(message, offsetBias);
    const start = at + 4;
    const length = len - 4;
    switch ((b[at + 2]! | (b[at + 3]! << 8)) & NLA_TYPE_MASK) {
      case IFA_ADDRESS:
        result.address = formatIp(b, start, length);
        addressStart = start;
        addressLength = length;
        break;
      case IFA_LOCAL:
        result.local = length === addressLength && sameBytes(b, start, addressStart, length) ? result.address : formatIp(b, start, length);
        break;
      case IFA_LABEL: result.label = attributeString(b, start, length); break;
      case IFA_FLAGS:
        if (length < 4) return decodeCheckedAddress(message, offsetBias);
        flags = u32le(b, start);
        break;
      case IFA_CACHEINFO:
        if (length < IFA_CACHEINFO_LEN) return decodeCheckedAddress(message, offsetBias);
        result.preferredLifetime = lifetime(u32le(b, start));
        result.validLifetime = lifetime(u32le(b, start + 4));
        result.created = u32le(b, start + 8);
        result.updated = u32le(b, start + 12);
        break;
      case IFA_PROTO:
        if (length < 1) return decodeCheckedAddress(message, offsetBias);
        result.protocol = b[start]!;
        break;
      case IFA_RT_PRIORITY:
        if (length < 4) return decodeCheckedAddress(message, offsetBias);
        result.metric = u32le(b, start);
        break;
      case IFA_BROADCAST: result.broadcast = formatIp(b, start, length); break;
      case IFA_ANYCAST: result.anycast = formatIp(b, start, length); break;
      case IFA_MULTICAST: result.multicast = formatIp(b, start, length); break;
      default:
        (unknown ??= []).push(rawAttribute(b, at, start, length));
    }
    at += (len + 3) & ~3;
  }
  if (unknown !== undefined) result.unknown = unknown;
  if (result.address === '' && result.local !== undefined) result.address = result.local;
  result.flags = flags;
  result.flagNames = flagNamesOf(flags, family);
  keepLatestShape('address', result);
  return result;
}

/** Whether `length` bytes at `a` and at `b` of `buf` are equal (`b` < 0: no bytes to compare with). */
function sameBytes(buf: Buffer, a: number, b: number, length: number): boolean {
  if (b < 0) return false;
  for (let i = 0; i < length; i++) if (buf[a + i] !== buf[b + i]) return false;
  return true;
}

/** The attribute whose header is at `at`, kept verbatim (a copy), as AttributeCursor#raw keeps it. */
function rawAttribute(b: Buffer, at: number, start: number, length: number): RawAttribute {
  const rawType = b[at + 2]! | (b[at + 3]! << 8);
  return { type: rawType & NLA_TYPE_MASK, nested: (rawType & NLA_F_NESTED) !== 0, data: Buffer.from(b.subarray(start, start + length)) };
}

/**
 * The cursor walk decodeAddressMessage hands a malformed message to: it
 * throws MalformedMessageError naming the attribute and offset (the cursor's
 * checks are the ones decodeAddressMessage mirrors).
 */
function decodeCheckedAddress(message: Message, offsetBias: number): Address {
  const b = message.buf;
  const o = message.offset;
  const c = new AttributeCursor(b, o + IFADDRMSG_LEN, message.end, routeContext(message, addressAttributeName, offsetBias));
  while (c.next()) {
    switch (c.type) {
      case IFA_FLAGS: case IFA_RT_PRIORITY: c.u32(); break;
      case IFA_PROTO: c.u8(); break;
      case IFA_CACHEINFO: c.need(IFA_CACHEINFO_LEN); break;
      default: break;
    }
  }
  // decodeAddressMessage found a fault the cursor did not: they disagree on what is malformed.
  throw c.malformed('address attributes refused by the decoder but not by the cursor');
}

const IFA_NAMES = constantNames(ifAddr, 'IFA_', ['IFA_F_']);

/** Names an attribute path for error messages, e.g. [IFA_LOCAL] → 'IFA_LOCAL'. */
export function addressAttributeName(path: readonly number[]): string {
  return flatAttributeName(IFA_NAMES, path);
}
