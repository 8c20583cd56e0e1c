import {
  NFT_MSG_GETGEN, NFT_MSG_NEWGEN, NFT_MSG_NEWRULE, NFTA_GEN_ID, NFTA_GEN_PROC_NAME, NFTA_GEN_PROC_PID, NFTA_RULE_EXPRESSIONS,
} from '../../generated/nf_tables.js';
import { NFNL_BATCH_GENID, NFNL_MSG_BATCH_BEGIN, NFNL_MSG_BATCH_END, NFNL_SUBSYS_NFTABLES } from '../../generated/nfnetlink.js';
import { EIO, ENOENT } from '../../generated/errno.js';
import { NFPROTO_UNSPEC } from '../../generated/netfilter.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import { AttributeCursor } from '../../netlink/attributes.js';
import { errorCode, NetlinkBatchError, NetlinkError, parseExtendedAck, type Operation } from '../../netlink/errors.js';
import { detachMessage, NLM_F_ECHO, NLM_F_REQUEST, NLMSG_ERROR, type Message } from '../../netlink/message.js';
import type { NetlinkSocket } from '../../netlink/socket.js';
import { MessageWriter, NLMSG_HDRLEN } from '../../netlink/writer.js';
import { decodeExpression } from '../expressions/index.js';
import type { Verdict } from './data.js';
import { expressionAtOffset, nftAttributeName } from './messages.js';
import { NFGENMSG_LENGTH, nftAttributes, nftMessageOf, nftMessageType, writeNfgenmsg } from './nfgenmsg.js';

/** One change inside a batch: an NFT_MSG_* request and what it is about, for errors. */
export interface BatchCommand {
  /** NFT_MSG_NEWRULE, NFT_MSG_DELSET, ... */
  message: number;
  /** NFPROTO_* of the object. */
  family: number;
  /** NLM_F_CREATE, NLM_F_EXCL, NLM_F_APPEND, NLM_F_REPLACE (NLM_F_REQUEST is implied). */
  flags: number;
  /** What the command does, e.g. `add rule`. */
  operation: string;
  /** The object it acts on, e.g. `inet filter forward` (a chain) or `ip nat pods` (a set). */
  object: string;
  /** Writes the attributes that follow nfgenmsg. */
  encode(writer: MessageWriter): void;
}

/** Options of `Transaction.commit`. */
export interface CommitOptions {
  /**
   * Commit only if the ruleset is still at this generation (NFNL_BATCH_GENID);
   * otherwise the kernel refuses the batch with ERESTART and nothing changes.
   */
  generation?: number;
  /** Ask the kernel to send back every object it created (NLM_F_ECHO), e.g. to learn rule handles. */
  echo?: boolean;
}

export interface CommitResult {
  /** The ruleset generation after the commit. */
  generation: number;
  /** With `echo`, the kernel's copy of what each command created (copied out of the receive buffer), by command index. */
  echoes: Message[][];
}

/** The ruleset generation: a counter the kernel bumps on every committed batch. */
export interface Generation {
  /** The generation number (NFTA_GEN_ID), bumped by every committed batch; pass it as `CommitOptions.generation` to commit only if nothing changed since. */
  id: number;
  /** Process that committed the last batch, when the kernel reports it. */
  pid?: number;
  /** Name (comm) of the process that committed the last batch (NFTA_GEN_PROC_NAME), when the kernel reports it. */
  processName?: string;
}

interface EncodedBatch {
  bytes: Buffer;
  fence: Buffer;
  beginSeq: number;
  endSeq: number;
  fenceSeq: number;
  /** Sequence number of each command. */
  seqs: number[];
  /** Offset of each command's message in `bytes`. */
  offsets: number[];
}

/** Operation used for errors about the batch as a whole (its BEGIN or END message). */
const BATCH_OPERATION: Operation = { operation: 'commit nftables batch', headerLength: NFGENMSG_LENGTH };

/**
 * Frames commands the way nft does: NFNL_MSG_BATCH_BEGIN (res_id =
 * NFNL_SUBSYS_NFTABLES, big-endian), the commands, NFNL_MSG_BATCH_END, all in
 * one buffer sent with one sendmsg. The kernel applies the whole batch inside
 * that call, all or nothing, and reports every failing command by sequence
 * number. A separate NFT_MSG_GETGEN request follows: its reply arrives after
 * every reply to the batch, so it marks the end of them (batch commands carry
 * no NLM_F_ACK, like nft's: the kernel acks even commands it then rolls back).
 */
