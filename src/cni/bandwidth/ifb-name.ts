// The ifb device of an attachment's egress limit, named as the reference names
// it ("bwp" and the first hex digits of sha512(network name + container id),
// 15 characters in all), so either plugin's DEL finds the other's device.
import { createHash } from 'node:crypto';

const PREFIX = 'bwp';
const MAX_LENGTH = 15;

export function ifbName(network: string, containerId: string): string {
  return `${PREFIX}${createHash('sha512').update(network + containerId).digest('hex')}`.slice(0, MAX_LENGTH);
}

/** The kernel's limit on an interface alias (IFALIASZ less its NUL). */
const MAX_ALIAS = 255;

/**
 * The alias nlkit puts on its ifb devices: GC knows from it which network and
 * attachment a device belongs to (the name alone is a hash). Undefined when
 * it would not fit; such a device is then left to DEL.
 */
export function ifbAlias(network: string, containerId: string, ifname: string): string | undefined {
  const alias = `nlkit-bandwidth:${network}/${containerId}/${ifname}`;
  return Buffer.byteLength(alias) <= MAX_ALIAS ? alias : undefined;
}

/** The network an nlkit ifb alias names, and the attachment key after it. */
export function parseIfbAlias(alias: string | undefined): { network: string; attachment: string } | undefined {
  const m = /^nlkit-bandwidth:([^/]+)\/(.+)$/.exec(alias ?? '');
  return m ? { network: m[1]!, attachment: m[2]! } : undefined;
}
