import { IFF_UP } from '../../generated/if.js';
import { FLAG_FIELDS, flagBits } from './flag-fields.js';
import { deriveFromDump } from '../../netlink/dump-retry.js';
import { RTM_DELLINK, RTM_DELLINKPROP, RTM_GETLINK, RTM_NEWLINK, RTM_NEWLINKPROP, RTM_SETLINK } from '../../generated/rtnetlink.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import { NetlinkError, type Operation } from '../../netlink/errors.js';
import { NLM_F_APPEND, NLM_F_CREATE, NLM_F_EXCL } from '../../netlink/message.js';
import type { Request } from '../../netlink/socket.js';
import type { MessageWriter } from '../../netlink/writer.js';
import { describeNetns, type NetnsRef } from '../../netns/reference.js';
import type { RouteContext } from '../context.js';
import { validateIfName, validateInteger } from '../names.js';
import {
  describeLinkRef, LinkNotFoundError, resolveLinkIndex, resolveLinkIndexAsync, validateLinkRef, type LinkRef,
} from '../resolve.js';
import { bridgePortLinkRefs, encodeBridgePortOptions, validateBridgePortOptions } from './bridge-port.js';
import { GetLinkRequest, SHOW_EXT_MASK } from './get-request.js';
import { createTunTap, type TunTapSpec } from './tuntap.js';
import { kindToCreate, type FollowUp, type LinkKind } from './kinds/index.js';
import type { TakenName } from './kinds/kind.js';
import { explainLinkExists, peerNamespaceDying, peerNamespaceDyingAsync } from './exists-explanation.js';
import { decodeReceivedLink, encodeLinkRequest, type LinkRequest } from './message.js';
import { GetLinkOperation, linkOperation } from './operation.js';
import { References, withRouteIn } from './references.js';
import type { Link, LinkChanges, LinkFilter, LinkFlagsAndLimits, LinkSpec } from './types.js';
import { jsonOf } from '../../netlink/checks.js';
import {
  S32_MAX, U32_MAX, validateAltName, validateBoolean, validateKeys, validateMac, validateNetnsRef, validateObject, validateString, validateU32,
} from './validate.js';

const ALIAS_MAX_BYTES = 255;

/** Link flags and limits `add` and `set` both take. */
const FLAG_AND_LIMIT_KEYS = ['promisc', 'allmulticast', 'multicast', 'arp', 'dynamic', 'gsoMaxSize', 'gsoMaxSegs', 'groMaxSize'];
const COMMON_SPEC_KEYS = [
  'type', 'name', 'mtu', 'address', 'broadcast', 'txqueuelen', 'group', 'alias', 'master', 'up', 'netns', 'index', 'numTxQueues', 'numRxQueues',
  ...FLAG_AND_LIMIT_KEYS,
];
const specKeys = new WeakMap<LinkKind, ReadonlySet<string>>();
function specKeysOf(kind: LinkKind): ReadonlySet<string> {
  let keys = specKeys.get(kind);
  if (!keys) specKeys.set(kind, (keys = new Set([...COMMON_SPEC_KEYS, ...kind.specKeys])));
  return keys;
}
const CHANGE_KEYS = [
  'up', 'mtu', 'address', 'broadcast', 'master', 'netns', 'name', 'alias', 'txqueuelen', 'group', ...FLAG_AND_LIMIT_KEYS,
  'carrier', 'protodown', 'protodownReason', 'bridgePort', 'kind',
];
/** The kernel's limit on IFLA_NUM_TX_QUEUES / IFLA_NUM_RX_QUEUES (rtnl_create_link: 4096). */
const MAX_QUEUES = 4096;
const FILTER_KEYS = ['type', 'master', 'group'];

/** A request with everything checked, and the names it still needs turned into numbers. */
interface Plan {
  type: number;
  flags: number;
  /** Link names to look up in the connection's namespace. */
  names: LinkRef[];
  /** Namespaces to open for the request (closed after it). */
  namespaces: NetnsRef[];
  /** A link name to look up inside `netns` (a master of a link created there). */
  nameInTarget?: { name: string; netns: NetnsRef };
  build(refs: References): LinkRequest;
  op: Operation;
  /** ENODEV means this link does not exist. */
  addressed?: LinkRef;
  /** Changes sent once the link exists (the kernel cannot make them while creating it). */
  followUps: readonly FollowUp[];
  /** Names a creating request takes, looked up only to explain an EEXIST. */
  takenNames?: readonly TakenName[];
}

