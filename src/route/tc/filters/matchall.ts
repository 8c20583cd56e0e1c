// matchall: every packet matches (`tc filter add ... matchall action ...`), as f_matchall.c sends it.
// Encoded like iproute2, not verified against a kernel here (CONFIG_NET_CLS_MATCHALL is not built).
import { TCA_CLS_FLAGS_SKIP_HW, TCA_CLS_FLAGS_SKIP_SW, TCA_MATCHALL_ACT, TCA_MATCHALL_CLASSID, TCA_MATCHALL_FLAGS } from '../../../generated/pkt_cls.js';
import { TCA_OPTIONS } from '../../../generated/rtnetlink.js';
import type { AttributeCursor, RawAttribute } from '../../../netlink/attributes.js';
import type { MessageWriter } from '../../../netlink/writer.js';
import { actionLinkRefs, actionsToTcJson, decodeActions, encodeActions, type PreparedAction, type TcAction, type TcActionSpec } from '../actions/list.js';
import { formatClassId, type TcHandle } from '../handle.js';
import type { TcKind } from '../kind.js';
import { prepareClassifierCommon } from './common.js';

/** `matchall [classid C] [skip_hw|skip_sw] action ...`. */
export interface MatchallSpec {
  /** Where packets go. */
  classid?: TcHandle;
  /** Actions run on every packet. */
  actions?: TcActionSpec[];
  /** Do not offload to hardware (TCA_CLS_FLAGS_SKIP_HW). */
  skipHw?: boolean;
  /** Only in hardware (TCA_CLS_FLAGS_SKIP_SW). */
  skipSw?: boolean;
}

/** A decoded matchall filter. */
export interface MatchallOptions {
  /** Where matching packets go: a class id. */
  classid?: number;
  /** TCA_CLS_FLAGS_* bits (skip_hw, skip_sw, in_hw, not_in_hw). */
  flags?: number;
  /** The actions, in order. */
  actions?: TcAction[];
  /** Attributes nlkit does not decode, kept verbatim. */
  unknown: RawAttribute[];
}

interface Prepared { classid?: number; flags: number; actions?: PreparedAction[] }

export const matchall: TcKind<Prepared, MatchallOptions> = {
  kind: 'matchall',
  objects: ['filter'],
  specKeys: () => ['classid', 'actions', 'skipHw', 'skipSw'],
  prepare: (spec) => prepareClassifierCommon(spec, 'matchall'),
  linkRefs: (p) => actionLinkRefs(p.actions ?? []),
  encode(writer: MessageWriter, p, ctx) {
    const options = writer.beginNestedLegacy(TCA_OPTIONS);
    if (p.classid !== undefined) writer.u32(TCA_MATCHALL_CLASSID, p.classid);
    if (p.actions?.length) encodeActions(writer, TCA_MATCHALL_ACT, p.actions, ctx);
    if (p.flags) writer.u32(TCA_MATCHALL_FLAGS, p.flags);
    writer.endNested(options);
  },
  decode(c: AttributeCursor) {
    const o: MatchallOptions = { unknown: [] };
    const a = c.nestedCursor();
    while (a.next()) {
      switch (a.type) {
        case TCA_MATCHALL_CLASSID: o.classid = a.u32(); break;
        case TCA_MATCHALL_FLAGS: o.flags = a.u32(); break;
        case TCA_MATCHALL_ACT: o.actions = decodeActions(a); break;
        default: o.unknown.push(a.raw());
      }
    }
    return o;
  },
  toTcJson(o, _object, names) {
    const out: Record<string, unknown> = {};
    if (o.classid !== undefined) out.flowid = formatClassId(o.classid);
    if (o.flags !== undefined && o.flags & TCA_CLS_FLAGS_SKIP_HW) out.skip_hw = true;
    if (o.flags !== undefined && o.flags & TCA_CLS_FLAGS_SKIP_SW) out.skip_sw = true;
    if (o.actions) out.actions = actionsToTcJson(o.actions, names);
    return out;
  },
};