export function encodeBatch(socket: NetlinkSocket, commands: readonly BatchCommand[], options: CommitOptions = {}, maxBytes = Infinity): EncodedBatch {
  const writer = new MessageWriter(Math.max(4096, commands.length * 256));
  const beginSeq = socket.allocateSeq();
  let start = writer.beginMessage(NFNL_MSG_BATCH_BEGIN, NLM_F_REQUEST, beginSeq);
  writeNfgenmsg(writer, NFPROTO_UNSPEC, NFNL_SUBSYS_NFTABLES);
  if (options.generation !== undefined) {
    if (!Number.isInteger(options.generation) || options.generation < 0 || options.generation > 0xffffffff) {
      throw new InvalidArgumentError(`generation must be a u32 as read from generation(), got ${options.generation}`);
    }
    writer.be32(NFNL_BATCH_GENID, options.generation);
  }
  writer.endMessage(start);
  const seqs: number[] = [];
  const offsets: number[] = [];
  const echo = options.echo ? NLM_F_ECHO : 0;
  for (const command of commands) {
    const seq = socket.allocateSeq();
    start = writer.beginMessage(nftMessageType(command.message), NLM_F_REQUEST | command.flags | echo, seq);
    writeNfgenmsg(writer, command.family);
    command.encode(writer);
    writer.endMessage(start);
    seqs.push(seq);
    offsets.push(start);
  }
  const endSeq = socket.allocateSeq();
  start = writer.beginMessage(NFNL_MSG_BATCH_END, NLM_F_REQUEST, endSeq);
  writeNfgenmsg(writer, NFPROTO_UNSPEC, NFNL_SUBSYS_NFTABLES);
  writer.endMessage(start);
  if (writer.offset > maxBytes) {
    throw new InvalidArgumentError(`the batch is ${writer.offset} bytes, more than the ${maxBytes}-byte send buffer; open the connection with a larger sendBufferSize or split the batch`);
  }
  const fenceSeq = socket.allocateSeq();
  // The writer is this batch's own: its bytes go out as they are, not copied (tens of MB for a whole ruleset).
  return { bytes: writer.bytes(), fence: encodeGetGeneration(fenceSeq), beginSeq, endSeq, fenceSeq, seqs, offsets };
}

/** An NFT_MSG_GETGEN request; the kernel answers with NFT_MSG_NEWGEN. */
export function encodeGetGeneration(seq: number): Buffer {
  const writer = new MessageWriter(32);
  const start = writer.beginMessage(nftMessageType(NFT_MSG_GETGEN), NLM_F_REQUEST, seq);
  writeNfgenmsg(writer, NFPROTO_UNSPEC);
  writer.endMessage(start);
  return Buffer.from(writer.bytes());
}

export function decodeGeneration(message: Message): Generation {
  const generation: Generation = { id: 0 };
  const c = nftAttributes(message);
  while (c.next()) {
    if (c.type === NFTA_GEN_ID) generation.id = c.be32();
    else if (c.type === NFTA_GEN_PROC_PID) generation.pid = c.be32();
    else if (c.type === NFTA_GEN_PROC_NAME) generation.processName = c.string();
  }
  return generation;
}

/**
 * The jump or goto whose expression holds `offset` in a NEWRULE request:
 * the kernel reports a missing target chain as ENOENT pointing at the
 * expression, without naming the chain, so it is read back from the request.
 */
function jumpAt(request: Buffer, offset: number): Verdict | undefined {
  try {
    const top = new AttributeCursor(request, NLMSG_HDRLEN + NFGENMSG_LENGTH, request.length);
    while (top.next()) {
      if (top.type !== NFTA_RULE_EXPRESSIONS || offset < top.start || offset >= top.start + top.length) continue;
      const list = top.nestedCursor();
      while (list.next()) {
        if (offset < list.start - 4 || offset >= list.start + list.length) continue;
        const e = decodeExpression(list.nestedCursor());
        if (e.kind !== 'immediate' || !('verdict' in e) || !e.verdict) return undefined;
        return e.verdict.code === 'jump' || e.verdict.code === 'goto' ? e.verdict : undefined;
      }
    }
  } catch {
    // nlkit wrote this request itself; if it cannot be read back, the error just names no chain.
  }
  return undefined;
}

/** Collects the replies to one batch and turns failures into errors naming their command. */
class BatchReplies {
  generation: Generation | undefined;
  readonly echoes: Message[][];
  readonly failures: { index: number; error: NetlinkError }[] = [];
  batchError: NetlinkError | undefined;
  private readonly indexBySeq = new Map<number, number>();

  constructor(
    private readonly socket: NetlinkSocket,
    private readonly batch: EncodedBatch,
    private readonly commands: readonly BatchCommand[],
  ) {
    batch.seqs.forEach((seq, i) => this.indexBySeq.set(seq, i));
    this.echoes = commands.map(() => []);
  }