function request(type: number, flags: number, body: LinkRequest): Request {
  return { type, flags, encode: (w: MessageWriter) => encodeLinkRequest(w, body) };
}

function addressing(dev: LinkRef): LinkRequest {
  return typeof dev === 'number' ? { index: dev } : { name: dev };
}

/** The fields `add` and `set` share, checked and encoded the same way. */
interface SharedFields extends LinkFlagsAndLimits {
  up?: boolean;
  mtu?: number;
  address?: string;
  broadcast?: string;
  txqueuelen?: number;
  group?: number;
  alias?: string | null;
  master?: LinkRef | null;
  netns?: NetnsRef;
}

function validateShared(f: SharedFields, ownGroup: boolean): void {
  for (const [key] of FLAG_FIELDS) if (f[key] !== undefined) validateBoolean(f[key], key);
  if (f.gsoMaxSize !== undefined) validateU32(f.gsoMaxSize, 'gsoMaxSize');
  if (f.gsoMaxSegs !== undefined) validateU32(f.gsoMaxSegs, 'gsoMaxSegs');
  if (f.groMaxSize !== undefined) validateU32(f.groMaxSize, 'groMaxSize');
  if (f.mtu !== undefined) validateInteger(f.mtu, 'mtu', 0, S32_MAX);
  if (f.address !== undefined) validateMac(f.address, 'address');
  if (f.broadcast !== undefined) validateMac(f.broadcast, 'broadcast');
  if (f.txqueuelen !== undefined) validateU32(f.txqueuelen, 'txqueuelen');
  if (f.group !== undefined && ownGroup) validateU32(f.group, 'group');
  if (f.alias !== undefined && f.alias !== null) validateString(f.alias, 'alias', ALIAS_MAX_BYTES);
  if (f.master !== undefined && f.master !== null) validateLinkRef(f.master, 'master');
  if (f.netns !== undefined) validateNetnsRef(f.netns, 'netns');
}

/** The request attributes for the shared fields (`alias` is left to the caller: creation cannot carry it). */
function sharedAttributes(f: SharedFields, refs: References, ownGroup: boolean): LinkRequest {
  return {
    ...flagBits(f, FLAG_FIELDS),
    mtu: f.mtu,
    address: f.address,
    broadcast: f.broadcast,
    txqueuelen: f.txqueuelen,
    group: ownGroup ? f.group : undefined,
    master: f.master === undefined ? undefined : f.master === null ? 0 : refs.linkIndex(f.master),
    netnsFd: f.netns === undefined ? undefined : refs.netnsFd(f.netns),
    gsoMaxSize: f.gsoMaxSize,
    gsoMaxSegs: f.gsoMaxSegs,
    groMaxSize: f.groMaxSize,
  };
}

/** IFLA_PROTO_DOWN_REASON from `{ 3: true, 5: false }`: the bits named, and which of them to set. */
function protoDownReason(input: unknown): { mask: number; value: number } {
  const reasons = validateObject(input, 'protodownReason');
  let mask = 0;
  let value = 0;
  for (const [key, on] of Object.entries(reasons)) {
    const bit = /^\d+$/.test(key) ? Number(key) : NaN;
    if (!(bit >= 0 && bit <= 31)) throw new InvalidArgumentError(`protodownReason keys must be reason bits 0-31, got ${jsonOf(key)}`);
    validateBoolean(on, `protodownReason[${key}]`);
    mask |= 1 << bit;
    if (on) value |= 1 << bit;
  }
  if (mask === 0) throw new InvalidArgumentError('protodownReason names no reason bit; give e.g. { 3: true }');
  return { mask: mask >>> 0, value: value >>> 0 };
}

