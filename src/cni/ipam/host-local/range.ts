// One `{subnet, rangeStart, rangeEnd, gateway}` entry, with host-local's
// defaults filled in: gateway = the subnet's first address, range = the whole
// subnet after the network address and, for IPv4, before the broadcast
// address. The gateway may sit inside the range; allocation skips it.
import { configError } from './errors.js';
import { bitsOf, formatAddress, formatCidr, maskOf, nextIp, type Cidr, type Ip } from './ip.js';

/** A canonical range: every field set, all addresses of the subnet's family. */
export interface Range {
  readonly subnet: Cidr;
  readonly rangeStart: Ip;
  readonly rangeEnd: Ip;
  readonly gateway: Ip;
}

/** A range as the configuration gives it, before defaults. */
export interface RangeInput {
  subnet: Cidr;
  rangeStart?: Ip;
  rangeEnd?: Ip;
  gateway?: Ip;
}

function inSubnet(subnet: Cidr, ip: Ip): boolean {
  if (ip.family !== subnet.ip.family) return false;
  const mask = maskOf(subnet.ip.family, subnet.prefix);
  return (ip.value & mask) === (subnet.ip.value & mask);
}

/** Fills in the defaults and refuses what cannot be allocated from. */
export function canonicalRange(input: RangeInput): Range {
  const { subnet } = input;
  const family = subnet.ip.family;
  const bits = bitsOf(family);
  // A /31 or /32 (/127, /128) has no address left once network and gateway are taken.
  if (subnet.prefix > bits - 2) throw configError(`Network ${formatCidr(subnet)} too small to allocate from`);
  const mask = maskOf(family, subnet.prefix);
  const network: Ip = { family, value: subnet.ip.value & mask };
  if (network.value !== subnet.ip.value) {
    throw configError(`Network has host bits set. For a subnet mask of length ${subnet.prefix} the network address is ${formatAddress(network)}`);
  }
  const canonicalSubnet: Cidr = { ip: network, prefix: subnet.prefix };
  const subnetText = formatCidr(canonicalSubnet);

  const gateway = input.gateway ?? nextIp(network);
  // host-local lets a gateway of the other family through and hands it out; refused here.
  if (gateway.family !== family) throw configError(`gateway ${formatAddress(gateway)} is not of the same family as subnet ${subnetText}`);

  const rangeStart = input.rangeStart ?? nextIp(network);
  if (!inSubnet(canonicalSubnet, rangeStart)) throw configError(`RangeStart ${formatAddress(rangeStart)} not in network ${subnetText}`);

  let rangeEnd = input.rangeEnd;
  if (rangeEnd === undefined) {
    const last = network.value | (((1n << BigInt(bits)) - 1n) ^ mask);
    // IPv4 keeps its broadcast address out of the range.
    rangeEnd = { family, value: family === 4 ? last - 1n : last };
  } else if (!inSubnet(canonicalSubnet, rangeEnd)) {
    throw configError(`RangeEnd ${formatAddress(rangeEnd)} not in network ${subnetText}`);
  }
  // host-local would walk past the subnet's end looking for a wrap that never comes; refused here.
  if (rangeStart.value > rangeEnd.value) throw configError(`RangeStart ${formatAddress(rangeStart)} is after RangeEnd ${formatAddress(rangeEnd)}`);

  return { subnet: canonicalSubnet, rangeStart, rangeEnd, gateway };
}

/** Whether `ip` is an address this range hands out (between rangeStart and rangeEnd, inclusive). */
export function rangeContains(range: Range, ip: Ip): boolean {
  return ip.family === range.subnet.ip.family && ip.value >= range.rangeStart.value && ip.value <= range.rangeEnd.value;
}

export function rangesOverlap(a: Range, b: Range): boolean {
  if (a.subnet.ip.family !== b.subnet.ip.family) return false;
  return rangeContains(a, b.rangeStart) || rangeContains(a, b.rangeEnd) || rangeContains(b, a.rangeStart) || rangeContains(b, a.rangeEnd);
}

/** `start-end`, as host-local names a range in its messages. */
export function formatRange(range: Range): string {
  return `${formatAddress(range.rangeStart)}-${formatAddress(range.rangeEnd)}`;
}

/** How many addresses the range hands out: its size, less the gateway when it lies inside. */
export function rangeCapacity(range: Range): bigint {
  const size = range.rangeEnd.value - range.rangeStart.value + 1n;
  return rangeContains(range, range.gateway) ? size - 1n : size;
}
