import type { LinkKind } from './kind.js';
import { vtiKind, type VtiFields, type VtiInfo } from './vti-data.js';

/**
 * `ip link add NAME type vti6 [local ADDR] [remote ADDR] [key|ikey|okey KEY] [dev DEV]`: an IPv6 IPsec virtual tunnel interface.
 * Encoded like iproute2 (checked against ip's captured requests), not verified against a kernel here.
 */
export interface Vti6Spec extends VtiFields {
  /** Selects the vti6 kind (IFLA_INFO_KIND "vti6"). */
  type: 'vti6';
}

export const vti6: LinkKind<Vti6Spec, VtiInfo> = vtiKind<Vti6Spec>('vti6', 6);