function planCreate(ctx: RouteContext, input: LinkSpec): Plan {
  const spec = validateObject(input, 'link spec') as unknown as LinkSpec;
  const kind = kindToCreate(spec.type);
  validateKeys(spec, specKeysOf(kind), `${spec.type} spec`);
  validateIfName(spec.name, 'name');
  if (spec.index !== undefined) validateInteger(spec.index, 'index', 1, S32_MAX);
  if (spec.numTxQueues !== undefined) validateInteger(spec.numTxQueues, 'numTxQueues', 1, MAX_QUEUES);
  if (spec.numRxQueues !== undefined) validateInteger(spec.numRxQueues, 'numRxQueues', 1, MAX_QUEUES);
  // vxlan's `group` is its multicast group, not the device group.
  const ownGroup = !kind.redefines?.includes('group');
  validateShared(spec as SharedFields, ownGroup);
  // null releases a link from its master in `set`; a new link has none to release.
  if ((spec as SharedFields).master === null) throw new InvalidArgumentError(`master of a new link must be a link name or index, got null`);
  if ((spec as SharedFields).alias === null) throw new InvalidArgumentError(`alias of a new link must be a string, got null`);
  kind.validate(spec);
  const where = spec.netns === undefined ? ctx.label : describeNetns(spec.netns);
  // With netns the kernel enslaves the new link in its new namespace, so a
  // master named there is looked up there.
  const masterInTarget = spec.netns !== undefined && typeof spec.master === 'string';
  const names = [...(kind.linkRefs?.(spec) ?? [])];
  if (spec.master !== undefined && !masterInTarget) names.push(spec.master);
  const plan: Plan = {
    type: RTM_NEWLINK,
    flags: NLM_F_CREATE | NLM_F_EXCL,
    names,
    namespaces: [...(spec.netns === undefined ? [] : [spec.netns]), ...(kind.netnsRefs?.(spec) ?? [])],
    op: linkOperation('create link', `${spec.name} in ${where}`, kind),
    takenNames: [{ role: 'link', name: spec.name, netns: spec.netns }, ...(kind.takenNames?.(spec) ?? [])],
    followUps: [
      // The kernel ignores IFLA_IFALIAS in a creating request.
      ...(spec.alias === undefined ? [] : [{ netns: spec.netns, name: spec.name, alias: spec.alias }]),
      ...(kind.followUps?.(spec) ?? []),
    ],
    build: (refs) => ({
      ...sharedAttributes(spec as SharedFields, refs, ownGroup),
      index: spec.index,
      name: spec.name,
      numTxQueues: spec.numTxQueues,
      numRxQueues: spec.numRxQueues,
      create: { kind, spec, ctx: refs },
    }),
  };
  if (masterInTarget) plan.nameInTarget = { name: spec.master as string, netns: spec.netns! };
  return plan;
}

function planSet(ctx: RouteContext, dev: LinkRef, input: LinkChanges): Plan {
  validateLinkRef(dev, 'dev');
  const changes = validateObject(input, 'changes') as LinkChanges;
  validateKeys(changes, CHANGE_KEYS, 'changes');
  if (!Object.values(changes).some((v) => v !== undefined)) throw new InvalidArgumentError(`set ${describeLinkRef(dev)}: no changes given; known: ${CHANGE_KEYS.join(', ')}`);
  validateShared(changes, true);
  if (changes.name !== undefined) validateIfName(changes.name, 'name');
  if (changes.carrier !== undefined) validateBoolean(changes.carrier, 'carrier');
  if (changes.protodown !== undefined) validateBoolean(changes.protodown, 'protodown');
  const reason = changes.protodownReason === undefined ? undefined : protoDownReason(changes.protodownReason);
  const port = changes.bridgePort === undefined ? undefined : validateBridgePortOptions(changes.bridgePort);
  const kindChange = changes.kind === undefined ? undefined : validateKindChange(dev, changes.kind);
  if (kindChange && port) {
    throw new InvalidArgumentError(
      `set ${describeLinkRef(dev)}: kind and bridgePort both travel in IFLA_LINKINFO, which holds one of them; set them in two calls`,
    );
  }
  if (port && changes.master !== undefined) {
    throw new InvalidArgumentError(
      `set ${describeLinkRef(dev)}: the kernel applies port options through the link's current master, before a new master is set; ` +
        'set master first, then bridgePort in a second call',
    );
  }
  if (changes.netns !== undefined && typeof changes.master === 'string') {
    throw new InvalidArgumentError(
      `set ${describeLinkRef(dev)}: the kernel moves the link first and then looks up its master in the new namespace; ` +
        'give master as an index valid there, or set it in a second call',
    );
  }
  const names: LinkRef[] = [];
  // A rename carries the new name in IFLA_IFNAME, so the link must be addressed by index.
  if (changes.name !== undefined && typeof dev === 'string') names.push(dev);
  if (typeof changes.master === 'string') names.push(changes.master);
  if (port) names.push(...bridgePortLinkRefs(port).filter((ref) => typeof ref === 'string'));
  if (kindChange?.given) names.push(...(kindChange.kind.linkRefs?.(kindChange.spec) ?? []).filter((ref) => typeof ref === 'string'));
  return {
    // Only RTM_NEWLINK reaches the kind's changelink and the master's slave_changelink; RTM_SETLINK ignores IFLA_LINKINFO.
    type: port || kindChange ? RTM_NEWLINK : RTM_SETLINK,
    flags: 0,
    names,
    namespaces: [...(changes.netns === undefined ? [] : [changes.netns]), ...((kindChange?.given && kindChange.kind.netnsRefs?.(kindChange.spec)) || [])],
    op: linkOperation('set link', `${describeLinkRef(dev)} in ${ctx.label}`),
    addressed: dev,
    followUps: [],
    build: (refs) => ({
      ...sharedAttributes(changes, refs, true),
      ...(changes.name !== undefined ? { index: refs.linkIndex(dev), name: changes.name } : addressing(dev)),
      alias: changes.alias === null ? '' : changes.alias,
      carrier: changes.carrier,
      protoDown: changes.protodown,
      protoDownReason: reason,
      slave: port && { kind: 'bridge', encode: (w: MessageWriter) => encodeBridgePortOptions(w, port, refs) },
      create: kindChange && { kind: kindChange.encoder, spec: kindChange.spec, ctx: refs },
    }),
  };
}

