// mirred: redirect or mirror packets to another device's egress or ingress (m_mirred.c).
import { TC_ACT_PIPE, TC_ACT_STOLEN } from '../../../generated/pkt_cls.js';
import { TCA_EGRESS_MIRROR, TCA_EGRESS_REDIR, TCA_INGRESS_MIRROR, TCA_INGRESS_REDIR, TCA_MIRRED_PARMS } from '../../../generated/tc_mirred.js';
import { InvalidArgumentError } from '../../../netlink/addresses.js';
import type { AttributeCursor } from '../../../netlink/attributes.js';
import { requireInteger, requireOneOf } from '../../../netlink/checks.js';
import { validateLinkRef, type LinkRef } from '../../resolve.js';
import type { TcActionKind } from '../kind.js';
import { controlActionJson, encodeActionParms, findActionParms, parseControlAction, readTcGen, TC_GEN_LEN, tcGenJson, type TcControlAction, type TcGen } from './control.js';

/** `action mirred egress redirect dev ifb0`. */
export interface MirredSpec {
  /** Selects the mirred action. */
  kind: 'mirred';
  /** Where the packet goes on the target: its egress (sent out) or its ingress (as if received). */
  direction: 'egress' | 'ingress';
  /** redirect takes the packet away (stolen); mirror sends a copy and goes on (pipe). */
  action: 'redirect' | 'mirror';
  /** The target device. */
  dev: LinkRef;
  /** What happens next; redirect's default is stolen, mirror's pipe. */
  control?: TcControlAction;
  /** The action's index (0 or absent: the kernel picks). */
  index?: number;
}

/** A decoded mirred action. */
export interface MirredOptions extends TcGen {
  /** TCA_*_REDIR / TCA_*_MIRROR. */
  eaction: number;
  /** The target's ifindex. */
  ifindex: number;
}

const MIRRED_LEN = TC_GEN_LEN + 8;
const EACTIONS: Record<string, number> = { 'egress redirect': TCA_EGRESS_REDIR, 'egress mirror': TCA_EGRESS_MIRROR, 'ingress redirect': TCA_INGRESS_REDIR, 'ingress mirror': TCA_INGRESS_MIRROR };

interface Prepared { eaction: number; action: number; dev: LinkRef; index: number }

export const mirred: TcActionKind<Prepared, MirredOptions> = {
  kind: 'mirred',
  specKeys: ['direction', 'action', 'dev', 'control', 'index'],
  prepare(spec) {
    const direction = requireOneOf(spec.direction, 'mirred direction', ['egress', 'ingress']);
    const action = requireOneOf(spec.action, 'mirred action', ['redirect', 'mirror']);
    if (spec.dev === undefined) throw new InvalidArgumentError('mirred needs dev (the target device)');
    return {
      eaction: EACTIONS[`${direction} ${action}`]!,
      action: spec.control === undefined ? (action === 'redirect' ? TC_ACT_STOLEN : TC_ACT_PIPE) : parseControlAction(spec.control, 'mirred control'),
      dev: validateLinkRef(spec.dev, 'mirred dev'),
      index: spec.index === undefined ? 0 : requireInteger(spec.index, 'mirred index', 0, 0xffffffff),
    };
  },
  linkRefs: (p) => [p.dev],
  encode(writer, p, ctx) {
    encodeActionParms(writer, TCA_MIRRED_PARMS, MIRRED_LEN, p.index, p.action, (parms) => {
      parms.writeInt32LE(p.eaction, TC_GEN_LEN);
      parms.writeUInt32LE(ctx.linkIndex(p.dev), TC_GEN_LEN + 4);
    });
  },
  decode(c: AttributeCursor) {
    const at = findActionParms(c, TCA_MIRRED_PARMS, MIRRED_LEN, 'mirred');
    return { ...readTcGen(c.buf, at), eaction: c.buf.readInt32LE(at + TC_GEN_LEN), ifindex: c.buf.readUInt32LE(at + TC_GEN_LEN + 4) };
  },
  toTcJson(o, names) {
    const redirect = o.eaction === TCA_EGRESS_REDIR || o.eaction === TCA_INGRESS_REDIR;
    const egress = o.eaction === TCA_EGRESS_REDIR || o.eaction === TCA_EGRESS_MIRROR;
    return {
      mirred_action: redirect ? 'redirect' : 'mirror',
      direction: egress ? 'egress' : 'ingress',
      to_dev: names.linkName(o.ifindex),
      control_action: controlActionJson(o.action),
      ...tcGenJson(o),
    };
  },
};
