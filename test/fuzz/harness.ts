// The decoder fuzz: captured messages, damaged three ways, fed to every
// decoder nlkit has for them. A case passes when each decoder either decodes
// or throws one of nlkit's typed errors; anything else (RangeError, TypeError,
// Node's ERR_OUT_OF_RANGE) is a failure. Truncated messages must also decode
// the same whatever bytes follow them in the buffer: a decoder that reads
// past a message's end reads its neighbour's bytes.
//
// Cases are numbered. The first ones truncate every target at every offset,
// with nlmsg_len left as originally claimed, fixed up to the truncation, and
// fixed up together with the lengths of the attributes around the cut;
// after those, case N flips bits or overwrites a length field, with
// randomness drawn from (seed, N) alone, so `--seed S --case N` replays it.
import { NETLINK_NETFILTER, NETLINK_ROUTE, NLMSG_DONE, NLMSG_ERROR } from '../../src/generated/netlink.js';
import * as nft from '../../src/generated/nf_tables.js';
import * as rt from '../../src/generated/rtnetlink.js';
import { describeMessage, describeMessageStrict } from '../../src/netlink/debug.js';
import { errorCode, parseExtendedAck } from '../../src/netlink/errors.js';
import { doneErrorCode, MalformedMessageError, parseMessages, type Message } from '../../src/netlink/message.js';
import { NLMSG_HDRLEN } from '../../src/netlink/writer.js';
import { decodeChain } from '../../src/nftables/objects/chain.js';
import { decodeRawElements, interpretElements } from '../../src/nftables/objects/elements.js';
import { decodeRule as decodeNftRule } from '../../src/nftables/objects/rule.js';
import { decodeSet } from '../../src/nftables/objects/set.js';
import { decodeObject } from '../../src/nftables/objects/stateful.js';
import { decodeTable } from '../../src/nftables/objects/table.js';
import { decodeGeneration } from '../../src/nftables/protocol/batch.js';
import '../../src/nftables/protocol/describe.js';
import { nftMessageOf } from '../../src/nftables/protocol/nfgenmsg.js';
import '../../src/route/addresses/describe.js';
import { addressToIpJson } from '../../src/route/addresses/ipjson.js';
import { decodeAddress } from '../../src/route/addresses/message.js';
import { linkToIpJson } from '../../src/route/links/ipjson.js';
import { decodeLink, describeLink } from '../../src/route/links/message.js';
import '../../src/route/neighbours/describe.js';
import { neighbourToIpJson } from '../../src/route/neighbours/ipjson.js';
import { decodeNeighbour } from '../../src/route/neighbours/message.js';
import '../../src/route/nsid/describe.js';
import { netnsIdsToIpJson } from '../../src/route/nsid/ipjson.js';
import { decodeNetnsId, decodeNsidMessage } from '../../src/route/nsid/message.js';
import '../../src/route/routes/describe.js';
import { routeToIpJson } from '../../src/route/routes/ipjson.js';
import { decodeRoute } from '../../src/route/routes/message.js';
import '../../src/route/rules/describe.js';
import { ruleToIpJson } from '../../src/route/rules/ipjson.js';
import { decodeRule } from '../../src/route/rules/message.js';
import { decodeNexthop } from '../../src/route/nexthops/message.js';
import { nexthopToIpJson } from '../../src/route/nexthops/ipjson.js';
import type { Target } from './targets.js';

/** A case that threw something other than a typed error, or decoded differently depending on its neighbours. */
export class FuzzFailure extends Error {
  override readonly name = 'FuzzFailure';
  constructor(
    readonly seed: number,
    readonly caseNumber: number,
    readonly target: string,
    readonly mutation: string,
    readonly decoder: string,
    readonly bytes: Buffer,
    override readonly cause: unknown,
  ) {
    const why = cause instanceof Error ? cause.stack ?? String(cause) : String(cause);
    super(
      `fuzz case ${caseNumber} (seed ${seed}; replay: npm run fuzz -- --seed ${seed} --case ${caseNumber})\n`
      + `  target: ${target}\n  mutation: ${mutation}\n  decoder: ${decoder}\n  bytes: ${bytes.toString('hex')}\n  ${why}`,
    );
  }
}

