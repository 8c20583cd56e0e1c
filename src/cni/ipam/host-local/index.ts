// nlkit's built-in IPAM: host-local's configuration and on-disk state, so a node
// can switch between this and the reference plugin, or run both at once on the
// same data directory. Every field of the request is checked before the data
// directory is touched, since plain-JavaScript callers exist.
import { CniError, CniErrorCode } from '../../errors.js';
import type { IpamRequest, IpamResult } from '../types.js';
import { parseHostLocalConfig } from './config.js';
import { configError, environmentError } from './errors.js';
import { goField, isJsonObject } from './json-fields.js';
import { addAttachment, checkAttachment, collectGarbage, deleteAttachment, reportStatus, type Attachment } from './operations.js';
import type { HostLocalMemory } from './memory.js';
import { ipFromCniArgs, ipsFromConfigArgs, ipsFromRuntimeConfig, requestedIps } from './requested-ips.js';

export { DEFAULT_DATA_DIR } from './config.js';
export { HOST_LOCAL_FAILURE_CODE } from './errors.js';

const COMMANDS = new Set(['ADD', 'DEL', 'CHECK', 'GC', 'STATUS']);
// The specification's rule for CNI_CONTAINERID; it also keeps "\r\n" out of the reservation files.
const CONTAINER_ID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** Linux's rules for an interface name (dev_valid_name), which CNI_IFNAME must follow. */
function validIfname(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && Buffer.byteLength(name) < 16 && !/[/:\s]/.test(name);
}

function attachment(containerId: unknown, ifname: unknown): Attachment {
  if (typeof containerId !== 'string' || !CONTAINER_ID.test(containerId)) {
    throw environmentError(`CNI_CONTAINERID ${JSON.stringify(containerId)} must start with a letter or digit and hold only letters, digits, '_', '.' and '-'`);
  }
  if (typeof ifname !== 'string' || !validIfname(ifname)) {
    throw environmentError(`CNI_IFNAME ${JSON.stringify(ifname)} must be an interface name: 1 to 15 bytes, no '/', ':' or whitespace, not '.' or '..'`);
  }
  return { containerId, ifname };
}

function validAttachments(value: unknown): Attachment[] {
  if (!Array.isArray(value)) throw configError('GC needs cni.dev/valid-attachments: the list of attachments to keep (it may be empty)');
  return value.map((item, i) => {
    if (!isJsonObject(item)) throw configError(`cni.dev/valid-attachments[${i}] must be an object {containerID, ifname}`);
    const { containerID, ifname } = item;
    if (typeof containerID !== 'string' || typeof ifname !== 'string') {
      throw configError(`cni.dev/valid-attachments[${i}] needs string containerID and ifname`);
    }
    return { containerId: containerID, ifname };
  });
}

function parseRawConfig(raw: unknown): unknown {
  if (raw === undefined) return undefined;
  if (!Buffer.isBuffer(raw)) throw environmentError('rawConfig must be a Buffer holding the network configuration');
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (error) {
    throw new CniError(CniErrorCode.decodeFailure, 'cannot decode the network configuration', error instanceof Error ? error.message : String(error));
  }
}

/**
 * Runs one CNI IPAM operation against a host-local data directory. ADD returns
 * the addresses (one per range set), the configured routes and, with
 * `resolvConf`, DNS settings; DEL, CHECK, GC and STATUS return nothing.
 * Failures are CniErrors; allocation failures carry host-local's code (999).
 * `memory` (the agent's) spares reading every address file on each call.
 */
export async function hostLocalIpam(request: IpamRequest, memory?: HostLocalMemory): Promise<IpamResult | undefined> {
  if (!isJsonObject(request)) throw environmentError('the IPAM request must be an object');
  const { command, cniVersion } = request;
  if (typeof command !== 'string' || !COMMANDS.has(command)) throw environmentError(`unknown CNI_COMMAND ${JSON.stringify(command)} (expected ADD, DEL, CHECK, GC or STATUS)`);
  if (typeof cniVersion !== 'string' || cniVersion === '') throw configError('cniVersion must be a version string such as "1.0.0"');

  // The ipRanges capability and args.cni.ips only reach IPAM inside the full configuration.
  const raw = parseRawConfig(request.rawConfig);
  const runtimeConfig = isJsonObject(raw) ? goField(raw, 'runtimeConfig') : undefined;
  const runtimeRanges = isJsonObject(runtimeConfig) ? goField(runtimeConfig, 'ipRanges') : undefined;
  const config = parseHostLocalConfig(request.ipam, request.networkName, cniVersion, runtimeRanges);

  switch (command) {
    case 'ADD': {
      const who = attachment(request.containerId, request.ifname);
      const cniArgsIp = ipFromCniArgs(request.args);
      const requested = requestedIps([cniArgsIp ? [cniArgsIp] : [], ipsFromConfigArgs(raw), ipsFromRuntimeConfig(request.ips)]);
      return addAttachment(config, cniVersion, who, requested, memory);
    }
    case 'DEL':
      ipFromCniArgs(request.args);
      await deleteAttachment(config, attachment(request.containerId, request.ifname), memory);
      return undefined;
    case 'CHECK':
      ipFromCniArgs(request.args);
      await checkAttachment(config, attachment(request.containerId, request.ifname), memory);
      return undefined;
    case 'GC':
      await collectGarbage(config, validAttachments(request.validAttachments), memory);
      return undefined;
    default:
      await reportStatus(config);
      return undefined;
  }
}
