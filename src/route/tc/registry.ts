// The kinds and actions nlkit knows, registered when the tc module loads.
import { gact } from './actions/gact.js';
import { mirred } from './actions/mirred.js';
import { police } from './actions/police.js';
import { bpf } from './filters/bpf.js';
import { flower } from './filters/flower.js';
import { matchall } from './filters/matchall.js';
import { u32 } from './filters/u32.js';
import { registerTcActionKind, registerTcKind, type TcActionKind, type TcKind } from './kind.js';
import { bfifo, pfifo } from './qdiscs/fifo.js';
import { fq } from './qdiscs/fq.js';
import { fqCodel } from './qdiscs/fq-codel.js';
import { htb } from './qdiscs/htb.js';
import { clsact, ingress } from './qdiscs/ingress.js';
import { netem } from './qdiscs/netem.js';
import { pfifoFast } from './qdiscs/pfifo-fast.js';
import { prio } from './qdiscs/prio.js';
import { sfq } from './qdiscs/sfq.js';
import { tbf } from './qdiscs/tbf.js';

// The kernel here has tbf, htb, ingress, clsact, the fifos, u32 and bpf; the others are encoded like iproute2 (proved by captures).
for (const kind of [tbf, htb, ingress, clsact, pfifo, bfifo, pfifoFast, fqCodel, fq, prio, netem, sfq, u32, matchall, flower, bpf] as TcKind[]) registerTcKind(kind);
for (const kind of [mirred, gact, police] as TcActionKind[]) registerTcActionKind(kind);