/**
 * `changes.kind` checked: the kind's options, validated by the same plug-in
 * that encodes them at creation. Fields a creation must have (a macvlan's
 * lower device, a VNI) are optional in a change; a kind's top-level
 * attributes (IFLA_LINK: the lower device) are fixed at creation and refused.
 */
function validateKindChange(dev: LinkRef, input: unknown): { kind: LinkKind; encoder: LinkKind; spec: Record<string, unknown>; given: boolean } {
  const options = validateObject(input, 'kind');
  const kind = kindToCreate(options.type);
  validateKeys(options, ['type', ...kind.specKeys], `kind (${kind.kind} options)`);
  const spec: Record<string, unknown> = { ...options, name: describeLinkRef(dev) };
  const given = Object.keys(options).filter((key) => key !== 'type' && options[key] !== undefined);
  if (kind.encodeLinkAttributes && given.includes('link')) {
    throw new InvalidArgumentError(`set ${describeLinkRef(dev)}: a ${kind.kind}'s lower device (link) is fixed at creation; delete and add the link to move it`);
  }
  if (given.length > 0) {
    // Stand-ins for what only creation requires, for validation alone: they are not sent.
    const required: Record<string, unknown> = { link: dev, id: 0, table: 1, external: options.id === undefined ? true : undefined };
    const stand: Record<string, unknown> = {};
    for (const key of kind.specKeys) if (options[key] === undefined && required[key] !== undefined) stand[key] = required[key];
    kind.validate({ ...spec, ...stand });
  }
  // Only IFLA_LINKINFO { IFLA_INFO_KIND, IFLA_INFO_DATA }: an empty IFLA_INFO_DATA is left out, as ip does.
  const encoder: LinkKind = { ...kind, encodeLinkAttributes: undefined };
  return { kind, encoder, spec, given: given.length > 0 };
}

function planDelete(ctx: RouteContext, dev: LinkRef): Plan {
  validateLinkRef(dev, 'dev');
  return {
    type: RTM_DELLINK, flags: 0, names: [], namespaces: [], addressed: dev, followUps: [],
    op: linkOperation('delete link', `${describeLinkRef(dev)} in ${ctx.label}`),
    build: () => addressing(dev),
  };
}

/** `ip link property add|del dev DEV altname NAME`: RTM_NEWLINKPROP / RTM_DELLINKPROP with IFLA_PROP_LIST. */
function planAltName(ctx: RouteContext, dev: LinkRef, name: string, add: boolean): Plan {
  validateLinkRef(dev, 'dev');
  validateAltName(name, 'altname');
  return {
    // The flags ip sends; the kernel refuses a name any link of the namespace already has (EEXIST).
    type: add ? RTM_NEWLINKPROP : RTM_DELLINKPROP, flags: add ? NLM_F_CREATE | NLM_F_EXCL | NLM_F_APPEND : 0,
    names: [], namespaces: [], addressed: dev, followUps: [],
    op: linkOperation(add ? 'add altname' : 'delete altname', `${name} of ${describeLinkRef(dev)} in ${ctx.label}`),
    build: () => ({ ...addressing(dev), altNames: [name] }),
  };
}

