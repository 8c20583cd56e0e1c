// Specific addresses a caller asks for, from the three places host-local reads
// them: CNI_ARGS `IP=`, the configuration's `args.cni.ips`, and
// `runtimeConfig.ips` (the `ips` capability). Each may carry a prefix
// (10.0.0.5/24), which is dropped. CNI_ARGS keys other than IP and
// IgnoreUnknown are refused unless IgnoreUnknown is set, as libcni does.
import { environmentError, configError } from './errors.js';
import { formatAddress, parseCidr, parseIp, type Ip } from './ip.js';
import { goField, isJsonObject } from './json-fields.js';

function addressOrCidr(text: string): Ip | undefined {
  return text.includes('/') ? parseCidr(text)?.ip : parseIp(text);
}

function parseBoolean(value: string): boolean | undefined {
  const lower = value.toLowerCase();
  if (lower === '1' || lower === 'true') return true;
  if (lower === '0' || lower === 'false') return false;
  return undefined;
}

/** The `IP=` of CNI_ARGS (already split into pairs), checking the other keys as libcni does. */
export function ipFromCniArgs(args: Record<string, string> | undefined): Ip | undefined {
  if (args === undefined) return undefined;
  if (!isJsonObject(args)) throw environmentError('CNI_ARGS must be given as key/value pairs');
  let ignoreUnknown = false;
  let ip: Ip | undefined;
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(args)) {
    if (typeof value !== 'string') throw environmentError(`CNI_ARGS: value of ${key} must be a string`);
    const pair = `${key}=${value}`;
    if (key === 'IgnoreUnknown') {
      const flag = parseBoolean(value);
      if (flag === undefined) throw environmentError(`CNI_ARGS: error parsing value of pair ${JSON.stringify(pair)}: boolean unmarshal error: invalid input ${value.toLowerCase()}`);
      ignoreUnknown = flag;
    } else if (key === 'IP') {
      if (value === '') continue;
      ip = addressOrCidr(value);
      if (!ip) throw environmentError(`CNI_ARGS: error parsing value of pair ${JSON.stringify(pair)}: invalid IP address ${value}`);
    } else {
      unknown.push(pair);
    }
  }
  if (unknown.length > 0 && !ignoreUnknown) throw environmentError(`CNI_ARGS: unknown args ${JSON.stringify(unknown)} (set IgnoreUnknown=1 to allow them)`);
  return ip;
}

function addressList(value: unknown, where: string): Ip[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw configError(`${where} must be an array of IP addresses`);
  return value.map((item, i) => {
    const ip = typeof item === 'string' ? addressOrCidr(item) : undefined;
    if (!ip) throw configError(`${where}[${i}] must be an IP address, got ${JSON.stringify(item)}`);
    return ip;
  });
}

/** `args.cni.ips` of a network configuration. */
export function ipsFromConfigArgs(config: unknown): Ip[] {
  if (!isJsonObject(config)) return [];
  const args = goField(config, 'args');
  if (!isJsonObject(args)) return [];
  const cni = goField(args, 'cni');
  if (!isJsonObject(cni)) return [];
  return addressList(goField(cni, 'ips'), 'args.cni.ips');
}

/** `runtimeConfig.ips`. */
export function ipsFromRuntimeConfig(ips: unknown): Ip[] {
  return addressList(ips, 'runtimeConfig.ips');
}

/** All requested addresses in host-local's order, each once. */
export function requestedIps(lists: readonly (readonly Ip[])[]): Ip[] {
  const seen = new Set<string>();
  const out: Ip[] = [];
  for (const ip of lists.flat()) {
    const key = formatAddress(ip);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(ip);
  }
  return out;
}
