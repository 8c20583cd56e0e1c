// Qdiscs, classes and filters as `tc -j -d [-s] qdisc|class|filter show` prints them (iproute2 6.1).
import { TC_H_ROOT } from '../../generated/pkt_sched.js';
import { requireArray, requireMap, requireObject } from '../../netlink/checks.js';
import { pschedClock, type PschedClock } from './clock.js';
import { formatClassId, formatQdiscHandle, TC_H_CLSACT_EGRESS, TC_H_CLSACT_INGRESS } from './handle.js';
import { tcKind, type TcJsonNames } from './kind.js';
import type { TcMessage } from './message.js';
import { tcProtocolName } from './protocol.js';

/** One object as `tc -j` prints it. */
export type TcJson = Record<string, unknown>;

/** Options of the `…ToTcJson` converters. */
export interface TcJsonOptions {
  /** The link the `show` command named (`tc qdisc show dev D`): tc leaves `dev` out then. */
  dev?: number;
  /** The parent the `filter show` command named: tc leaves the parent out of each filter then. */
  parent?: number;
  /** Add the counters `tc -s` prints. */
  stats?: boolean;
  /** /proc/net/psched to convert ticks with; this machine's by default. */
  clock?: PschedClock;
}

function names(linkNames: ReadonlyMap<number, string>, options: TcJsonOptions): TcJsonNames {
  return { linkName: (index) => linkNames.get(index), clock: options.clock ?? pschedClock() };
}

function check(m: TcMessage, linkNames: ReadonlyMap<number, string>, options: TcJsonOptions, what: string): void {
  requireObject(m, `${what}: object`, 'what rt.tc.*.list() returns');
  requireMap(linkNames, `${what}: linkNames`);
  requireObject(options, `${what}: options`);
}

function optionsJson(m: TcMessage, n: TcJsonNames): Record<string, unknown> {
  // tc prints pfifo_fast with prio's printer.
  const kind = m.kind === undefined ? undefined : tcKind(m.kind);
  if (!kind?.toTcJson || m.options === undefined || !kind.objects.includes(m.object)) return {};
  return kind.toTcJson(m.options, m.object, n, m.handle);
}

function statsJson(m: TcMessage): TcJson {
  const s = m.stats;
  if (!s) return {};
  return {
    bytes: Number(s.bytes), packets: Number(s.packets), drops: s.drops ?? 0, overlimits: s.overlimits ?? 0, requeues: s.requeues ?? 0,
    ...(s.rateBps ? { rate: Number(s.rateBps), pps: Number(s.ratePps ?? 0n) } : {}),
    backlog: s.backlog ?? 0, qlen: s.qlen ?? 0,
  };
}

/** A qdisc as `tc -j -d qdisc show` prints it (print_qdisc). `linkNames` maps ifindexes to names. */
export function qdiscToTcJson(q: TcMessage, linkNames: ReadonlyMap<number, string>, options: TcJsonOptions = {}): TcJson {
  check(q, linkNames, options, 'qdiscToTcJson');
  const out: TcJson = { kind: q.kind, handle: formatQdiscHandle(q.handle) };
  if (options.dev === undefined) out.dev = linkNames.get(q.ifindex);
  if (q.parent === TC_H_ROOT) out.root = true;
  else if (q.parent) out.parent = formatClassId(q.parent);
  if (q.info !== 1) out.refcnt = q.info;
  if (q.hwOffload) out.offloaded = true;
  if (q.ingressBlock) out.ingress_block = q.ingressBlock;
  if (q.egressBlock) out.egress_block = q.egressBlock;
  out.options = optionsJson(q, names(linkNames, options));
  if (options.stats) Object.assign(out, statsJson(q));
  return out;
}

/**
 * A class as `tc -j -d class show` prints it in iproute2 6.2 and later
 * (print_class; 6.1 prints classes as text even with -j): the kind's options
 * sit beside class, handle and parent.
 */
export function classToTcJson(c: TcMessage, linkNames: ReadonlyMap<number, string>, options: TcJsonOptions = {}): TcJson {
  check(c, linkNames, options, 'classToTcJson');
  const out: TcJson = { class: c.kind, handle: formatClassId(c.handle) };
  if (options.dev === undefined) out.dev = linkNames.get(c.ifindex);
  if (c.parent === TC_H_ROOT) out.root = true;
  else out.parent = formatClassId(c.parent);
  if (c.info) out.leaf = `0x${(c.info >>> 16).toString(16)}`;
  Object.assign(out, optionsJson(c, names(linkNames, options)));
  if (options.stats) out.stats = statsJson(c);
  return out;
}

/** A filter as `tc -j -d filter show` prints it (print_filter). */
export function filterToTcJson(f: TcMessage, linkNames: ReadonlyMap<number, string>, options: TcJsonOptions = {}): TcJson {
  check(f, linkNames, options, 'filterToTcJson');
  const out: TcJson = {};
  if (options.dev === undefined || options.dev !== f.ifindex) out.dev = linkNames.get(f.ifindex);
  if (options.parent === undefined || options.parent !== f.parent) {
    if (f.parent === TC_H_ROOT) out.root = true;
    else if (f.parent === TC_H_CLSACT_INGRESS) out.ingress = true;
    else if (f.parent === TC_H_CLSACT_EGRESS) out.egress = true;
    else out.parent = formatClassId(f.parent);
  }
  if (f.protocol) out.protocol = tcProtocolName(f.protocol);
  if (f.pref) out.pref = f.pref;
  if (f.kind !== undefined) out.kind = f.kind;
  if (f.chain !== undefined) out.chain = f.chain;
  if (f.kind !== undefined && f.options !== undefined) out.options = optionsJson(f, names(linkNames, options));
  return out;
}

/** Each of a list converted with {@link qdiscToTcJson}, {@link classToTcJson} or {@link filterToTcJson} by its object type. */
export function tcToJson(objects: readonly TcMessage[], linkNames: ReadonlyMap<number, string>, options: TcJsonOptions = {}): TcJson[] {
  requireArray(objects, 'tcToJson: objects');
  return objects.map((o) => (o.object === 'qdisc' ? qdiscToTcJson(o, linkNames, options) : o.object === 'class' ? classToTcJson(o, linkNames, options) : filterToTcJson(o, linkNames, options)));
}
