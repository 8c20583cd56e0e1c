// Specs of qdiscs, classes and filters in tc's words, checked completely
// before anything is sent, and turned into the tcmsg header and the kind's
// prepared options.
import { TC_H_ROOT } from '../../generated/pkt_sched.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import { requireInteger, requireObject } from '../../netlink/checks.js';
import { checkKeys } from '../keys.js';
import { describeLinkRef, validateLinkRef, type LinkRef } from '../resolve.js';
import { formatClassId, parseClassId, parseQdiscHandle, TC_H_CLSACT_EGRESS, TC_H_CLSACT_INGRESS, type TcHandle } from './handle.js';
import { kindFor, type TcKind, type TcObjectType } from './kind.js';
import type { TcRequestMessage } from './message.js';
import { parseTcProtocol, protocolToInfo, type TcProtocol } from './protocol.js';
import { FILTER_ONLY_QDISCS } from './qdiscs/ingress.js';
import { parseU32Handle } from './filters/u32.js';
import './registry.js';

/** What every qdisc spec has: `tc qdisc add dev D [parent P|root] [handle H] KIND ...`; the kind's own fields sit beside these. */
export interface QdiscSpec {
  /** The link, by name or ifindex. */
  dev: LinkRef;
  /** The qdisc kind: 'tbf', 'htb', 'ingress', 'clsact', 'pfifo', 'bfifo', 'pfifo_fast', 'fq_codel', ... */
  kind: string;
  /** 'root' (the default) or the class it hangs under, e.g. '1:10'. ingress and clsact need none. */
  parent?: TcHandle;
  /** The qdisc's handle, e.g. '1:'; the kernel picks one when absent. */
  handle?: TcHandle;
  /** ingress/clsact: share the filters of this block. */
  ingressBlock?: number;
  /** clsact: share the egress filters of this block. */
  egressBlock?: number;
  /** Options of the kind (rate, burst, ...). */
  [option: string]: unknown;
}

/** `tc class add dev D parent P classid C KIND ...`. */
export interface ClassSpec {
  /** The link, by name or ifindex. */
  dev: LinkRef;
  /** The class kind: 'htb'. */
  kind: string;
  /** The qdisc or class it hangs under, e.g. '1:' or '1:1'. */
  parent: TcHandle;
  /** The class's id, e.g. '1:10'. */
  classid: TcHandle;
  [option: string]: unknown;
}

/** `tc filter add dev D parent P [protocol PROTO] [pref N] [handle H] [chain N] KIND ...`. */
export interface FilterSpec {
  /** The link, by name or ifindex. */
  dev: LinkRef;
  /** The filter kind: 'u32', 'matchall', 'flower', 'bpf'. */
  kind: string;
  /** The qdisc it attaches to: 'root', 'ingress' (clsact's ffff:fff2, or an ingress qdisc's ffff:), 'egress', or a handle like '1:' or 'ffff:'. */
  parent: TcHandle;
  /** The protocol it sees: 'all' (the default when adding), 'ip', 'ipv6', 'arp', '802.1Q' or an EtherType. */
  protocol?: TcProtocol;
  /** Preference (priority), 1-65535; the kernel picks one when absent. */
  pref?: number;
  /** The filter's handle (u32: '800::800'; others: a number or hex string). */
  handle?: TcHandle;
  /** The chain (TCA_CHAIN). */
  chain?: number;
  [option: string]: unknown;
}

/** What names a qdisc to delete: `tc qdisc del dev D root` or `tc qdisc del dev D ingress` (kind 'ingress'). */
export interface QdiscRef {
  /** The link, by name or ifindex. */
  dev: LinkRef;
  /** The kind, when it places the qdisc (ingress, clsact) or should be checked by the kernel. */
  kind?: string;
  /** 'root' (the default) or the parent class. */
  parent?: TcHandle;
  /** The qdisc's handle. */
  handle?: TcHandle;
}

/** What names a class to delete: `tc class del dev D classid 1:10`. */
export interface ClassRef {
  /** The link, by name or ifindex. */
  dev: LinkRef;
  /** The class id, e.g. "1:10". */
  classid: TcHandle;
  /** Its parent qdisc or class; any when absent. */
  parent?: TcHandle;
  /** The kind; the kernel checks it when given. */
  kind?: string;
}

