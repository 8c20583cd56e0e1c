// The request configuration on stdin: parsed once, the fields every plugin
// shares checked, the plugin's own keys left for the plugin.
import { CniError, CniErrorCode } from './errors.js';
import { parseDns } from './spec/result.js';
import type { CniAttachment, CniNetworkConfig } from './spec/types.js';

/** The specification's rule for network names (the container id's); it also keeps a name one path component. */
export const NETWORK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/**
 * A non-empty string field of the configuration on stdin, read before (or
 * without) validating it: the version errors are printed in, the network a
 * call locks. Undefined when stdin is not JSON or the field is not a string.
 */
export function peekStdinString(stdin: Buffer, field: 'cniVersion' | 'name'): string | undefined {
  try {
    const value = (JSON.parse(stdin.toString('utf8')) as Record<string, unknown>)[field];
    return typeof value === 'string' && value !== '' ? value : undefined;
  } catch {
    return undefined;
  }
}

function invalid(message: string, details = ''): never {
  throw new CniError(CniErrorCode.invalidConfig, message, details);
}

function optionalObject(value: unknown, key: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) invalid(`${key} must be an object`);
  return value as Record<string, unknown>;
}

function attachments(value: unknown, key: string): CniAttachment[] {
  if (!Array.isArray(value)) invalid(`${key} must be a list of { containerID, ifname }`);
  return value.map((a, i) => {
    const o = optionalObject(a, `${key}[${i}]`);
    if (!o || typeof o.containerID !== 'string' || typeof o.ifname !== 'string') invalid(`${key}[${i}] must be { containerID, ifname } with string values`);
    return { containerID: o.containerID, ifname: o.ifname };
  });
}

/**
 * Parses stdin: JSON that is not an object is a decode failure (code 6), a
 * missing or malformed network name invalid configuration (code 7). A
 * missing cniVersion reads as 0.1.0, as the spec's early versions had it.
 */
export function parseNetworkConfig(bytes: Buffer): CniNetworkConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new CniError(CniErrorCode.decodeFailure, `error unmarshall network config: ${(error as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CniError(CniErrorCode.decodeFailure, 'error unmarshall network config: not a JSON object');
  const o = raw as Record<string, unknown>;
  if (o.name === undefined || o.name === '') invalid('missing network name');
  if (typeof o.name !== 'string' || !NETWORK_NAME.test(o.name)) invalid('invalid characters found in network name', String(o.name));
  if (o.cniVersion !== undefined && typeof o.cniVersion !== 'string') throw new CniError(CniErrorCode.decodeFailure, 'cniVersion must be a string');
  if (o.type !== undefined && typeof o.type !== 'string') invalid('type must be a string');
  const config: CniNetworkConfig = { cniVersion: (o.cniVersion as string | undefined) || '0.1.0', name: o.name, type: (o.type as string | undefined) ?? '', raw: o, bytes };
  const ipam = optionalObject(o.ipam, 'ipam');
  if (ipam) {
    if (ipam.type !== undefined && typeof ipam.type !== 'string') invalid('ipam.type must be a string');
    config.ipam = ipam;
  }
  if (o.dns !== undefined && o.dns !== null) config.dns = parseDns(o.dns, 'dns', (m) => invalid(m));
  const prev = optionalObject(o.prevResult, 'prevResult');
  if (prev) config.prevResult = prev;
  const runtime = optionalObject(o.runtimeConfig, 'runtimeConfig');
  if (runtime) config.runtimeConfig = runtime;
  const args = optionalObject(o.args, 'args');
  if (args) config.args = args;
  // The spec names the key `cni.dev/attachments`; libcni sends `cni.dev/valid-attachments`.
  for (const key of ['cni.dev/valid-attachments', 'cni.dev/attachments']) {
    if (o[key] !== undefined) config.validAttachments = attachments(o[key], key);
  }
  return config;
}
