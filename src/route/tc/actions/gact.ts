// gact: the generic action, a bare control action (`action drop`, `action pass`), as m_gact.c sends it.
import { TCA_GACT_PARMS, TCA_GACT_PROB } from '../../../generated/tc_gact.js';
import type { AttributeCursor } from '../../../netlink/attributes.js';
import { requireInteger } from '../../../netlink/checks.js';
import type { TcActionKind } from '../kind.js';
import { controlActionJson, encodeActionParms, findActionParms, parseControlAction, readTcGen, TC_GEN_LEN, tcGenJson, type TcControlAction, type TcGen } from './control.js';

/** `action gact drop` (tc also takes `action drop`). */
export interface GactSpec {
  /** Selects the generic action. */
  kind: 'gact';
  /** The control action: 'pass', 'drop', 'pipe', 'continue', 'reclassify', 'trap', 'goto chain N'. */
  control: TcControlAction;
  /** The action's index (0 or absent: the kernel picks). */
  index?: number;
}

/** A decoded gact action. */
export interface GactOptions extends TcGen {
  /** TCA_GACT_PROB (random/deterministic second action), raw, when present. */
  prob?: Buffer;
}

export const gact: TcActionKind<{ action: number; index: number }, GactOptions> = {
  kind: 'gact',
  specKeys: ['control', 'index'],
  prepare(spec) {
    return {
      action: parseControlAction(spec.control, 'gact control'),
      index: spec.index === undefined ? 0 : requireInteger(spec.index, 'gact index', 0, 0xffffffff),
    };
  },
  encode(writer, p) {
    encodeActionParms(writer, TCA_GACT_PARMS, TC_GEN_LEN, p.index, p.action);
  },
  decode(c: AttributeCursor) {
    let prob: Buffer | undefined;
    const at = findActionParms(c, TCA_GACT_PARMS, TC_GEN_LEN, 'gact', (a) => { if (a.type === TCA_GACT_PROB) prob = a.bytes(); });
    const o: GactOptions = readTcGen(c.buf, at);
    if (prob) o.prob = prob;
    return o;
  },
  toTcJson: (o) => ({ control_action: controlActionJson(o.action), ...tcGenJson(o) }),
};