/** nlkit's own errors: MalformedMessageError, and the classes that carry an errno-style `code`. */
function isTypedError(error: unknown): boolean {
  if (error instanceof MalformedMessageError) return true;
  return error instanceof Error
    && (error.name === 'InvalidArgumentError' || error.name === 'NetlinkError')
    && typeof (error as { code?: unknown }).code === 'string';
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** A deterministic PRNG (mulberry32) seeded from (seed, case). */
function random(seed: number, caseNumber: number): () => number {
  let a = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(caseNumber + 1, 0xc2b2ae35)) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Serializes a decoded value for comparison (bytes as hex, bigints as strings). */
function serialize(value: unknown): string {
  return JSON.stringify(value, function replace(this: Record<string, unknown>, key: string, v: unknown) {
    // `this[key]` is the value before Buffer#toJSON turned it into an array of numbers.
    const raw = this[key];
    if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.length).toString('hex');
    return typeof v === 'bigint' ? `${v}n` : v;
  });
}

type Decoder = [name: string, run: (m: Message) => unknown];

/** nlmsg_len as claimed; fixed up; fixed up with the attributes around the cut. */
const TRUNCATION_VARIANTS = 3;

/** Whether describeMessage showed an error that is not one of nlkit's typed errors (`type=N (undecodable: ...)`). */
function undecodable(line: string): boolean {
  return line.startsWith('type=') && line.includes(' (undecodable: ');
}

/** Length of the fixed header before a message's attributes, to find its attribute length fields. */
function headerLength(protocol: number, type: number): number {
  if (type === NLMSG_ERROR) return -1;
  if (type === NLMSG_DONE) return 4;
  if (protocol === NETLINK_NETFILTER) return 4;
  switch (type & ~3) {
    case rt.RTM_NEWLINK: return 16;
    case rt.RTM_NEWADDR: return 8;
    case rt.RTM_NEWROUTE: case rt.RTM_NEWNEIGH: case rt.RTM_NEWRULE: return 12;
    case rt.RTM_NEWNSID: return 4;
    case rt.RTM_NEWNEXTHOP: return 8;
    default: return -1;
  }
}

/** Offsets of the attribute length fields of a message, nests included (a payload that parses as attributes is taken for a nest). */
function lengthFields(bytes: Buffer, protocol: number): number[] {
  const type = bytes.readUInt16LE(4);
  const header = headerLength(protocol, type);
  const out: number[] = [];
  if (header < 0) return out;
  const walk = (begin: number, end: number, depth: number): boolean => {
    const found: number[] = [];
    let at = begin;
    while (at + 4 <= end) {
      const len = bytes.readUInt16LE(at);
      if (len < 4 || at + len > end) return false;
      found.push(at);
      at += (len + 3) & ~3;
    }
    if (at < end && end - at >= 4) return false;
    out.push(...found);
    if (depth < 6) for (const f of found) walk(f + 4, f + bytes.readUInt16LE(f), depth + 1);
    return true;
  };
  walk(NLMSG_HDRLEN + header, Math.min(bytes.length, bytes.readUInt32LE(0)), 0);
  return out;
}

export interface FuzzStats {
  cases: number;
  decoded: number;
  typedErrors: number;
}

export class DecoderFuzz {
  /** Number of truncation cases: TRUNCATION_VARIANTS per byte of every target. */
  readonly truncations: number;
  /** Case n < truncations is truncation (n * stride) mod truncations: any run of cases spreads over every target. */
  private readonly stride: number;
  private readonly starts: number[] = [];
  private readonly fields: number[][];
  readonly stats: FuzzStats = { cases: 0, decoded: 0, typedErrors: 0 };
  /** What the last case ran: its target and mutation (for `--case N` replays). */
  last = { target: '', mutation: '' };

  constructor(
    readonly targets: readonly Target[],
    readonly seed: number,
  ) {
    let total = 0;
    for (const t of targets) {
      this.starts.push(total);
      total += TRUNCATION_VARIANTS * t.bytes.length;
    }
    this.truncations = total;
    let stride = 7919;
    while (gcd(stride, total) !== 1) stride += 2;
    this.stride = stride;
    this.fields = targets.map((t) => lengthFields(t.bytes, t.protocol));
  }

