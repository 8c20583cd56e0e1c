import type { LinkKind } from './kind.js';
import { vtiKind, type VtiFields, type VtiInfo } from './vti-data.js';

/**
 * `ip link add NAME type vti [local ADDR] [remote ADDR] [key|ikey|okey KEY] [dev DEV]`: an IPv4 IPsec virtual tunnel interface.
 * Encoded like iproute2 (checked against ip's captured requests), not verified against a kernel here.
 */
export interface VtiSpec extends VtiFields {
  /** Selects the vti kind (IFLA_INFO_KIND "vti"). */
  type: 'vti';
}

export const vti: LinkKind<VtiSpec, VtiInfo> = vtiKind<VtiSpec>('vti', 4);
