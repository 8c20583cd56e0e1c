import type { ConnlimitExpression } from './connlimit.js';
import type { DupExpression } from './dup.js';
import type { ExthdrExpression } from './exthdr.js';
import type { FwdExpression } from './fwd.js';
import type { HashExpression } from './hash.js';
import type { NumgenExpression } from './numgen.js';
import type { OsfExpression } from './osf.js';
import type { RtExpression } from './rt.js';
import type { SocketExpression } from './socket.js';
import type { SynproxyExpression } from './synproxy.js';
import type { TproxyExpression } from './tproxy.js';
import type { XfrmExpression } from './xfrm.js';
import type { BitwiseExpression } from './bitwise.js';
import type { ByteorderExpression } from './byteorder.js';
import type { CmpExpression } from './cmp.js';
import type { CounterExpression } from './counter.js';
import type { CtExpression } from './ct.js';
import type { DynsetExpression } from './dynset.js';
import type { FibExpression } from './fib.js';
import type { FlowOffloadExpression } from './flow-offload.js';
import type { ImmediateExpression } from './immediate.js';
import type { LimitExpression } from './limit.js';
import type { LogExpression } from './log.js';
import type { LookupExpression } from './lookup.js';
import type { MasqExpression } from './masq.js';
import type { MetaExpression } from './meta.js';
import type { NatExpression } from './nat.js';
import type { NotrackExpression } from './notrack.js';
import type { ObjrefExpression } from './objref.js';
import type { PayloadExpression } from './payload.js';
import type { QuotaExpression } from './quota.js';
import type { RangeExpression } from './range.js';
import type { RedirExpression } from './redir.js';
import type { RejectExpression } from './reject.js';

/** An expression nlkit has no codec for, kept as its name and raw NFTA_EXPR_DATA so it can be sent back unchanged. */
export interface UnknownExpression {
  /** Marks an expression nlkit has no codec for. */
  kind: 'unknown';
  /** The kernel's name for it (NFTA_EXPR_NAME), e.g. `tunnel`, `last`. */
  name: string;
  /** Its raw NFTA_EXPR_DATA payload; absent when the kernel sent none. Written back as is, except attributes the kernel lists but refuses on writes (`exthdr` FLAGS on `tcp option ... set`, FLAGS/OFFSET/LEN on `reset tcp option`; `osf` FLAGS 0). */
  data?: Buffer;
}

/** One step of a rule, as the kernel runs it; `kind` is the kernel's expression name. */
export type Expression =
  | PayloadExpression | MetaExpression | CmpExpression | BitwiseExpression | RangeExpression | ImmediateExpression
  | CounterExpression | LookupExpression | DynsetExpression | CtExpression | NatExpression | MasqExpression
  | RedirExpression | RejectExpression | LimitExpression | LogExpression | QuotaExpression | FibExpression
  | NotrackExpression | ObjrefExpression | ByteorderExpression | FlowOffloadExpression
  | ConnlimitExpression | DupExpression | ExthdrExpression | FwdExpression | HashExpression | NumgenExpression | OsfExpression | RtExpression | SocketExpression | SynproxyExpression | TproxyExpression | XfrmExpression
  | UnknownExpression;
