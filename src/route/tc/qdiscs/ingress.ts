// ingress and clsact: qdiscs that only hold filters. Both sit at parent ffff:fff1
// with handle ffff:, which nlkit fills in as tc does; neither takes options.
import { TC_H_CLSACT, TC_H_INGRESS } from '../../../generated/pkt_sched.js';
import type { AttributeCursor } from '../../../netlink/attributes.js';
import type { TcKind } from '../kind.js';

/** Where tc puts an ingress or clsact qdisc: its parent and handle. */
export const FILTER_ONLY_QDISCS: ReadonlyMap<string, { parent: number; handle: number }> = new Map([
  ['ingress', { parent: TC_H_INGRESS, handle: (TC_H_INGRESS & 0xffff0000) >>> 0 }],
  ['clsact', { parent: TC_H_CLSACT, handle: (TC_H_CLSACT & 0xffff0000) >>> 0 }],
]);

function filterOnly(kind: 'ingress' | 'clsact'): TcKind<Record<string, never>, Record<string, never>> {
  return {
    kind,
    objects: ['qdisc'],
    specKeys: () => [],
    prepare: () => ({}),
    encode() {},
    decode: (_c: AttributeCursor) => ({}),
    toTcJson: () => ({}),
  };
}

/** `tc qdisc add dev D ingress`: filters on received traffic (parent ffff:). */
export const ingress = filterOnly('ingress');
/** `tc qdisc add dev D clsact`: filters on both directions (`ingress` ffff:fff2 and `egress` ffff:fff3). */
export const clsact = filterOnly('clsact');
