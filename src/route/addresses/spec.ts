import { IFA_F_MCAUTOJOIN } from '../../generated/if_addr.js';
import { RT_SCOPE_HOST } from '../../generated/rtnetlink.js';
import { InvalidArgumentError, parseCidr, type IpFamily } from '../../netlink/addresses.js';
import { describeValue, requireObject, textOf } from '../../netlink/checks.js';
import { addressFamily } from '../family.js';
import { ipValue, isMulticast, withHostBits, type IpValue } from '../ip-value.js';
import { parseScope, type ScopeName } from '../iproute2-names.js';
import { checkKeys } from '../keys.js';
import { validateInteger } from '../names.js';
import { describeLinkRef, validateLinkRef, type LinkRef } from '../resolve.js';
import { encodeAddressFlags, type AddressFlags } from './flags.js';
import { FOREVER, type AddressRequest } from './message.js';

/** An address to add, replace or delete, in the words of `ip addr`. */
export interface AddressSpec {
  /** The link to put the address on, by name or ifindex (`dev eth0`). */
  dev: LinkRef;
  /** '10.0.0.2/24', 'fd00::1/64'; a bare address means a host prefix (/32, /128). */
  address: string;
  /** Point-to-point peer, e.g. '10.0.1.2' or '10.0.1.2/32' (its prefix wins). */
  peer?: string;
  /** IPv4 broadcast address, or '+' to derive it from the prefix like `ip addr add ... brd +`. */
  broadcast?: string;
  /** IPv4 label such as 'eth0:1' (at most 15 bytes). */
  label?: string;
  /** `scope`: default global, host for 127.0.0.0/8 as `ip` does. */
  scope?: ScopeName | number;
  /** IFA_F_* flags to set, e.g. `{ nodad: true, noprefixroute: true }`; only add and replace use them. */
  flags?: AddressFlags;
  /** Seconds, or 'forever' (default). */
  validLifetime?: number | 'forever';
  /** Seconds, or 'forever'; at most validLifetime. Defaults to validLifetime. */
  preferredLifetime?: number | 'forever';
  /** Metric of the prefix route the kernel adds for the address. */
  metric?: number;
}

/** A validated spec: the request to encode once `dev` is resolved, and how to name it in errors. */
export interface PreparedAddress {
  /** The link as given; resolved to an ifindex when the request is sent. */
  dev: LinkRef;
  /** The checked request; `index` is still 0 until `dev` is resolved. */
  request: AddressRequest;
  /** e.g. '10.0.0.2/24 dev eth0' */
  text: string;
}

const MAX_LABEL_BYTES = 15;
const SPEC_KEYS = new Set(['dev', 'address', 'peer', 'broadcast', 'label', 'scope', 'flags', 'validLifetime', 'preferredLifetime', 'metric']);

function parseLifetime(value: unknown, what: string): number {
  if (value === 'forever') return FOREVER;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= FOREVER) {
    throw new InvalidArgumentError(`${what} must be a number of seconds (0 to ${FOREVER - 1}) or 'forever', got ${describeValue(value)}`);
  }
  return value;
}

/** '+' derives the broadcast address from the prefix; /31 and /32 have none, and `ip` sends none either. */
function parseBroadcast(spec: AddressSpec, family: IpFamily, peer: IpValue, prefixLength: number): IpValue | undefined {
  if (family !== 4) throw new InvalidArgumentError(`broadcast applies to IPv4 addresses only ("${spec.address}" is IPv6)`);
  if (spec.broadcast === '+') return prefixLength <= 30 ? withHostBits(peer, prefixLength, true) : undefined;
  const broadcast = parseCidr(spec.broadcast!, 'broadcast');
  if (broadcast.family !== 4 || spec.broadcast!.includes('/')) throw new InvalidArgumentError(`broadcast must be an IPv4 address or '+', got "${spec.broadcast}"`);
  return ipValue(broadcast.address, 4);
}

