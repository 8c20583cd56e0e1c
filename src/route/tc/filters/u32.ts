// u32: the universal 32-bit key classifier (`tc filter add ... u32 match ip dst 10.0.0.0/8 flowid 1:10 action ...`), as f_u32.c builds it.
import {
  TC_U32_TERMINAL, TCA_CLS_FLAGS_IN_HW, TCA_CLS_FLAGS_NOT_IN_HW, TCA_CLS_FLAGS_SKIP_HW, TCA_CLS_FLAGS_SKIP_SW, TCA_U32_ACT, TCA_U32_CLASSID, TCA_U32_DIVISOR,
  TCA_U32_FLAGS, TCA_U32_HASH, TCA_U32_INDEV, TCA_U32_LINK, TCA_U32_MARK, TCA_U32_PCNT, TCA_U32_POLICE, TCA_U32_SEL,
} from '../../../generated/pkt_cls.js';
import { TCA_OPTIONS } from '../../../generated/rtnetlink.js';
import { InvalidArgumentError } from '../../../netlink/addresses.js';
import type { AttributeCursor, RawAttribute } from '../../../netlink/attributes.js';
import { describeValue, requireInteger, requireObject } from '../../../netlink/checks.js';
import type { MessageWriter } from '../../../netlink/writer.js';
import { validateIfName } from '../../names.js';
import { actionLinkRefs, actionsToTcJson, decodeActions, encodeActions, type PreparedAction, type TcAction, type TcActionSpec } from '../actions/list.js';
import { formatClassId, parseClassId, type TcHandle } from '../handle.js';
import type { TcJsonNames, TcKind } from '../kind.js';
import { prepareClassifierCommon } from './common.js';
import { addMatch, decodeSelector, emptySelector, encodeSelector, U32_KEY_LEN, U32_SEL_LEN, type U32Selector } from './u32-selector.js';

/** `tc filter add dev D parent ffff: protocol all u32 match u32 0 0 action mirred egress redirect dev ifb0`. */
export interface U32Spec {
  /** The `match` clauses in tc's words: 'u32 0 0', 'ip dst 10.0.0.0/8', 'ip dport 80 0xffff', 'u16 0x0800 0xffff at 12'. */
  match?: string[];
  /** Where matching packets go (`flowid`/`classid`), e.g. '1:10'. */
  flowid?: TcHandle;
  /** Actions run on matching packets, in order. */
  actions?: TcActionSpec[];
  /** Make this filter a hash table with this many buckets (a power of two, at most 256). */
  divisor?: number;
  /** The hash table (and bucket) the filter goes into, e.g. '800:' or '2:1'. */
  ht?: string;
  /** Continue matching in this hash table. */
  link?: string;
  /** The node id inside its hash table. */
  order?: number;
  /** How the bucket is computed for `link`: the mask (hex as tc reads it) and offset of the hashed word. */
  hashkey?: U32HashKey;
  /** Match only packets that came in on this device (TCA_U32_INDEV). */
  indev?: string;
  /** Do not offload to hardware. */
  skipHw?: boolean;
  /** Only in hardware. */
  skipSw?: boolean;
}

/** `hashkey mask M at N`: which word of the packet picks the bucket. */
export interface U32HashKey {
  /** Mask of the hashed word, as the big-endian word reads (tc reads it in hex). */
  mask: number;
  /** Offset of the hashed word, a multiple of 4. */
  at: number;
}

/** A decoded u32 filter (or hash table). */
export interface U32Options {
  /** The filter's handle, as the decoder got it from tcm_handle (for `fh`). */
  selector?: U32Selector;
  /** TCA_U32_CLASSID: the flowid. */
  classid?: number;
  /** TCA_U32_DIVISOR: buckets of a hash table. */
  divisor?: number;
  /** TCA_U32_HASH: the hash table and bucket the node sits in. */
  hash?: number;
  /** TCA_U32_LINK: the hash table matching continues in. */
  link?: number;
  /** Only packets received on this device (TCA_*_INDEV). */
  indev?: string;
  /** TCA_U32_FLAGS: TCA_CLS_FLAGS_* bits. */
  flags?: number;
  /** TCA_U32_ACT: the actions, in order. */
  actions?: TcAction[];
  /** Other attributes (police, perf counters, mark), verbatim. */
  unknown: RawAttribute[];
}

