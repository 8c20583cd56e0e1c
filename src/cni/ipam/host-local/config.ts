// The `ipam` section as host-local reads it: `ranges` (range sets), the older
// single range written directly in `ipam`, `runtimeConfig.ipRanges` put in
// front, `routes`, `dataDir` and `resolvConf`. Everything is checked here,
// before the data directory is touched.
import { NETWORK_NAME } from '../../config.js';
import type { IpamResult } from '../types.js';
import { configError } from './errors.js';
import { formatAddress, formatCidr, parseCidr, parseIp, type Cidr, type Ip } from './ip.js';
import { goField, isJsonObject, type JsonObject } from './json-fields.js';
import type { RangeInput } from './range.js';
import { canonicalRangeSet, familyOf, rangeSetsOverlap, type RangeSet } from './range-set.js';

/** Where host-local keeps its state when `dataDir` is not given. */
export const DEFAULT_DATA_DIR = '/var/lib/cni/networks';

export type IpamRoute = NonNullable<IpamResult['routes']>[number];

/** A checked host-local configuration. */
export interface HostLocalConfig {
  /** The network's name: the data directory's subdirectory. */
  networkName: string;
  dataDir: string;
  /** One address is allocated from each set, in this order. */
  rangeSets: RangeSet[];
  routes: IpamRoute[];
  /** A resolv.conf whose entries go into the result's `dns`. */
  resolvConf?: string;
}

function optionalAddress(value: unknown, where: string): Ip | undefined {
  // Go decodes an empty string into a nil address: the same as leaving it out.
  if (value === undefined || value === '') return undefined;
  const ip = typeof value === 'string' ? parseIp(value) : undefined;
  if (!ip) throw configError(`${where} must be an IP address, got ${JSON.stringify(value)}`);
  return ip;
}

function cidr(value: unknown, where: string): Cidr {
  const parsed = typeof value === 'string' ? parseCidr(value) : undefined;
  if (!parsed) throw configError(`${where} must be a subnet in CIDR notation (10.22.0.0/16, fd00::/64), got ${JSON.stringify(value)}`);
  return parsed;
}

function rangeInput(object: JsonObject, where: string): RangeInput {
  const subnet = goField(object, 'subnet');
  if (subnet === undefined) throw configError(`${where}.subnet is missing`);
  const input: RangeInput = { subnet: cidr(subnet, `${where}.subnet`) };
  const rangeStart = optionalAddress(goField(object, 'rangeStart'), `${where}.rangeStart`);
  const rangeEnd = optionalAddress(goField(object, 'rangeEnd'), `${where}.rangeEnd`);
  const gateway = optionalAddress(goField(object, 'gateway'), `${where}.gateway`);
  if (rangeStart) input.rangeStart = rangeStart;
  if (rangeEnd) input.rangeEnd = rangeEnd;
  if (gateway) input.gateway = gateway;
  return input;
}

function rangeSetInputs(value: unknown, where: string): RangeInput[][] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw configError(`${where} must be an array of range sets (arrays of {subnet, rangeStart, rangeEnd, gateway})`);
  return value.map((set, i) => {
    if (!Array.isArray(set)) throw configError(`${where}[${i}] must be an array of ranges ({subnet, rangeStart, rangeEnd, gateway})`);
    return set.map((range, j) => {
      if (!isJsonObject(range)) throw configError(`${where}[${i}][${j}] must be an object {subnet, rangeStart, rangeEnd, gateway}`);
      return rangeInput(range, `${where}[${i}][${j}]`);
    });
  });
}

const ROUTE_NUMBERS = ['mtu', 'advmss', 'priority', 'table', 'scope'] as const;

function route(value: unknown, where: string): IpamRoute {
  if (!isJsonObject(value)) throw configError(`${where} must be an object {dst, gw}`);
  const dst = goField(value, 'dst');
  if (dst === undefined) throw configError(`${where}.dst is missing`);
  const out: IpamRoute = { dst: formatCidr(cidr(dst, `${where}.dst`)) };
  const gw = optionalAddress(goField(value, 'gw'), `${where}.gw`);
  if (gw) out.gw = formatAddress(gw);
  // CNI 1.1's route attributes; host-local 1.1.1 predates them, so it would drop them.
  for (const key of ROUTE_NUMBERS) {
    const n = goField(value, key);
    if (n === undefined) continue;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) throw configError(`${where}.${key} must be a non-negative integer, got ${JSON.stringify(n)}`);
    out[key] = n;
  }
  return out;
}

function versionAtLeast(version: string, major: number, minor: number): boolean {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!match) return false;
  const [maj, min] = [Number(match[1]), Number(match[2])];
  return maj > major || (maj === major && min >= minor);
}

/**
 * Reads an `ipam` section. `runtimeRanges` is `runtimeConfig.ipRanges` (the
 * `ipRanges` capability), whose sets come first, as in host-local.
 */
export function parseHostLocalConfig(ipam: unknown, networkName: unknown, cniVersion: string, runtimeRanges?: unknown): HostLocalConfig {
  if (!isJsonObject(ipam)) throw configError("IPAM config missing 'ipam' key");
  if (typeof networkName !== 'string' || !NETWORK_NAME.test(networkName)) {
    throw configError(`network name ${JSON.stringify(networkName)} must start with a letter or digit and hold only letters, digits, '_', '.' and '-'`);
  }

  const inputs = [
    ...rangeSetInputs(runtimeRanges, 'runtimeConfig.ipRanges'),
    ...(goField(ipam, 'subnet') !== undefined ? [[rangeInput(ipam, 'ipam')]] : []),
    ...rangeSetInputs(goField(ipam, 'ranges'), 'ipam.ranges'),
  ];
  if (inputs.length === 0) throw configError('no IP ranges specified (give ipam.ranges or ipam.subnet)');
  const rangeSets = inputs.map((set, i) => canonicalRangeSet(set, i));

  const perFamily = { 4: 0, 6: 0 };
  for (const set of rangeSets) perFamily[familyOf(set)]++;
  if ((perFamily[4] > 1 || perFamily[6] > 1) && !versionAtLeast(cniVersion, 0, 3)) {
    throw configError(`CNI version ${cniVersion} does not support more than 1 address per family`);
  }
  for (let i = 0; i < rangeSets.length; i++) {
    for (let j = i + 1; j < rangeSets.length; j++) {
      if (rangeSetsOverlap(rangeSets[i]!, rangeSets[j]!)) throw configError(`range set ${i} overlaps with ${j}`);
    }
  }

  const routesValue = goField(ipam, 'routes');
  if (routesValue !== undefined && !Array.isArray(routesValue)) throw configError('ipam.routes must be an array of {dst, gw}');
  const routes = (routesValue ?? []).map((r: unknown, i: number) => route(r, `ipam.routes[${i}]`));

  const dataDir = goField(ipam, 'dataDir');
  if (dataDir !== undefined && typeof dataDir !== 'string') throw configError(`ipam.dataDir must be a path, got ${JSON.stringify(dataDir)}`);
  if (typeof dataDir === 'string' && dataDir.includes('\0')) throw configError('ipam.dataDir must not contain a NUL byte');
  const resolvConf = goField(ipam, 'resolvConf');
  if (resolvConf !== undefined && typeof resolvConf !== 'string') throw configError(`ipam.resolvConf must be a path, got ${JSON.stringify(resolvConf)}`);

  const config: HostLocalConfig = { networkName, dataDir: dataDir || DEFAULT_DATA_DIR, rangeSets, routes };
  if (resolvConf) config.resolvConf = resolvConf;
  return config;
}
