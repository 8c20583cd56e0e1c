// The host side of the bridge plugin: the bridge (made when missing, checked
// when present), its gateway addresses, forwarding, and the sysctls the
// reference sets, all in the namespace that plays the host.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { NetlinkError, withNetns, type Link, type RouteConnection } from '../../index.js';
import type { HostState } from '../agent/cache.js';
import type { RunCniOptions } from '../call.js';
import { CniError, CniErrorCode } from '../errors.js';
import { contains, parseAddress, parseCidr } from '../ip.js';
import type { BridgeConfig } from './config.js';

function inHost<T>(options: RunCniOptions, fn: () => T): T {
  return options.hostNetns === undefined ? fn() : withNetns(options.hostNetns, fn);
}

/** Writes a sysctl of the host namespace; the reference ignores failures of these, and so does this. */
export function writeHostSysctl(options: RunCniOptions, path: string, value: string): void {
  try {
    inHost(options, () => writeFileSync(path, value));
  } catch {
    // e.g. IPv6 disabled: the setting does not exist
  }
}

function isExists(error: unknown): boolean {
  return error instanceof NetlinkError && error.code === 'EEXIST';
}

/** A random locally administered unicast MAC. */
function randomMac(): string {
  const b = randomBytes(6);
  b[0] = (b[0]! & 0xfe) | 0x02;
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/**
 * The bridge, created (with the MTU, up, promiscuous when asked) unless it
 * exists; a non-bridge of that name is refused. A bridge nlkit creates gets
 * its MAC in the creating request, which pins it: a bridge whose MAC was
 * never set takes its lowest port's, so concurrent ADDs would each see (and
 * report) another gateway MAC.
 */
export function ensureBridge(rt: RouteConnection, config: BridgeConfig, options: RunCniOptions, state?: HostState): Link {
  const key = bridgeKey(config);
  const known = state?.fact<Link>(key);
  if (known) return known;
  try {
    rt.link.add({ name: config.bridge, type: 'bridge', up: true, address: randomMac(), ...(config.mtu === undefined ? {} : { mtu: config.mtu }) });
  } catch (error) {
    // Another ADD may have made it a moment ago: that one is as good.
    if (!isExists(error)) throw new CniError(CniErrorCode.internal, `failed to create bridge ${JSON.stringify(config.bridge)}: could not add ${JSON.stringify(config.bridge)}: ${(error as Error).message}`);
  }
  let bridge = rt.link.get(config.bridge);
  if (bridge.kind !== 'bridge') throw new CniError(CniErrorCode.internal, `failed to create bridge ${JSON.stringify(config.bridge)}: ${JSON.stringify(config.bridge)} already exists but is not a bridge`);
  if (config.promiscMode && !bridge.flagNames.includes('PROMISC')) rt.link.set(bridge.index, { promisc: true });
  if (!bridge.up) rt.link.set(bridge.index, { up: true });
  // The plugin owns the bridge's routes: no router advertisements on it.
  writeHostSysctl(options, `/proc/sys/net/ipv6/conf/${config.bridge}/accept_ra`, '0');
  if (config.promiscMode || !bridge.up) bridge = rt.link.get(bridge.index);
  state?.remember(key, bridge);
  return bridge;
}

/** The agent's cache key of a checked bridge (the settings ensureBridge applies are part of it). */
export function bridgeKey(config: BridgeConfig): string {
  return `bridge:${config.bridge}:${config.mtu ?? ''}:${config.promiscMode}`;
}

/**
 * Puts a gateway address on the bridge. An IPv4 bridge holds one subnet's
 * gateway: another address is an error unless `forceAddress`, which replaces
 * it (for IPv6, only overlapping subnets conflict). Then the bridge's MAC is
 * pinned (see finishGateway); `bridge` must have been read before the pod's port joined.
 */
export function ensureGatewayAddress(rt: RouteConnection, bridge: Link, family: 4 | 6, cidr: string, forceAddress: boolean, state?: HostState): void {
  const key = `gateway:${bridge.index}:${cidr}:${forceAddress}`;
  if (state?.fact(key)) return;
  setGatewayAddress(rt, bridge, family, cidr, forceAddress);
  state?.remember(key, true);
}

function setGatewayAddress(rt: RouteConnection, bridge: Link, family: 4 | 6, cidr: string, forceAddress: boolean): void {
  const wanted = parseCidr(cidr, 'gateway', CniErrorCode.internal);
  for (const a of rt.addr.list({ dev: bridge.index, family })) {
    if (a.scopeName !== 'global') continue;
    const local = a.local ?? a.address;
    if (local === undefined) continue;
    if (`${local}/${a.prefixLength}` === cidr) return finishGateway(rt, bridge);
    const existing = parseCidr(`${local}/${a.prefixLength}`, 'bridge address', CniErrorCode.internal);
    const overlaps = contains(existing, wanted.value) || contains(wanted, parseAddress(local, 'bridge address').value);
    if (family === 4 || overlaps) {
      if (!forceAddress) throw new CniError(CniErrorCode.internal, `failed to set bridge addr: ${JSON.stringify(bridge.name)} already has an IP address different from ${cidr}`);
      rt.addr.delete({ dev: bridge.index, address: `${local}/${a.prefixLength}` });
    }
  }
  try {
    rt.addr.add({ dev: bridge.index, address: cidr, ...(family === 4 ? { broadcast: '+' } : {}) });
  } catch (error) {
    if (!isExists(error)) throw error;
  }
  finishGateway(rt, bridge);
}

/**
 * Gives the bridge back the MAC it had before its ports joined (`bridge` was
 * read then) and pins it there: a bridge whose MAC was set never follows its
 * ports' MACs again, so the gateway's MAC stays put as pods come and go.
 */
function finishGateway(rt: RouteConnection, bridge: Link): void {
  if (bridge.address !== undefined) rt.link.set(bridge.index, { address: bridge.address });
}

/** Turns on forwarding for a family in the host namespace (a gateway routes the pods' traffic). */
export function enableForwarding(options: RunCniOptions, family: 4 | 6, state?: HostState): void {
  if (state?.fact(`forwarding:${family}`)) return;
  const path = family === 4 ? '/proc/sys/net/ipv4/ip_forward' : '/proc/sys/net/ipv6/conf/all/forwarding';
  try {
    inHost(options, () => writeFileSync(path, '1'));
  } catch (error) {
    throw new CniError(CniErrorCode.internal, `failed to enable forwarding: ${(error as Error).message}`);
  }
  state?.remember(`forwarding:${family}`, true);
}
