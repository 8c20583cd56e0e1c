import { IFLA_EXT_MASK, IFLA_IFNAME } from '../generated/if_link.js';
import { RTEXT_FILTER_SKIP_STATS, RTM_GETLINK } from '../generated/rtnetlink.js';
import { InvalidArgumentError } from '../netlink/addresses.js';
import { describeValue } from '../netlink/checks.js';
import { NetlinkError } from '../netlink/errors.js';
import type { MessageWriter } from '../netlink/writer.js';
import type { Message } from '../netlink/message.js';
import { s32le } from '../netlink/byte-reads.js';
import { requireRouteHeader } from './decode-context.js';
import type { RouteContext } from './context.js';
import { validateIfName, validateInteger } from './names.js';

/** sizeof(struct ifinfomsg) */
export const IFINFOMSG_LEN = 16;

/** A link named by interface name or ifindex, as `dev` is in `ip`. */
export type LinkRef = string | number;

/** The link does not exist in the namespace the request was aimed at. */
export class LinkNotFoundError extends Error {
  /** Always `'LinkNotFoundError'`. */
  override readonly name = 'LinkNotFoundError';
  /** Always `'ENODEV'`, the errno the kernel gives for an unknown ifindex or name. */
  readonly code = 'ENODEV';
  /**
   * @param link - The name or ifindex that was not found.
   * @param where - The namespace label, e.g. `netns pod1`, for the message.
   */
  constructor(
    /** The interface name or ifindex that was looked up. */
    readonly link: LinkRef,
    where: string,
  ) {
    super(`link ${typeof link === 'number' ? `#${link}` : `"${link}"`} does not exist in ${where}`);
  }
}

/** How a LinkRef reads in messages: the name, or '#3' for an ifindex. */
export function describeLinkRef(dev: LinkRef): string {
  return typeof dev === 'number' ? `#${dev}` : dev;
}

/** Validates a LinkRef without sending anything. */
export function validateLinkRef(dev: unknown, what = 'dev'): LinkRef {
  if (typeof dev === 'number') return validateInteger(dev, `${what} index`, 1, 0x7fffffff);
  if (typeof dev === 'string') return validateIfName(dev, what);
  throw new InvalidArgumentError(`${what} must be an interface name or index, got ${describeValue(dev)}`);
}

/** The connection argument of the exported resolvers: plain JavaScript could pass anything. */
function requireContext(ctx: unknown, what: string): void {
  const socket = (ctx as RouteContext | null | undefined)?.socket as Partial<RouteContext['socket']> | undefined;
  if (typeof socket?.execute !== 'function' || typeof socket.executeAsync !== 'function') {
    throw new InvalidArgumentError(`${what}: ctx must be a connection from openRoute(), got ${describeValue(ctx)}`);
  }
}

function encodeLookup(writer: MessageWriter, name: string): void {
  writer.reserve(IFINFOMSG_LEN);
  writer.string(IFLA_IFNAME, name);
  writer.u32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
}

function lookup(ctx: RouteContext, name: string) {
  return [
    { type: RTM_GETLINK, encode: (w: MessageWriter) => encodeLookup(w, name) },
    { operation: 'look up link', object: `${name} in ${ctx.label}`, headerLength: IFINFOMSG_LEN },
    (m: Message) => {
      requireRouteHeader(m, IFINFOMSG_LEN, 'ifinfomsg');
      return s32le(m.buf, m.offset + 4);
    },
  ] as const;
}

function notFound(error: unknown, ref: LinkRef, ctx: RouteContext): unknown {
  return error instanceof NetlinkError && error.code === 'ENODEV' ? new LinkNotFoundError(ref, ctx.label) : error;
}

/**
 * Turns a LinkRef into an ifindex. Names cost one direct RTM_GETLINK (never a
 * dump); indexes pass through unchecked, and the kernel validates them.
 */
export function resolveLinkIndex(ctx: RouteContext, dev: LinkRef, what = 'dev'): number {
  requireContext(ctx, 'resolveLinkIndex');
  const ref = validateLinkRef(dev, what);
  if (typeof ref === 'number') return ref;
  try {
    return ctx.socket.execute(...lookup(ctx, ref))[0]!;
  } catch (error) {
    throw notFound(error, ref, ctx);
  }
}

/** Promise form of `resolveLinkIndex`. */
export async function resolveLinkIndexAsync(ctx: RouteContext, dev: LinkRef, what = 'dev'): Promise<number> {
  requireContext(ctx, 'resolveLinkIndexAsync');
  const ref = validateLinkRef(dev, what);
  if (typeof ref === 'number') return ref;
  try {
    return (await ctx.socket.executeAsync(...lookup(ctx, ref)))[0]!;
  } catch (error) {
    throw notFound(error, ref, ctx);
  }
}