function planDeleteGroup(ctx: RouteContext, group: number): Plan {
  if (group === 0) {
    throw new InvalidArgumentError('group 0 is the "default" group every link starts in; deleting it would remove every link, so nlkit (like the kernel) refuses');
  }
  validateInteger(group, 'group', 1, U32_MAX);
  return {
    type: RTM_DELLINK, flags: 0, names: [], namespaces: [], followUps: [],
    op: linkOperation('delete link group', `${group} in ${ctx.label}`),
    // ifi_index 0 and no name: the kernel deletes every link of the group.
    build: () => ({ group }),
  };
}

function validateFilter(input: LinkFilter | undefined): LinkFilter {
  if (input === undefined) return {};
  const filter = validateObject(input, 'filter') as LinkFilter;
  validateKeys(filter, FILTER_KEYS, 'filter');
  if (filter.type !== undefined && (typeof filter.type !== 'string' || filter.type === '')) throw new InvalidArgumentError('filter.type must be a link kind such as "veth"');
  if (filter.master !== undefined) validateLinkRef(filter.master, 'filter.master');
  if (filter.group !== undefined) validateU32(filter.group, 'filter.group');
  return filter;
}

function dumpRequest(filter: LinkFilter, master: number | undefined): Request {
  // With strict checking the kernel filters a link dump by master and kind itself.
  return request(RTM_GETLINK, 0, { extMask: SHOW_EXT_MASK, master, kind: filter.type });
}

function keep(filter: LinkFilter, master: number | undefined): (link: Link) => boolean {
  // The kernel ignores a kind it has no driver for, so the kind is checked here too.
  return (link) =>
    (filter.type === undefined || link.kind === filter.type) &&
    (master === undefined || link.master === master) &&
    (filter.group === undefined || link.group === filter.group);
}

function notFound(error: unknown, dev: LinkRef | undefined, ctx: RouteContext): unknown {
  return dev !== undefined && error instanceof NetlinkError && error.code === 'ENODEV' ? new LinkNotFoundError(dev, ctx.label) : error;
}

function followUpRequest(f: FollowUp): Request {
  return request(RTM_SETLINK, 0, { name: f.name, alias: f.alias, flags: f.up ? IFF_UP : 0, change: f.up === undefined ? 0 : IFF_UP });
}

function followUpOperation(ctx: RouteContext, f: FollowUp): Operation {
  const what = f.up !== undefined ? (f.up ? 'bring up' : 'take down') : 'set alias of';
  return linkOperation(`${what} new link`, `${f.name} in ${f.netns === undefined ? ctx.label : describeNetns(f.netns)}`);
}

function linkOrNone(get: () => Link): Link | undefined {
  try {
    return get();
  } catch (error) {
    if (error instanceof LinkNotFoundError) return undefined;
    throw error;
  }
}

async function linkOrNoneAsync(get: () => Promise<Link>): Promise<Link | undefined> {
  try {
    return await get();
  } catch (error) {
    if (error instanceof LinkNotFoundError) return undefined;
    throw error;
  }
}

/**
 * Links of one namespace, in the words of `ip link`: add, set, delete,
 * deleteGroup, get, list. Every method has an `...Async` twin whose kernel
 * work runs off the event loop.
 */
export class LinkService {
  /** The request and operation of the last `get`: callers poll the same link over and over. */
  private lastGet: { ref: LinkRef; request: GetLinkRequest; op: GetLinkOperation } | undefined;

  constructor(private readonly ctx: RouteContext) {}

  private getExchange(ref: LinkRef): { request: GetLinkRequest; op: GetLinkOperation } {
    const last = this.lastGet;
    if (last !== undefined && last.ref === ref) return last;
    const made = { ref, request: new GetLinkRequest(ref), op: new GetLinkOperation(ref, this.ctx.label) };
    this.lastGet = made;
    return made;
  }

  // ---- synchronous -----------------------------------------------------------