  /** Runs case `n`; throws FuzzFailure when it fails. */
  run(n: number): void {
    this.stats.cases++;
    // Most cases end in a typed error, and capturing a stack costs more than
    // decoding: capture none, and replay a failing case with stacks for its report.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      this.runCase(n);
    } catch (error) {
      Error.stackTraceLimit = limit;
      if (error instanceof FuzzFailure) this.runCase(n);
      throw error;
    } finally {
      Error.stackTraceLimit = limit;
    }
  }

  private runCase(n: number): void {
    if (n < this.truncations) this.truncate(n, (n * this.stride) % this.truncations);
    else this.damage(n);
  }

  /** Case `n`: truncation number `truncation`, which names a target, a cut and how nlmsg_len is left. */
  private truncate(n: number, truncation: number): void {
    // Binary search for the target whose truncations hold this one.
    let lo = 0;
    let hi = this.targets.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= truncation) lo = mid;
      else hi = mid - 1;
    }
    const target = this.targets[lo]!;
    const within = truncation - this.starts[lo]!;
    const cut = Math.floor(within / TRUNCATION_VARIANTS);
    const variant = within % TRUNCATION_VARIANTS;
    const original = target.bytes;
    if (variant === 0) {
      // Cut at `cut`, nlmsg_len still claiming the whole message: parseMessages must refuse it.
      const buf = Buffer.from(original.subarray(0, cut));
      const mutation = `truncated to ${cut} of ${original.length} bytes, nlmsg_len as originally claimed`;
      this.last = { target: target.name, mutation };
      const parsed = this.call(n, target, mutation, 'parseMessages', buf, () => parseMessages(buf, buf.length));
      if (cut > 0 && parsed !== undefined) this.fail(n, target, mutation, 'parseMessages', buf, new Error('a message longer than its buffer was accepted'));
      // A Message put together by hand with the claimed end, over the short buffer.
      if (cut >= NLMSG_HDRLEN) this.decodeAll(n, target, mutation, buf, this.messageAt(buf, original.readUInt32LE(0)));
      return;
    }
    // Cut at `cut` with nlmsg_len saying so (and, in the second variant, every
    // attribute around the cut ending there too, which leaves the innermost
    // one short), then other bytes: decoding must not depend on them.
    const nested = variant === 2;
    const mutation = `truncated to ${cut} of ${original.length} bytes, nlmsg_len${nested ? ' and the lengths of the attributes around the cut' : ''} fixed up`;
    this.last = { target: target.name, mutation };
    const outputs: string[] = [];
    let first: Buffer | undefined;
    for (const filler of [0x00, 0xa5]) {
      const buf = Buffer.alloc(cut + 64, filler);
      original.copy(buf, 0, 0, cut);
      if (cut >= 4) buf.writeUInt32LE(cut, 0);
      if (nested) {
        for (const at of this.fields[lo]!) {
          if (at + 4 <= cut && at + original.readUInt16LE(at) > cut) buf.writeUInt16LE(cut - at, at);
        }
      }
      first ??= buf.subarray(0, cut);
      const parsed = this.call(n, target, mutation, 'parseMessages', buf, () => parseMessages(buf, cut));
      const messages = parsed as Message[] | undefined;
      outputs.push(messages ? messages.map((m) => this.decodeAll(n, target, mutation, buf, m, true)).join('\n') : 'unparsed');
    }
    if (outputs[0] !== outputs[1]) {
      this.fail(n, target, mutation, 'all', first!, new Error(`decoding depends on the bytes after the message:\n${outputs[0]}\n---\n${outputs[1]}`));
    }
  }

  private damage(n: number): void {
    const next = random(this.seed, n);
    const index = Math.floor(next() * this.targets.length);
    const target = this.targets[index]!;
    const buf = Buffer.from(target.bytes);
    let mutation: string;
    const fields = this.fields[index]!;
    if (next() < 0.5) {
      const flips = 1 + Math.floor(next() * 4);
      const bits: number[] = [];
      for (let i = 0; i < flips; i++) {
        const bit = Math.floor(next() * buf.length * 8);
        buf[bit >> 3]! ^= 1 << (bit & 7);
        bits.push(bit);
      }
      mutation = `bits ${bits.join(', ')} flipped`;
    } else if (fields.length === 0 || next() < 0.15) {
      const claimed = buf.readUInt32LE(0);
      const choices = [0, 1, 15, 16, 17, claimed - 1, claimed + 1, claimed + 4, claimed - 4, 0xffffffff, Math.floor(next() * 2 ** 32)];
      const value = choices[Math.floor(next() * choices.length)]! >>> 0;
      buf.writeUInt32LE(value, 0);
      mutation = `nlmsg_len ${claimed} overwritten with ${value}`;
    } else {
      const at = fields[Math.floor(next() * fields.length)]!;
      const old = buf.readUInt16LE(at);
      const choices = [0, 1, 2, 3, 4, 5, 6, 7, 8, old - 1, old + 1, old - 4, old + 4, 0xffff, Math.floor(next() * 0x10000)];
      const value = choices[Math.floor(next() * choices.length)]! & 0xffff;
      buf.writeUInt16LE(value, at);
      mutation = `attribute length at byte ${at} (${old}) overwritten with ${value}`;
    }
    this.last = { target: target.name, mutation };
    const parsed = this.call(n, target, mutation, 'parseMessages', buf, () => parseMessages(buf, buf.length)) as Message[] | undefined;
    if (parsed) for (const m of parsed) this.decodeAll(n, target, mutation, buf, m);
    // A broken nlmsg_len stops parseMessages; the decoders still get the payload, as a hand-built Message.
    else this.decodeAll(n, target, mutation, buf, this.messageAt(buf, buf.length));
  }

  private messageAt(buf: Buffer, end: number): Message {
    return { type: buf.readUInt16LE(4), flags: buf.readUInt16LE(6), seq: buf.readUInt32LE(8), pid: buf.readUInt32LE(12), buf, offset: NLMSG_HDRLEN, end };
  }

  /**
   * Runs every decoder that could apply to `m`; with `record`, returns what
   * they produced, one line each (serializing costs more than decoding).
   */
  private decodeAll(n: number, target: Target, mutation: string, buf: Buffer, m: Message, record = false): string {
    const out: string[] = [];
    const run = (name: string, decode: () => unknown) => {
      const value = this.call(n, target, mutation, name, buf, decode);
      if (record) out.push(`${name}: ${value === undefined ? this.lastError : serialize(value)}`);
      return value;
    };
    const protocol = target.protocol;
    // The DEBUG printer never throws: it shows a typed error as `(malformed: ...)`
    // and anything else as `(undecodable: ...)`, which the strict form then reports.
    const line = run('describeMessage', () => describeMessage(protocol, m));
    if (typeof line !== 'string' || undecodable(line)) {
      run('describeMessageStrict', () => describeMessageStrict(protocol, m));
      this.fail(n, target, mutation, 'describeMessage', buf, new Error(`describeMessage gave ${String(line)}`));
    }
    // The decoders of the message's own type and of the type it was captured as (a flipped type routes elsewhere).
    const types = new Set([m.type, target.bytes.readUInt16LE(4)]);
    if (types.has(NLMSG_ERROR)) {
      run('errorCode', () => errorCode(m));
      run('parseExtendedAck', () => parseExtendedAck(m));
    }
    if (types.has(NLMSG_DONE)) {
      run('doneErrorCode', () => doneErrorCode(m));
      run('parseExtendedAck', () => parseExtendedAck(m));
    }
    for (const type of types) {
      for (const [name, decode] of protocol === NETLINK_ROUTE ? routeDecoders(type) : nftDecoders(type, target)) run(name, () => decode(m));
    }
    return out.join('\n');
  }

  private lastError = '';

  /** Calls `fn`: its value, or undefined after a typed error; any other throw fails the case. */
  private call(n: number, target: Target, mutation: string, decoder: string, buf: Buffer, fn: () => unknown): unknown {
    try {
      const value = fn();
      this.stats.decoded++;
      return value ?? null;
    } catch (error) {
      if (!isTypedError(error)) this.fail(n, target, mutation, decoder, buf, error);
      if (error instanceof MalformedMessageError && (error.family === undefined || (error.offset === undefined && decoder !== 'interpretElements'))) {
        this.fail(n, target, mutation, decoder, buf, new Error(`MalformedMessageError without family or offset: ${error.message}`));
      }
      this.stats.typedErrors++;
      this.lastError = `throws ${(error as Error).message}`;
      return undefined;
    }
  }

  private fail(n: number, target: Target, mutation: string, decoder: string, buf: Buffer, cause: unknown): never {
    throw new FuzzFailure(this.seed, n, target.name, mutation, decoder, buf, cause);
  }
}