/** What names filters to delete: `tc filter del dev D parent P [pref N] [protocol X] [handle H kind K]`; fewer fields delete more. */
export interface FilterRef {
  /** The link, by name or ifindex. */
  dev: LinkRef;
  /** The qdisc the filters are attached to, as in FilterSpec. */
  parent: TcHandle;
  /** Only the filters of this preference. */
  pref?: number;
  /** Only the filters of this protocol. */
  protocol?: TcProtocol;
  /** A handle needs kind too. */
  handle?: TcHandle;
  /** The kind; needed with handle. */
  kind?: string;
  /** Only the filters of this chain. */
  chain?: number;
}

/** What a spec is checked for: creation (every field) or deletion (what identifies the object). */
export type TcPurpose = 'create' | 'delete';

/** A checked spec. */
export interface PreparedTc {
  dev: LinkRef;
  message: Omit<TcRequestMessage, 'ifindex'>;
  /** e.g. 'tbf root dev eth0', for error messages. */
  text: string;
}

const QDISC_KEYS = ['dev', 'kind', 'parent', 'handle', 'ingressBlock', 'egressBlock'];
const CLASS_KEYS = ['dev', 'kind', 'parent', 'classid'];
const FILTER_KEYS = ['dev', 'kind', 'parent', 'protocol', 'pref', 'handle', 'chain'];

function kindOptions(spec: Record<string, unknown>, common: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in spec) if (!common.includes(key)) out[key] = spec[key];
  return out;
}

function prepareKind(spec: Record<string, unknown>, object: TcObjectType, common: readonly string[], purpose: TcPurpose, protocol = 0): { kind?: TcKind; prepared?: unknown } {
  if (spec.kind === undefined) {
    if (purpose === 'create') throw new InvalidArgumentError(`${object} spec needs kind, e.g. kind: '${object === 'filter' ? 'u32' : 'htb'}'`);
    checkKeys(spec, new Set(common), `${object} spec`);
    return {};
  }
  const kind = kindFor(spec.kind, object);
  checkKeys(spec, new Set([...common, ...kind.specKeys(object)]), `${kind.kind} ${object} spec`);
  // A deletion names the object; options would be ignored by the kernel, so they are refused as mistakes.
  if (purpose === 'delete') {
    const extra = Object.keys(kindOptions(spec, common));
    if (extra.length) throw new InvalidArgumentError(`deleting a ${object} takes only ${common.join(', ')}; leave out ${extra.join(', ')}`);
    return { kind };
  }
  return { kind, prepared: kind.prepare(kindOptions(spec, common), object, { protocol }) };
}

function devOf(spec: Record<string, unknown>, object: TcObjectType): LinkRef {
  if (spec.dev === undefined) throw new InvalidArgumentError(`${object} spec needs dev (the link), e.g. dev: 'eth0'`);
  return validateLinkRef(spec.dev);
}

export function prepareQdisc(spec: QdiscSpec | QdiscRef, purpose: TcPurpose): PreparedTc {
  const s = requireObject<Record<string, unknown>>(spec, 'qdisc spec', "{ dev: 'eth0', kind: 'tbf', rate: '1mbit', burst: '10kb', latency: '25ms' }");
  const dev = devOf(s, 'qdisc');
  const { kind, prepared } = prepareKind(s, 'qdisc', QDISC_KEYS, purpose);
  const fixed = kind ? FILTER_ONLY_QDISCS.get(kind.kind) : undefined;
  let parent = s.parent === undefined ? TC_H_ROOT : parseClassId(s.parent as TcHandle, 'qdisc parent');
  let handle = s.handle === undefined ? 0 : parseQdiscHandle(s.handle as TcHandle, 'qdisc handle');
  if (fixed) {
    // tc puts ingress and clsact at ffff:fff1 with handle ffff:, whatever else it is told.
    if (s.parent !== undefined && parent !== fixed.parent) throw new InvalidArgumentError(`${kind!.kind} qdiscs sit at parent ffff:fff1; leave parent out`);
    parent = fixed.parent;
    handle = fixed.handle;
  }
  const message: PreparedTc['message'] = { handle, parent, info: 0, kind, prepared };
  if (s.ingressBlock !== undefined) message.ingressBlock = requireInteger(s.ingressBlock, 'ingressBlock', 1, 0xffffffff);
  if (s.egressBlock !== undefined) message.egressBlock = requireInteger(s.egressBlock, 'egressBlock', 1, 0xffffffff);
  const where = parent === TC_H_ROOT ? 'root' : `parent ${formatClassId(parent)}`;
  return { dev, message, text: `${kind?.kind ?? 'qdisc'}${handle ? ` ${formatClassId(handle)}` : ''} ${where} dev ${describeLinkRef(dev)}` };
}