  private run(plan: Plan): void {
    const refs = new References().open(plan.namespaces);
    try {
      for (const name of plan.names) if (typeof name === 'string') refs.setIndex(name, resolveLinkIndex(this.ctx, name));
      const target = plan.nameInTarget;
      if (target) refs.setIndex(target.name, withRouteIn(refs.handle(target.netns), (ctx) => resolveLinkIndex(ctx, target.name, 'master')));
      try {
        this.ctx.socket.execute(request(plan.type, plan.flags, plan.build(refs)), plan.op);
      } catch (error) {
        throw this.explainExists(plan, refs, notFound(error, plan.addressed, this.ctx));
      }
      for (const f of plan.followUps) {
        const op = followUpOperation(this.ctx, f);
        if (f.netns === undefined) this.ctx.socket.execute(followUpRequest(f), op);
        else withRouteIn(refs.handle(f.netns), (ctx) => ctx.socket.execute(followUpRequest(f), op));
      }
    } finally {
      refs.close();
    }
  }

  /**
   * Creates a link, like `ip link add`. A veth's peer is born in its own
   * namespace and the host end can join its master and come up, all in one request.
   */
  add(spec: LinkSpec): void {
    this.run(planCreate(this.ctx, spec));
  }

  /** Changes a link in one request, like `ip link set`. */
  set(dev: LinkRef, changes: LinkChanges): void {
    this.run(planSet(this.ctx, dev, changes));
  }

  /** Deletes a link (a veth takes its peer with it). Throws LinkNotFoundError if absent. */
  delete(dev: LinkRef): void {
    this.run(planDelete(this.ctx, dev));
  }

  /** Deletes every link of a device group in one request (`ip link delete group N`). */
  deleteGroup(group: number): void {
    this.run(planDeleteGroup(this.ctx, group));
  }

  /**
   * Creates a persistent tun or tap device, as `ip tuntap add` does: through
   * /dev/net/tun and ioctls (the kernel makes them no other way), in this
   * connection's namespace. Delete it with `delete`, like any link.
   * Failures are SyscallErrors: EBUSY when a link of that name exists
   * (IFF_TUN_EXCL: nlkit never attaches to an existing device).
   */
  addTunTap(spec: TunTapSpec): void {
    createTunTap(this.ctx, spec);
  }

  /**
   * Gives a link an alternative name (`ip link property add dev DEV altname NAME`),
   * up to 127 bytes; `get` and every other method then find the link by it too.
   */
  addAltName(dev: LinkRef, name: string): void {
    this.run(planAltName(this.ctx, dev, name, true));
  }

  /** Removes an alternative name (`ip link property del dev DEV altname NAME`). */
  deleteAltName(dev: LinkRef, name: string): void {
    this.run(planAltName(this.ctx, dev, name, false));
  }

  /** One link by name or index, with a direct RTM_GETLINK (never a dump). */
  get(dev: LinkRef): Link {
    const ref = validateLinkRef(dev, 'dev');
    try {
      const { request, op } = this.getExchange(ref);
      return this.ctx.socket.execute(request, op, decodeReceivedLink)[0]!;
    } catch (error) {
      throw notFound(error, ref, this.ctx);
    }
  }

  /** Every link of the namespace, optionally only one kind, the ports of one master, or one group. */
  list(filter?: LinkFilter): Link[] {
    const f = validateFilter(filter);
    const master = f.master === undefined ? undefined : resolveLinkIndex(this.ctx, f.master, 'filter.master');
    return deriveFromDump(this.ctx.socket.dump(dumpRequest(f, master), linkOperation('list links', `in ${this.ctx.label}`), decodeReceivedLink), (d) => d.filter(keep(f, master)));
  }

  /** On EEXIST, says which of the request's names is taken and where; other errors pass unchanged. */
  private explainExists(plan: Plan, refs: References, error: unknown): unknown {
    if (!plan.takenNames || !(error instanceof NetlinkError) || error.code !== 'EEXIST') return error;
    try {
      const lookup = (ctx: RouteContext, name: string) => {
        const holder = linkOrNone(() => new LinkService(ctx).get(name));
        return { holder, peerDying: peerNamespaceDying(ctx, holder) };
      };
      const lookups = plan.takenNames.map((t) => ({
        ...t,
        where: t.netns === undefined ? this.ctx.label : describeNetns(t.netns),
        ...(t.netns === undefined ? lookup(this.ctx, t.name) : withRouteIn(refs.handle(t.netns), (ctx) => lookup(ctx, t.name))),
      }));
      return explainLinkExists(error, plan.op, lookups);
    } catch {
      // The explanation is a courtesy: never let it hide the kernel's answer.
      return error;
    }
  }

