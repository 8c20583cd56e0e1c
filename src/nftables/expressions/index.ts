// Registers every expression codec; import this module (not the registry alone) to encode or decode rules.
import { connlimitCodec } from './connlimit.js';
import { dupCodec } from './dup.js';
import { exthdrCodec } from './exthdr.js';
import { fwdCodec } from './fwd.js';
import { hashCodec } from './hash.js';
import { numgenCodec } from './numgen.js';
import { osfCodec } from './osf.js';
import { rtCodec } from './rt.js';
import { socketCodec } from './socket.js';
import { synproxyCodec } from './synproxy.js';
import { tproxyCodec } from './tproxy.js';
import { xfrmCodec } from './xfrm.js';
import { bitwiseCodec } from './bitwise.js';
import { byteorderCodec } from './byteorder.js';
import { cmpCodec } from './cmp.js';
import { counterCodec } from './counter.js';
import { ctCodec } from './ct.js';
import { dynsetCodec } from './dynset.js';
import { fibCodec } from './fib.js';
import { flowOffloadCodec } from './flow-offload.js';
import { immediateCodec } from './immediate.js';
import { limitCodec } from './limit.js';
import { logCodec } from './log.js';
import { lookupCodec } from './lookup.js';
import { masqCodec } from './masq.js';
import { metaCodec } from './meta.js';
import { natCodec } from './nat.js';
import { notrackCodec } from './notrack.js';
import { objrefCodec } from './objref.js';
import { payloadCodec } from './payload.js';
import { quotaCodec } from './quota.js';
import { rangeCodec } from './range.js';
import { redirCodec } from './redir.js';
import { registerExpression } from './registry.js';
import { rejectCodec } from './reject.js';

for (const codec of [
  payloadCodec, metaCodec, cmpCodec, bitwiseCodec, rangeCodec, immediateCodec, counterCodec, lookupCodec, dynsetCodec,
  ctCodec, natCodec, masqCodec, redirCodec, rejectCodec, limitCodec, logCodec, quotaCodec, fibCodec, notrackCodec,
  objrefCodec, byteorderCodec, flowOffloadCodec,
  connlimitCodec, dupCodec, exthdrCodec, fwdCodec, hashCodec, numgenCodec, osfCodec, rtCodec, socketCodec, synproxyCodec, tproxyCodec, xfrmCodec,
]) {
  registerExpression(codec as never);
}

export * from './registry.js';
export type { Expression, UnknownExpression } from './types.js';
export type { ExpressionCodec } from './codec.js';
export type { BitwiseExpression, BitwiseOp } from './bitwise.js';
export type { ByteorderExpression, ByteorderOp } from './byteorder.js';
export type { CmpExpression, CmpOp } from './cmp.js';
export type { CounterExpression } from './counter.js';
export type { CtExpression, CtLoadExpression, CtSetExpression, CtKey, CtDirection, CtState } from './ct.js';
export { CT_STATE_BITS } from './ct.js';
export type { DynsetExpression, DynsetOp, DynsetFlag } from './dynset.js';
export type { FibExpression, FibResult, FibFlag } from './fib.js';
export type { FlowOffloadExpression } from './flow-offload.js';
export type { ImmediateExpression, ImmediateDataExpression, ImmediateVerdictExpression } from './immediate.js';
export type { LimitExpression, LimitType, LimitUnit } from './limit.js';
export { LIMIT_UNITS } from './limit.js';
export type { LogExpression, LogLevel, LogFlag } from './log.js';
export type { LookupExpression } from './lookup.js';
export type { MasqExpression } from './masq.js';
export type { MetaExpression, MetaLoadExpression, MetaSetExpression, MetaKey } from './meta.js';
export type { NatExpression, NatType } from './nat.js';
export type { NatFlag, NatFlags } from './nat-flags.js';
export type { NotrackExpression } from './notrack.js';
export type { ObjrefExpression, ObjectType } from './objref.js';
export type { PayloadExpression, PayloadLoadExpression, PayloadSetExpression, PayloadBase, ChecksumType } from './payload.js';
export type { QuotaExpression } from './quota.js';
export type { RangeExpression, RangeOp } from './range.js';
export type { RedirExpression } from './redir.js';
export type { RejectExpression, RejectType } from './reject.js';
export type { ConnlimitExpression } from './connlimit.js';
export type { DupExpression } from './dup.js';
export type { ExthdrExpression, ExthdrOp } from './exthdr.js';
export type { FwdExpression, FwdFamily } from './fwd.js';
export type { HashExpression, HashType } from './hash.js';
export type { NumgenExpression, NumgenType } from './numgen.js';
export type { OsfExpression, OsfTtl } from './osf.js';
export type { RtExpression, RtKey } from './rt.js';
export type { SocketExpression, SocketKey } from './socket.js';
export type { SynproxyExpression } from './synproxy.js';
export { SYNPROXY_OPTIONS } from './synproxy.js';
export type { TproxyExpression, TproxyFamily } from './tproxy.js';
export type { XfrmExpression, XfrmKey, XfrmDirection } from './xfrm.js';
