// tun and tap devices, created the way `ip tuntap add` creates them: the
// kernel makes them only for a process that opens /dev/net/tun and issues
// TUNSETIFF, so this is ioctls, not rtnetlink. They are changed, listed and
// deleted (RTM_DELLINK) like any link afterwards.
import { IFF_MULTI_QUEUE, IFF_NO_PI, IFF_TAP, IFF_TUN, IFF_TUN_EXCL, IFF_VNET_HDR } from '../../generated/if_tun.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import { ownedNetnsHandle } from '../../netns/reference.js';
import { withNetns } from '../../netns/switch.js';
import * as libc from '../../sys/libc.js';
import type { RouteContext } from '../context.js';
import { validateIfName, validateInteger } from '../names.js';
import { U32_MAX, validateBoolean, validateKeys, validateObject, validateOneOf } from './validate.js';

/** `ip tuntap add NAME mode tun|tap [pi] [vnet_hdr] [multi_queue] [user U] [group G]`. */
export interface TunTapSpec {
  /** Interface name (1–15 bytes). */
  name: string;
  /** `tun` (layer 3: IP packets) or `tap` (layer 2: Ethernet frames). */
  mode: 'tun' | 'tap';
  /** Frames carry the 4-byte packet information header (ip's `pi`; without it IFF_NO_PI is set, as ip does). */
  pi?: boolean;
  /** Frames carry a virtio_net_hdr (`vnet_hdr`, IFF_VNET_HDR), as vhost-net wants. */
  vnetHdr?: boolean;
  /** Several fds may attach, one queue each (`multi_queue`, IFF_MULTI_QUEUE). */
  multiQueue?: boolean;
  /** Only this uid (and root) may attach (`user`, TUNSETOWNER). */
  user?: number;
  /** Only this gid (and root) may attach (`group`, TUNSETGROUP). */
  group?: number;
}

const SPEC_KEYS = ['name', 'mode', 'pi', 'vnetHdr', 'multiQueue', 'user', 'group'];

/** Checks a spec before anything is opened; returns the TUNSETIFF flags. */
export function tunTapFlags(input: unknown): number {
  const spec = validateObject(input, 'tun/tap spec') as unknown as TunTapSpec;
  validateKeys(spec, SPEC_KEYS, 'tun/tap spec');
  validateIfName(spec.name, 'name');
  if (spec.name.includes('%')) throw new InvalidArgumentError(`name "${spec.name}": give the name itself, not a pattern`);
  const mode = validateOneOf(spec.mode, 'mode', ['tun', 'tap'] as const);
  for (const key of ['pi', 'vnetHdr', 'multiQueue'] as const) if (spec[key] !== undefined) validateBoolean(spec[key], key);
  // uid/gid -1 means "nobody in particular" to the kernel: refuse it as an id.
  if (spec.user !== undefined) validateInteger(spec.user, 'user', 0, U32_MAX - 1);
  if (spec.group !== undefined) validateInteger(spec.group, 'group', 0, U32_MAX - 1);
  // IFF_TUN_EXCL: fail (EBUSY) rather than attach to a tun/tap of that name that already exists.
  let flags = (mode === 'tun' ? IFF_TUN : IFF_TAP) | IFF_TUN_EXCL;
  if (!spec.pi) flags |= IFF_NO_PI;
  if (spec.vnetHdr) flags |= IFF_VNET_HDR;
  if (spec.multiQueue) flags |= IFF_MULTI_QUEUE;
  return flags;
}

/**
 * Creates a persistent tun/tap device in the namespace of `ctx`'s socket:
 * opens /dev/net/tun there (the thread enters the namespace for the open
 * only), TUNSETIFF, TUNSETOWNER/TUNSETGROUP, TUNSETPERSIST, and closes the
 * fd. Until TUNSETPERSIST the device lives only as long as the fd, so a
 * failure half way leaves nothing behind.
 */
export function createTunTap(ctx: RouteContext, spec: TunTapSpec): void {
  const flags = tunTapFlags(spec);
  const netns = ownedNetnsHandle(libc.socketNetns(ctx.socket.fd), ctx.label);
  let fd: number;
  try {
    fd = withNetns(netns, () => libc.openTunDevice());
  } finally {
    netns.close();
  }
  try {
    libc.tunSetIff(fd, spec.name, flags);
    if (spec.user !== undefined) libc.tunSetOwner(fd, spec.user);
    if (spec.group !== undefined) libc.tunSetGroup(fd, spec.group);
    libc.tunSetPersist(fd, true);
  } finally {
    libc.close(fd);
  }
}