function routeDecoders(type: number): Decoder[] {
  switch (type) {
    case rt.RTM_NEWLINK: case rt.RTM_DELLINK: case rt.RTM_GETLINK: case rt.RTM_SETLINK:
      return [['decodeLink', (m) => {
        const link = decodeLink(m);
        return [link, describeLink(link, true), linkToIpJson(link)];
      }]];
    case rt.RTM_NEWADDR: case rt.RTM_DELADDR: case rt.RTM_GETADDR:
      return [['decodeAddress', (m) => {
        const address = decodeAddress(m);
        return address && [address, addressToIpJson(address)];
      }]];
    case rt.RTM_NEWROUTE: case rt.RTM_DELROUTE: case rt.RTM_GETROUTE:
      return [['decodeRoute', (m) => {
        const route = decodeRoute(m);
        return route && [route, routeToIpJson(route, new Map())];
      }]];
    case rt.RTM_NEWNEIGH: case rt.RTM_DELNEIGH: case rt.RTM_GETNEIGH:
      return [['decodeNeighbour', (m) => {
        const neighbour = decodeNeighbour(m);
        return [neighbour, neighbourToIpJson(neighbour, new Map())];
      }]];
    case rt.RTM_NEWRULE: case rt.RTM_DELRULE: case rt.RTM_GETRULE:
      return [['decodeRule', (m) => {
        const rule = decodeRule(m);
        return [rule, ruleToIpJson(rule)];
      }]];
    case rt.RTM_NEWNEXTHOP: case rt.RTM_DELNEXTHOP: case rt.RTM_GETNEXTHOP:
      return [['decodeNexthop', (m) => {
        const nexthop = decodeNexthop(m);
        return [nexthop, nexthopToIpJson(nexthop, new Map(), { details: true })];
      }]];
    case rt.RTM_NEWNSID: case rt.RTM_DELNSID: case rt.RTM_GETNSID:
      return [['decodeNsidMessage', decodeNsidMessage], ['decodeNetnsId', (m) => {
        const id = decodeNetnsId(m);
        return [id, netnsIdsToIpJson([id])];
      }]];
    default:
      return [];
  }
}