  private async explainExistsAsync(plan: Plan, refs: References, error: unknown): Promise<unknown> {
    if (!plan.takenNames || !(error instanceof NetlinkError) || error.code !== 'EEXIST') return error;
    try {
      const lookup = async (ctx: RouteContext, name: string) => {
        const holder = await linkOrNoneAsync(() => new LinkService(ctx).getAsync(name));
        return { holder, peerDying: await peerNamespaceDyingAsync(ctx, holder) };
      };
      const lookups = [];
      for (const t of plan.takenNames) {
        const found = t.netns === undefined ? await lookup(this.ctx, t.name) : await withRouteIn(refs.handle(t.netns), (ctx) => lookup(ctx, t.name));
        lookups.push({ ...t, where: t.netns === undefined ? this.ctx.label : describeNetns(t.netns), ...found });
      }
      return explainLinkExists(error, plan.op, lookups);
    } catch {
      return error;
    }
  }

  // ---- Promise forms -----------------------------------------------------------

  private async runAsync(plan: Plan): Promise<void> {
    const refs = new References().open(plan.namespaces);
    try {
      for (const name of plan.names) if (typeof name === 'string') refs.setIndex(name, await resolveLinkIndexAsync(this.ctx, name));
      const target = plan.nameInTarget;
      if (target) refs.setIndex(target.name, await withRouteIn(refs.handle(target.netns), (ctx) => resolveLinkIndexAsync(ctx, target.name, 'master')));
      try {
        await this.ctx.socket.executeAsync(request(plan.type, plan.flags, plan.build(refs)), plan.op);
      } catch (error) {
        throw await this.explainExistsAsync(plan, refs, notFound(error, plan.addressed, this.ctx));
      }
      for (const f of plan.followUps) {
        const op = followUpOperation(this.ctx, f);
        if (f.netns === undefined) await this.ctx.socket.executeAsync(followUpRequest(f), op);
        else await withRouteIn(refs.handle(f.netns), (ctx) => ctx.socket.executeAsync(followUpRequest(f), op));
      }
    } finally {
      refs.close();
    }
  }

  /** Promise form of `add`. */
  async addAsync(spec: LinkSpec): Promise<void> {
    await this.runAsync(planCreate(this.ctx, spec));
  }

  /** Promise form of `set`. */
  async setAsync(dev: LinkRef, changes: LinkChanges): Promise<void> {
    await this.runAsync(planSet(this.ctx, dev, changes));
  }

  /** Promise form of `delete`. */
  async deleteAsync(dev: LinkRef): Promise<void> {
    await this.runAsync(planDelete(this.ctx, dev));
  }

  /** Promise form of `deleteGroup`. */
  async deleteGroupAsync(group: number): Promise<void> {
    await this.runAsync(planDeleteGroup(this.ctx, group));
  }

  /**
   * Promise form of `addTunTap`. The ioctls take microseconds and the thread
   * must enter the namespace to open /dev/net/tun, so the work runs on the calling thread.
   */
  async addTunTapAsync(spec: TunTapSpec): Promise<void> {
    createTunTap(this.ctx, spec);
  }

  /** Promise form of `addAltName`. */
  async addAltNameAsync(dev: LinkRef, name: string): Promise<void> {
    await this.runAsync(planAltName(this.ctx, dev, name, true));
  }

  /** Promise form of `deleteAltName`. */
  async deleteAltNameAsync(dev: LinkRef, name: string): Promise<void> {
    await this.runAsync(planAltName(this.ctx, dev, name, false));
  }

  /** Promise form of `get`. */
  async getAsync(dev: LinkRef): Promise<Link> {
    const ref = validateLinkRef(dev, 'dev');
    try {
      const { request, op } = this.getExchange(ref);
      return (await this.ctx.socket.executeAsync(request, op, decodeReceivedLink))[0]!;
    } catch (error) {
      throw notFound(error, ref, this.ctx);
    }
  }

  /** Promise form of `list`. */
  async listAsync(filter?: LinkFilter): Promise<Link[]> {
    const f = validateFilter(filter);
    const master = f.master === undefined ? undefined : await resolveLinkIndexAsync(this.ctx, f.master, 'filter.master');
    return deriveFromDump(await this.ctx.socket.dumpAsync(dumpRequest(f, master), linkOperation('list links', `in ${this.ctx.label}`), decodeReceivedLink), (d) => d.filter(keep(f, master)));
  }
}