  /** Handles one received message; true once the fence's reply arrived. */
  absorb(m: Message): boolean {
    if (m.pid !== this.socket.portId && m.pid !== 0) return false;
    if (m.type === NLMSG_ERROR) {
      const errno = errorCode(m);
      if (m.seq === this.batch.fenceSeq) {
        this.batchError ??= new NetlinkError(errno || EIO, { operation: 'read nftables generation' }, parseExtendedAck(m), m.seq);
        return true;
      }
      if (errno === 0) return false;
      const index = this.indexBySeq.get(m.seq);
      if (index === undefined) {
        // BEGIN or END refused (a stale generation gives ERESTART): nothing in the batch ran.
        if (m.seq === this.batch.beginSeq || m.seq === this.batch.endSeq) {
          this.batchError ??= new NetlinkError(errno, BATCH_OPERATION, parseExtendedAck(m), m.seq);
        }
        return false;
      }
      this.failures.push({ index, error: this.commandError(index, errno, m) });
      return false;
    }
    if (m.seq === this.batch.fenceSeq && nftMessageOf(m.type) === NFT_MSG_NEWGEN) {
      this.generation = decodeGeneration(m);
      return true;
    }
    const index = this.indexBySeq.get(m.seq);
    if (index !== undefined) this.echoes[index]!.push(detachMessage(m));
    return false;
  }

  private commandError(index: number, errno: number, m: Message): NetlinkError {
    const command = this.commands[index]!;
    const start = this.batch.offsets[index]!;
    const request = this.batch.bytes.subarray(start, start + this.batch.bytes.readUInt32LE(start));
    const extack = parseExtendedAck(m);
    const inRule = command.message === NFT_MSG_NEWRULE && extack.offset !== undefined;
    const expression = inRule ? expressionAtOffset(request, extack.offset!) : undefined;
    // A jump to a chain that does not exist comes back as a bare ENOENT at the immediate expression.
    const jump = inRule && errno === ENOENT ? jumpAt(request, extack.offset!) : undefined;
    const step = expression && jump ? `${expression}: ${jump.code} target chain "${jump.chain}" does not exist` : expression;
    const op: Operation = {
      operation: command.operation,
      object: command.object,
      headerLength: NFGENMSG_LENGTH,
      attributeName: (path) => {
        const name = nftAttributeName(command.message, path);
        return step && name ? `${name}, ${step}` : name;
      },
    };
    return new NetlinkError(errno, op, extack, m.seq, Buffer.from(request));
  }

  /** The commit's outcome: the result, or the error naming each failed command. */
  settle(): CommitResult {
    if (this.batchError) throw this.batchError;
    if (this.failures.length) throw new NetlinkBatchError(this.failures, this.commands.length);
    return { generation: this.generation?.id ?? 0, echoes: this.echoes };
  }
}

/** Sends a batch and waits for its outcome; throws NetlinkBatchError naming every failed command. */
export function commitBatch(socket: NetlinkSocket, commands: readonly BatchCommand[], options: CommitOptions = {}, maxBytes = Infinity): CommitResult {
  const batch = encodeBatch(socket, commands, options, maxBytes);
  const replies = new BatchReplies(socket, batch, commands);
  socket.sendFrames(batch.bytes);
  socket.sendFrames(batch.fence);
  socket.receiveMessages((m) => replies.absorb(m));
  return replies.settle();
}

/** Promise form of `commitBatch`: the kernel's work runs on a worker thread, the event loop stays free. */
export function commitBatchAsync(socket: NetlinkSocket, commands: readonly BatchCommand[], options: CommitOptions = {}, maxBytes = Infinity): Promise<CommitResult> {
  // Encoding (and its checks) happens before queueing, so bad input fails without waiting.
  const batch = encodeBatch(socket, commands, options, maxBytes);
  return socket.serialize(async () => {
    const replies = new BatchReplies(socket, batch, commands);
    await socket.sendFramesAsync(batch.bytes);
    await socket.sendFramesAsync(batch.fence);
    await socket.receiveMessagesAsync((m) => replies.absorb(m));
    return replies.settle();
  });
}

/** Waits for the NEWGEN reply to one GETGEN request. */
class GenerationReply {
  generation: Generation | undefined;
  error: NetlinkError | undefined;
  constructor(readonly seq: number) {}

  absorb(m: Message): boolean {
    if (m.seq !== this.seq) return false;
    if (m.type === NLMSG_ERROR) {
      // An error without errno cannot happen for GETGEN; EIO keeps the error truthful if it does.
      this.error = new NetlinkError(errorCode(m) || EIO, { operation: 'read nftables generation' }, parseExtendedAck(m), this.seq);
    } else {
      this.generation = decodeGeneration(m);
    }
    return true;
  }

  settle(): Generation {
    if (this.error) throw this.error;
    return this.generation!;
  }
}

/** Reads the current ruleset generation. */
export function getGeneration(socket: NetlinkSocket): Generation {
  const reply = new GenerationReply(socket.allocateSeq());
  socket.sendFrames(encodeGetGeneration(reply.seq));
  socket.receiveMessages((m) => reply.absorb(m));
  return reply.settle();
}

/** Promise form of `getGeneration`. */
export function getGenerationAsync(socket: NetlinkSocket): Promise<Generation> {
  return socket.serialize(async () => {
    const reply = new GenerationReply(socket.allocateSeq());
    await socket.sendFramesAsync(encodeGetGeneration(reply.seq));
    await socket.receiveMessagesAsync((m) => reply.absorb(m));
    return reply.settle();
  });
}