interface Prepared {
  selector?: U32Selector;
  classid?: number;
  divisor?: number;
  htid?: number;
  link?: number;
  order?: number;
  indev?: string;
  flags: number;
  actions?: PreparedAction[];
}

const KEYS = ['match', 'flowid', 'actions', 'divisor', 'ht', 'link', 'order', 'hashkey', 'indev', 'skipHw', 'skipSw'];

/** get_u32_handle: `HTID:HASH:NODE` in hex, each part optional (`800:`, `800::800`, `1:2`). */
export function parseU32Handle(value: unknown, what: string): number {
  const bad = () => new InvalidArgumentError(`${what} must be a u32 handle like "800:" or "800::800", got ${describeValue(value)}`);
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff) return value;
  if (typeof value !== 'string') throw bad();
  const parts = value.split(':');
  if (parts.length > 3 || !parts.every((p) => /^[0-9a-fA-F]*$/.test(p))) throw bad();
  const [ht = '', hash = '', node = ''] = parts;
  const htid = ht === '' ? 0 : parseInt(ht, 16);
  const bucket = hash === '' ? 0 : parseInt(hash, 16);
  const nodeid = node === '' ? 0 : parseInt(node, 16);
  if (htid >= 0x1000 || bucket >= 0x100 || nodeid >= 0x1000) throw bad();
  return ((htid << 20) | (bucket << 12) | nodeid) >>> 0;
}

/** sprint_u32_handle: `800:`, `800::800`, `800:1:5`, `none` for 0. */
export function formatU32Handle(handle: number): string {
  if (handle === 0) return 'none';
  const htid = handle >>> 20;
  const hash = (handle >>> 12) & 0xff;
  const node = handle & 0xfff;
  let out = htid ? `${htid.toString(16)}:` : '';
  if (hash) out += hash.toString(16);
  if (node) out += `:${node.toString(16)}`;
  return out;
}

function prepare(spec: Record<string, unknown>): Prepared {
  const p: Prepared = { flags: 0 };
  if (spec.match !== undefined) {
    if (!Array.isArray(spec.match)) throw new InvalidArgumentError(`u32 match must be an array of strings like ["ip dst 10.0.0.0/8"], got ${describeValue(spec.match)}`);
    p.selector = emptySelector();
    for (const m of spec.match) addMatch(p.selector, m);
  }
  if (spec.hashkey !== undefined) {
    const h = requireObject<{ mask: unknown; at: unknown }>(spec.hashkey, 'u32 hashkey', '{ mask: 0xff, at: 12 }');
    p.selector ??= emptySelector();
    p.selector.hmask = requireInteger(h.mask, 'u32 hashkey mask', 0, 0xffffffff);
    const at = requireInteger(h.at ?? 0, 'u32 hashkey at', -32768, 32767);
    if (at % 4) throw new InvalidArgumentError('u32 hashkey at must be a multiple of 4');
    p.selector.hoff = at;
  }
  if (spec.flowid !== undefined) p.classid = parseClassId(spec.flowid as TcHandle, 'u32 flowid');
  if (spec.divisor !== undefined) {
    const d = requireInteger(spec.divisor, 'u32 divisor', 1, 256);
    if ((d - 1) & d) throw new InvalidArgumentError(`u32 divisor must be a power of two up to 256, got ${d}`);
    p.divisor = d;
  }
  if (spec.ht !== undefined) p.htid = (parseU32Handle(spec.ht, 'u32 ht') & 0xfffff000) >>> 0;
  if (spec.link !== undefined) {
    p.link = parseU32Handle(spec.link, 'u32 link');
    if (p.link & 0xfff) throw new InvalidArgumentError('u32 link must name a hash table, not a node');
  }
  if (spec.order !== undefined) p.order = requireInteger(spec.order, 'u32 order', 0, 0xfff);
  if (spec.indev !== undefined) p.indev = validateIfName(spec.indev, 'u32 indev');
  // u32 names its class flowid; flags and actions are every classifier's.
  const common = prepareClassifierCommon({ skipHw: spec.skipHw, skipSw: spec.skipSw, actions: spec.actions }, 'u32');
  p.flags = common.flags;
  if (common.actions) p.actions = common.actions;
  // flowid and actions make the match terminal, as f_u32.c marks them.
  if (p.selector && (p.classid !== undefined || p.actions?.length)) p.selector.flags |= TC_U32_TERMINAL;
  return p;
}

