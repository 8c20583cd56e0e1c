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

/**
 * Decodes an RTM_NEWADDR/RTM_DELADDR message (or a request, for debug
 * output); undefined for families other than IPv4 and IPv6 (an unfiltered
 * dump can include them). A legacy RTM_GETADDR dump request (struct
 * rtgenmsg, the family byte alone) decodes as an ifaddrmsg with only the
 * family set. MalformedMessageError for a header or attribute that does not fit.
 */
export function decodeAddress(message: Message): Address | undefined {
  // A reply (not a request) with a whole ifaddrmsg, checked here without the
  // two calls below: a dump decodes thousands, most of them interpreted.
  if (message.type !== RTM_GETADDR && message.end - message.offset >= IFADDRMSG_LEN && message.end <= message.buf.length) {
    return decodeAddressMessage(message, 0);
  }
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

/** The flags and family flagNamesOf answered last, and its names: consecutive addresses mostly share them. */
let lastFlags = -1;
let lastFlagsFamily = 0;
let lastFlagNames: readonly string[] = [];

function flagNamesOf(flags: number, family: IpFamily): string[] {
  if (flags !== lastFlags || family !== lastFlagsFamily) {
    const cache = flagNamesCache[family === 6 ? 1 : 0]!;
    let names = cache.get(flags);
    if (names === undefined) {
      names = addressFlagNames(flags, family);
      if (cache.size < 256) cache.set(flags, names);
    }
    lastFlags = flags;
    lastFlagsFamily = family;
    lastFlagNames = names;
  }
  return lastFlagNames.slice();
}

/**
 * What decodeAddressMessage does with an attribute type, one case of its
 * switch each. A switch whose labels are small integer literals (a const
 * enum's members) is a jump table: one jump per attribute, where comparing
 * against the imported IFA_* constants cost a load and a comparison per
 * case before the attribute's own, interpreted in a first dump and again in
 * the optimizing compiler's graph.
 */
const enum AddressRead {
  /** Not one of the below: decodeOtherAttribute. */
  Other,
  Address,
  Local,
  Label,
  Flags,
  CacheInfo,
}

/** The AddressRead of each attribute type below its length (Other beyond). */
const ADDRESS_READ_OF = new Uint8Array(16);
ADDRESS_READ_OF[IFA_ADDRESS] = AddressRead.Address;
ADDRESS_READ_OF[IFA_LOCAL] = AddressRead.Local;
ADDRESS_READ_OF[IFA_LABEL] = AddressRead.Label;
ADDRESS_READ_OF[IFA_FLAGS] = AddressRead.Flags;
ADDRESS_READ_OF[IFA_CACHEINFO] = AddressRead.CacheInfo;

/**
 * Decodes the attributes with plain reads from the buffer: no cursor, no
 * error context, no call for a number. A dump decodes thousands of
 * addresses, most of them in a process's first call while V8 still
 * interprets this code and compiles it in the background; every call and
 * every object made per attribute is paid there, and every function inlined
 * is compiled again. The attributes every address carries are decoded here;
 * the others in decodeOtherAttribute, which stays out of this function's
 * optimized code until a dump has them. Anything a cursor would refuse (a
 * header overrunning its container, a payload shorter than its type) is
 * handed to decodeCheckedAddress, which walks the message again with a
 * cursor and throws the MalformedMessageError naming the attribute.
 */
function decodeAddressMessage(message: Message, offsetBias: number): Address | undefined {
  const b = message.buf;
  const o = message.offset;
  const family = ipFamilyOf(b[o]!);
  if (family === 0) return undefined;
  let flags = b[o + 2]!;
  const index = (b[o + 4]! | (b[o + 5]! << 8) | (b[o + 6]! << 16) | (b[o + 7]! << 24)) >>> 0;
  const result = new PlainAddress(family, index, b[o + 1]!, flags, b[o + 3]!);
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
    const type = (b[at + 2]! | (b[at + 3]! << 8)) & NLA_TYPE_MASK;
    switch (type < ADDRESS_READ_OF.length ? ADDRESS_READ_OF[type]! : AddressRead.Other) {
      case AddressRead.Address:
        result.address = formatIp(b, start, length);
        addressStart = start;
        addressLength = length;
        break;
      case AddressRead.Local:
        result.local = length === addressLength && sameBytes(b, start, addressStart, length) ? result.address : formatIp(b, start, length);
        break;
      case AddressRead.Label:
        result.label = labelText(b, start, length);
        break;
      case AddressRead.Flags:
        if (length < 4) return decodeCheckedAddress(message, offsetBias);
        flags = (b[start]! | (b[start + 1]! << 8) | (b[start + 2]! << 16) | (b[start + 3]! << 24)) >>> 0;
        break;
      case AddressRead.CacheInfo: {
        if (length < IFA_CACHEINFO_LEN) return decodeCheckedAddress(message, offsetBias);
        // Read signed, so that FOREVER (0xffffffff) is -1 and never becomes a
        // number above 2^31: optimized code made for small values would be
        // thrown away at the first address that lives forever.
        const preferred = b[start]! | (b[start + 1]! << 8) | (b[start + 2]! << 16) | (b[start + 3]! << 24);
        const valid = b[start + 4]! | (b[start + 5]! << 8) | (b[start + 6]! << 16) | (b[start + 7]! << 24);
        result.preferredLifetime = preferred === -1 ? 'forever' : preferred >>> 0;
        result.validLifetime = valid === -1 ? 'forever' : valid >>> 0;
        result.created = (b[start + 8]! | (b[start + 9]! << 8) | (b[start + 10]! << 16) | (b[start + 11]! << 24)) >>> 0;
        result.updated = (b[start + 12]! | (b[start + 13]! << 8) | (b[start + 14]! << 16) | (b[start + 15]! << 24)) >>> 0;
        break;
      }
      default:
        if (!decodeOtherAttribute(result, b, at, type, length)) return decodeCheckedAddress(message, offsetBias);
    }
    at += (len + 3) & ~3;
  }
  if (result.address === '' && result.local !== undefined) result.address = result.local;
  result.flags = flags;
  result.flagNames = flagNamesOf(flags, family);
  keepLatestShape('address', result);
  return result;
}