export function prepareClass(spec: ClassSpec | ClassRef, purpose: TcPurpose): PreparedTc {
  const s = requireObject<Record<string, unknown>>(spec, 'class spec', "{ dev: 'eth0', kind: 'htb', parent: '1:', classid: '1:10', rate: '1mbit' }");
  const dev = devOf(s, 'class');
  const { kind, prepared } = prepareKind(s, 'class', CLASS_KEYS, purpose);
  if (s.classid === undefined) throw new InvalidArgumentError("class spec needs classid, e.g. classid: '1:10'");
  const handle = parseClassId(s.classid as TcHandle, 'classid');
  const parent = s.parent === undefined ? (purpose === 'delete' ? 0 : undefined) : parseClassId(s.parent as TcHandle, 'class parent');
  if (parent === undefined) throw new InvalidArgumentError("class spec needs parent, e.g. parent: '1:'");
  return { dev, message: { handle, parent, info: 0, kind, prepared }, text: `class ${formatClassId(handle)} dev ${describeLinkRef(dev)}` };
}

/** A filter parent in tc's words: 'ingress' and 'egress' are clsact's hooks (an ingress qdisc's ffff: works for 'ingress' too). */
export function parseFilterParent(value: unknown): number {
  if (value === 'ingress') return TC_H_CLSACT_INGRESS;
  if (value === 'egress') return TC_H_CLSACT_EGRESS;
  return parseClassId(value as TcHandle, 'filter parent');
}

export function prepareFilter(spec: FilterSpec | FilterRef, purpose: TcPurpose): PreparedTc {
  const s = requireObject<Record<string, unknown>>(spec, 'filter spec', "{ dev: 'eth0', parent: 'ffff:', kind: 'u32', match: ['u32 0 0'] }");
  const dev = devOf(s, 'filter');
  // tc_filter_modify: a new filter without protocol sees all protocols.
  const protocol = s.protocol === undefined ? (purpose === 'create' ? 0x0003 : 0) : parseTcProtocol(s.protocol, 'filter protocol');
  const { kind, prepared } = prepareKind(s, 'filter', FILTER_KEYS, purpose, protocol);
  if (s.parent === undefined) throw new InvalidArgumentError("filter spec needs parent, e.g. parent: 'ffff:' or 'ingress'");
  const parent = parseFilterParent(s.parent);
  const pref = s.pref === undefined ? 0 : requireInteger(s.pref, 'filter pref', 1, 0xffff);
  let handle = 0;
  if (s.handle !== undefined) handle = kind?.kind === 'u32' ? parseU32Handle(s.handle, 'u32 filter handle') : parseClassId(s.handle as TcHandle, 'filter handle');
  // u32's `order` is the node id in the handle (f_u32.c ors it in).
  const order = (prepared as { order?: number } | undefined)?.order;
  if (order !== undefined) {
    if (handle & 0xfff && (handle & 0xfff) !== order) throw new InvalidArgumentError('u32 order and the node id of handle disagree');
    handle = (handle | order) >>> 0;
  }
  const message: PreparedTc['message'] = { handle, parent, info: ((pref << 16) | protocolToInfo(protocol)) >>> 0, kind, prepared };
  if (s.chain !== undefined) message.chain = requireInteger(s.chain, 'filter chain', 0, 0xffffffff);
  return { dev, message, text: `filter${pref ? ` pref ${pref}` : ''} ${kind?.kind ?? ''} parent ${formatClassId(parent)} dev ${describeLinkRef(dev)}`.replace('  ', ' ') };
}
