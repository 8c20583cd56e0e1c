// What classifiers share in their specs: where matching packets go
// (classid), hardware offload flags, and their actions.
import { TCA_CLS_FLAGS_SKIP_HW, TCA_CLS_FLAGS_SKIP_SW } from '../../../generated/pkt_cls.js';
import { InvalidArgumentError } from '../../../netlink/addresses.js';
import { requireBoolean } from '../../../netlink/checks.js';
import { prepareActions, type PreparedAction } from '../actions/list.js';
import { parseClassId, type TcHandle } from '../handle.js';

/** classid, flags (TCA_CLS_FLAGS_*) and actions of a classifier spec, checked. */
export function prepareClassifierCommon(spec: Record<string, unknown>, kind: string): { classid?: number; flags: number; actions?: PreparedAction[] } {
  let flags = 0;
  if (spec.skipHw !== undefined && requireBoolean(spec.skipHw, `${kind} skipHw`)) flags |= TCA_CLS_FLAGS_SKIP_HW;
  if (spec.skipSw !== undefined && requireBoolean(spec.skipSw, `${kind} skipSw`)) flags |= TCA_CLS_FLAGS_SKIP_SW;
  if (flags === (TCA_CLS_FLAGS_SKIP_HW | TCA_CLS_FLAGS_SKIP_SW)) throw new InvalidArgumentError(`${kind} skipHw and skipSw exclude each other`);
  return {
    classid: spec.classid === undefined ? undefined : parseClassId(spec.classid as TcHandle, `${kind} classid`),
    flags,
    actions: spec.actions === undefined ? undefined : prepareActions(spec.actions, `${kind} actions`),
  };
}