/**
 * The attributes not every address carries (broadcast, anycast, multicast,
 * protocol, metric) and unknown ones, decoded into `result`; false for a
 * payload too short for its type.
 */
function decodeOtherAttribute(result: Address, b: Buffer, at: number, type: number, length: number): boolean {
  const start = at + 4;
  switch (type) {
    case IFA_BROADCAST: result.broadcast = formatIp(b, start, length); break;
    case IFA_ANYCAST: result.anycast = formatIp(b, start, length); break;
    case IFA_MULTICAST: result.multicast = formatIp(b, start, length); break;
    case IFA_PROTO:
      if (length < 1) return false;
      result.protocol = b[start]!;
      break;
    case IFA_RT_PRIORITY:
      if (length < 4) return false;
      result.metric = u32le(b, start);
      break;
    default:
      if (result.unknown === NO_RAW_ATTRIBUTES) result.unknown = [];
      (result.unknown as RawAttribute[]).push(rawAttribute(b, at, start, length));
  }
  return true;
}

/**
 * The label decoded last, when ASCII and within IFNAMSIZ, and its bytes
 * with the NUL: a dump repeats each link's label on every address of the
 * link. Compared as bytes (element reads) rather than through charCodeAt,
 * a call each in code that is not optimized yet.
 */
let lastLabel = '';
const lastLabelBytes = new Uint8Array(16);
let lastLabelSize = 1;

/** IFA_LABEL's text, as attributeString reads it; the previous label again costs a comparison of its bytes. */
function labelText(b: Buffer, start: number, length: number): string {
  // The kernel sends the label with its NUL (strlen + 1 bytes).
  if (length === lastLabelSize) {
    let i = 0;
    while (i < length && b[start + i] === lastLabelBytes[i]) i++;
    if (i === length) return lastLabel;
  }
  const label = attributeString(b, start, length);
  // Only an ASCII label is its bytes; any other is read again each time.
  if (label.length < lastLabelBytes.length && /^[\x01-\x7f]*$/.test(label)) {
    for (let i = 0; i < label.length; i++) lastLabelBytes[i] = label.charCodeAt(i);
    lastLabelBytes[label.length] = 0;
    lastLabel = label;
    lastLabelSize = label.length + 1;
  }
  return label;
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
