// Results cross versions: a plugin works on the 1.x shape and prints the
// shape the configuration's cniVersion asks for; a prevResult may come in any
// supported version's shape and is read into the 1.x one.
import { CniError, CniErrorCode } from '../errors.js';
import type { CniDns, CniInterface, CniIpConfig, CniResult, CniRoute } from './types.js';
import { compareVersions } from './versions.js';

/** The object to print for an ADD (or passed-through) result, in `cniVersion`'s shape. */
export function formatResult(result: CniResult, cniVersion: string): Record<string, unknown> {
  const legacy = compareVersions(cniVersion, '1.0.0') < 0;
  const out: Record<string, unknown> = { cniVersion };
  if (result.interfaces?.length) out.interfaces = result.interfaces.map((i) => ({ ...i }));
  if (result.ips?.length) {
    // 0.4.0 tags every address with its family; 1.0.0 dropped the field.
    out.ips = result.ips.map((ip) => (legacy ? { version: ip.address.includes(':') ? '6' : '4', ...ip } : { ...ip }));
  }
  if (result.routes?.length) out.routes = result.routes.map((r) => ({ ...r }));
  // Go prints the DNS struct even when it is empty; runtimes expect the key.
  out.dns = result.dns ? { ...result.dns } : {};
  return out;
}

function fail(what: string): never {
  throw new CniError(CniErrorCode.decodeFailure, `failed to parse prevResult: ${what}`);
}

function optionalString(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') fail(`${what} must be a string`);
  return value;
}

function optionalNumber(value: unknown, what: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) fail(`${what} must be a non-negative integer`);
  return value;
}

function list(value: unknown, what: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(`${what} must be an array`);
  return value;
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${what} must be an object`);
  return value as Record<string, unknown>;
}

function stringList(value: unknown, what: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  return list(value, what).map((v, i) => optionalString(v, `${what}[${i}]`) ?? fail(`${what}[${i}] is empty`));
}

/** Reads a prevResult (0.4.0 or 1.x shape) into the 1.x shape. */
export function parseResult(value: unknown): CniResult {
  const r = object(value, 'prevResult');
  const cniVersion = optionalString(r.cniVersion, 'cniVersion') ?? fail('cniVersion is missing');
  const interfaces: CniInterface[] = list(r.interfaces, 'interfaces').map((v, i) => {
    const o = object(v, `interfaces[${i}]`);
    const iface: CniInterface = { name: optionalString(o.name, `interfaces[${i}].name`) ?? '' };
    const mac = optionalString(o.mac, `interfaces[${i}].mac`);
    if (mac !== undefined) iface.mac = mac;
    const mtu = optionalNumber(o.mtu, `interfaces[${i}].mtu`);
    if (mtu !== undefined) iface.mtu = mtu;
    const sandbox = optionalString(o.sandbox, `interfaces[${i}].sandbox`);
    if (sandbox !== undefined) iface.sandbox = sandbox;
    return iface;
  });
  const ips: CniIpConfig[] = list(r.ips, 'ips').map((v, i) => {
    const o = object(v, `ips[${i}]`);
    const ip: CniIpConfig = { address: optionalString(o.address, `ips[${i}].address`) ?? fail(`ips[${i}].address is missing`) };
    const gateway = optionalString(o.gateway, `ips[${i}].gateway`);
    if (gateway !== undefined) ip.gateway = gateway;
    const index = optionalNumber(o.interface, `ips[${i}].interface`);
    if (index !== undefined) ip.interface = index;
    return ip;
  });
  const routes: CniRoute[] = list(r.routes, 'routes').map((v, i) => {
    const o = object(v, `routes[${i}]`);
    const route: CniRoute = { dst: optionalString(o.dst, `routes[${i}].dst`) ?? fail(`routes[${i}].dst is missing`) };
    const gw = optionalString(o.gw, `routes[${i}].gw`);
    if (gw !== undefined) route.gw = gw;
    for (const key of ['mtu', 'advmss', 'priority', 'table', 'scope'] as const) {
      const n = optionalNumber(o[key], `routes[${i}].${key}`);
      if (n !== undefined) route[key] = n;
    }
    return route;
  });
  const result: CniResult = { cniVersion, interfaces, ips, routes };
  if (r.dns !== undefined && r.dns !== null) result.dns = parseDns(r.dns, 'dns', fail);
  return result;
}

/** Reads a DNS object; `onError` raises the caller's kind of error. */
export function parseDns(value: unknown, what: string, onError: (message: string) => never): CniDns {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) onError(`${what} must be an object`);
  const o = value as Record<string, unknown>;
  const dns: CniDns = {};
  for (const key of ['nameservers', 'search', 'options'] as const) {
    const v = o[key];
    if (v === undefined || v === null) continue;
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) onError(`${what}.${key} must be a list of strings`);
    if ((v as string[]).length) dns[key] = [...(v as string[])];
  }
  if (o.domain !== undefined && o.domain !== null && o.domain !== '') {
    if (typeof o.domain !== 'string') onError(`${what}.domain must be a string`);
    dns.domain = o.domain as string;
  }
  return dns;
}