function parseLifetimes(spec: AddressSpec): { valid: number; preferred: number } | undefined {
  if (spec.validLifetime === undefined && spec.preferredLifetime === undefined) return undefined;
  const valid = spec.validLifetime === undefined ? FOREVER : parseLifetime(spec.validLifetime, 'validLifetime');
  const preferred = spec.preferredLifetime === undefined ? valid : parseLifetime(spec.preferredLifetime, 'preferredLifetime');
  if (valid === 0) throw new InvalidArgumentError(`validLifetime must not be 0 (the address would expire at once); delete the address instead`);
  if (preferred > valid) {
    throw new InvalidArgumentError(`preferredLifetime (${textOf(spec.preferredLifetime)}) must not exceed validLifetime (${textOf(spec.validLifetime ?? 'forever')})`);
  }
  return { valid, preferred };
}

/** Validates an AddressSpec completely (nothing is sent); `purpose` decides which fields matter. */
export function prepareAddress(spec: AddressSpec, purpose: 'add' | 'delete'): PreparedAddress {
  requireObject(spec, 'address spec', "{ dev: 'eth0', address: '10.0.0.2/24' }");
  checkKeys(spec, SPEC_KEYS, 'address spec');
  const dev = validateLinkRef(spec.dev);
  const local = parseCidr(spec.address, 'address');
  const family: IpFamily = local.family;
  const localValue = ipValue(local.address, family);
  const hasPrefix = spec.address.includes('/');
  let prefixLength = local.prefixLength;
  let peerValue: IpValue = localValue;
  let text = spec.address;
  if (spec.peer !== undefined) {
    const peer = parseCidr(spec.peer, 'peer');
    if (peer.family !== family) throw new InvalidArgumentError(`peer "${spec.peer}" is IPv${peer.family} but address "${spec.address}" is IPv${family}`);
    peerValue = ipValue(peer.address, family);
    // As in `ip addr add A peer P/len`: the peer's prefix describes the link.
    if (spec.peer.includes('/') || !hasPrefix) prefixLength = peer.prefixLength;
    text = `${local.address} peer ${peer.address}/${prefixLength}`;
  }
  const request: AddressRequest = {
    family: addressFamily(family),
    prefixLength,
    flags: 0,
    scope: 0,
    index: 0,
    local: localValue,
    address: peerValue,
  };
  if (spec.label !== undefined) {
    if (typeof spec.label !== 'string' || spec.label === '' || spec.label.includes('\0') || Buffer.byteLength(spec.label) > MAX_LABEL_BYTES) {
      throw new InvalidArgumentError(`label must be a non-empty string of at most ${MAX_LABEL_BYTES} bytes, got ${describeValue(spec.label)}`);
    }
    if (family !== 4) throw new InvalidArgumentError(`label applies to IPv4 addresses only ("${spec.address}" is IPv6)`);
    request.label = spec.label;
  }
  // Every field is checked, also for a delete, which sends only what identifies the address.
  const flags = encodeAddressFlags(spec.flags, family);
  if (flags & IFA_F_MCAUTOJOIN && !isMulticast(localValue)) {
    throw new InvalidArgumentError(`flag mcautojoin needs a multicast address, "${spec.address}" is not one`);
  }
  const scope = spec.scope === undefined ? undefined : parseScope(spec.scope);
  const broadcast = spec.broadcast === undefined ? undefined : parseBroadcast(spec, family, peerValue, prefixLength);
  const lifetimes = parseLifetimes(spec);
  const metric = spec.metric === undefined ? undefined : validateInteger(spec.metric, 'metric', 0, 0xffffffff);
  // As `ip addr del 10.0.0.1`: an IPv4 delete without a prefix length or peer sends the local address alone, which the kernel matches whatever the prefix.
  if (purpose === 'delete' && family === 4 && !hasPrefix && spec.peer === undefined) request.address = undefined;
  if (purpose === 'add') {
    request.flags = flags;
    // `ip` gives 127.0.0.0/8 host scope unless told otherwise.
    request.scope = scope ?? (family === 4 && (localValue as number) >>> 24 === 127 ? RT_SCOPE_HOST : 0);
    if (broadcast !== undefined) request.broadcast = broadcast;
    if (lifetimes) {
      request.validLifetime = lifetimes.valid;
      request.preferredLifetime = lifetimes.preferred;
    }
    if (metric !== undefined) request.metric = metric;
  }
  return { dev, request, text: `${text} dev ${describeLinkRef(dev)}` };
}