function nftDecoders(type: number, target: Target): Decoder[] {
  switch (nftMessageOf(type)) {
    case nft.NFT_MSG_NEWTABLE: case nft.NFT_MSG_DELTABLE: return [['decodeTable', decodeTable]];
    case nft.NFT_MSG_NEWCHAIN: case nft.NFT_MSG_DELCHAIN: return [['decodeChain', decodeChain]];
    case nft.NFT_MSG_NEWRULE: case nft.NFT_MSG_DELRULE: return [['decodeRule', decodeNftRule]];
    case nft.NFT_MSG_NEWSET: case nft.NFT_MSG_DELSET: return [['decodeSet', decodeSet]];
    case nft.NFT_MSG_NEWOBJ: case nft.NFT_MSG_DELOBJ: return [['decodeObject', decodeObject]];
    case nft.NFT_MSG_NEWGEN: return [['decodeGeneration', decodeGeneration]];
    case nft.NFT_MSG_NEWSETELEM: case nft.NFT_MSG_DELSETELEM:
      return [['decodeRawElements', (m) => {
        const raws = decodeRawElements(m);
        return target.shape ? [raws, interpretElementsChecked(target, raws)] : raws;
      }]];
    default:
      return [];
  }
}

/** interpretElements, whose MalformedMessageError names no offset (the elements are decoded by then). */
function interpretElementsChecked(target: Target, raws: ReturnType<typeof decodeRawElements>): unknown {
  try {
    return interpretElements(target.shape!, raws);
  } catch (error) {
    if (error instanceof MalformedMessageError && error.family !== undefined && error.offset === undefined) return `interpretElements throws ${error.message}`;
    throw error;
  }
}