export const u32: TcKind<Prepared, U32Options> = {
  kind: 'u32',
  objects: ['filter'],
  specKeys: () => KEYS,
  prepare,
  linkRefs: (p) => actionLinkRefs(p.actions ?? []),
  encode(writer: MessageWriter, p, ctx) {
    const options = writer.beginNestedLegacy(TCA_OPTIONS);
    if (p.classid !== undefined) writer.u32(TCA_U32_CLASSID, p.classid);
    if (p.divisor !== undefined) writer.u32(TCA_U32_DIVISOR, p.divisor);
    if (p.link !== undefined) writer.u32(TCA_U32_LINK, p.link);
    if (p.indev !== undefined) writer.string(TCA_U32_INDEV, p.indev);
    if (p.actions?.length) encodeActions(writer, TCA_U32_ACT, p.actions, ctx);
    if (p.htid) writer.u32(TCA_U32_HASH, p.htid);
    if (p.selector) writer.binary(TCA_U32_SEL, encodeSelector(p.selector));
    if (p.flags) writer.u32(TCA_U32_FLAGS, p.flags);
    writer.endNested(options);
  },
  decode(c: AttributeCursor) {
    const o: U32Options = { unknown: [] };
    const a = c.nestedCursor();
    while (a.next()) {
      switch (a.type) {
        case TCA_U32_SEL: {
          a.need(U32_SEL_LEN);
          const nkeys = a.buf[a.start + 2]!;
          if (a.length < U32_SEL_LEN + nkeys * U32_KEY_LEN) throw a.malformed(`u32 selector claims ${nkeys} keys in ${a.length} bytes`);
          o.selector = decodeSelector(a.buf, a.start);
          break;
        }
        case TCA_U32_CLASSID: o.classid = a.u32(); break;
        case TCA_U32_DIVISOR: o.divisor = a.u32(); break;
        case TCA_U32_HASH: o.hash = a.u32(); break;
        case TCA_U32_LINK: o.link = a.u32(); break;
        case TCA_U32_INDEV: o.indev = a.string(); break;
        case TCA_U32_FLAGS: o.flags = a.u32(); break;
        case TCA_U32_ACT: o.actions = decodeActions(a); break;
        case TCA_U32_POLICE: case TCA_U32_PCNT: case TCA_U32_MARK: default: o.unknown.push(a.raw());
      }
    }
    return o;
  },
  toTcJson: (o, _object, names, handle) => u32ToTcJson(o, handle, names),
};

/** u32_print_opt's members of `options`, for a filter with handle `handle` (tc 6.1 without -p). */
export function u32ToTcJson(o: U32Options, handle: number, names: TcJsonNames): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (handle) out.fh = formatU32Handle(handle);
  if (handle & 0xfff) out.order = handle & 0xfff;
  if (o.divisor !== undefined) out.ht_divisor = o.divisor;
  else if (o.hash !== undefined) {
    out.key_ht = (o.hash >>> 20).toString(16);
    out.bkt = ((o.hash >>> 12) & 0xff).toString(16);
  }
  if (o.classid !== undefined) out.flowid = formatClassId(o.classid);
  if (o.link !== undefined) out.link = formatU32Handle(o.link);
  if (o.flags !== undefined) {
    if (o.flags & TCA_CLS_FLAGS_SKIP_HW) out.skip_hw = true;
    if (o.flags & TCA_CLS_FLAGS_SKIP_SW) out.skip_sw = true;
    if (o.flags & TCA_CLS_FLAGS_IN_HW) out.in_hw = true;
    else if (o.flags & TCA_CLS_FLAGS_NOT_IN_HW) out.not_in_hw = true;
  }
  // tc prints one "match" object per key under the same name; a JSON parser keeps the last.
  const last = o.selector?.keys.at(-1);
  if (last) out.match = { value: last.value.toString(16), mask: last.mask.toString(16), offmask: last.offmask ? 'nexthdr+' : '', off: last.off };
  if (o.selector?.hmask) {
    out.hash_mask = o.selector.hmask.toString(16);
    out.hash_off = o.selector.hoff;
  }
  if (o.indev !== undefined) out.input_dev = o.indev;
  if (o.actions) out.actions = actionsToTcJson(o.actions, names);
  return out;
}
