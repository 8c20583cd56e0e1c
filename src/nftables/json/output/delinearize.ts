// A rule's kernel expressions turned back into nft's statements, the way nft's
// delinearizer does (nftables 1.0.6 src/netlink_delinearize.c): registers hold
// what was loaded into them, a compare becomes a match, protocol matches nft
// adds itself as dependencies (`meta l4proto tcp` before `tcp dport`) are left
// out again, values print with the datatype of what they are compared with.
import type { BitwiseExpression } from '../../expressions/bitwise.js';
import type { ByteorderExpression } from '../../expressions/byteorder.js';
import type { CmpExpression } from '../../expressions/cmp.js';
import { AttributeCursor } from '../../../netlink/attributes.js';
import { expressionCodec } from '../../expressions/registry.js';
import type { Expression } from '../../expressions/types.js';
import { ICMP_CODES, ICMPV6_CODES, ICMPX_CODES } from '../../objects/datatype-symbols.js';
import { DATATYPES as T, KeyType, type Datatype } from '../../objects/datatypes.js';
import type { NftFamily } from '../../objects/family.js';
import type { Rule } from '../../objects/rule.js';
import type { NftJsonStatement, NftJsonValue } from '../schema.js';
import { NftJsonUnsupportedError } from './errors.js';
import { kernelExpressionJson, type RawExpressionContext, type RegisterLoad } from './expressions/index.js';
import { ctType, metaName, metaType } from './keys.js';
import {
  findField, HEADERS, NETWORK_BY_ETHERTYPE, NETWORK_BY_NFPROTO, TRANSPORT_BY_NUMBER, type Header, type HeaderField,
} from './payload-fields.js';
import { elementsJson, shiftedMembersJson, type SetWithElements } from './set-elements.js';
import { counterJson, limitJson, logJson, quotaJson, statefulJson } from './statements.js';
import { flagsJson, intervalJson, isBitmask, plainInteger, prefixJson, sortBytes, valueJson, verdictJson, type ValueContext } from './values.js';

/** What a rule is rendered against: its table's sets (for anonymous sets and key lengths) and value naming. */
export interface RuleRenderContext extends ValueContext {
  /** The listed set of the rule's table with this name. */
  set(family: NftFamily, table: string, name: string): SetWithElements | undefined;
}

/** Keys whose `==` match names the protocol of a header: nft's dependencies. */
type ProtocolKey = 'nfproto' | 'ethertype' | 'l4proto' | 'ipproto' | 'iiftype';

/** What a register holds. */
interface Operand {
  /** The expression as JSON (`{"meta": {"key": "mark"}}`); null for immediate data. */
  json: NftJsonValue;
  /** The datatype of its values; absent for immediate data, which takes the type of where it goes. */
  type?: Datatype;
  /** Bytes in the register. */
  length: number;
  /** Immediate data. */
  data?: Buffer;
  key?: ProtocolKey;
  /** A payload load whose field a bitwise mask will name (`ip dscp`, `vlan id`). */
  pending?: { header: Header; offset: number; length: number };
  /** A header field's bits with the rest of its bytes kept (`ip ttl set 64`): only a payload write of those bytes takes it. */
  write?: { header: Header; field: HeaderField; offset: number; length: number; value: Buffer };
  /** Bits of a sub-byte field below it in the loaded bytes (`ip dscp` is shifted by 2). */
  shift?: number;
  /** Width of a sub-byte field in bits. */
  bits?: number;
  /** Only the first bits are compared: an address prefix, or a mark under a prefix mask. */
  prefix?: number;
  /** The same operand as a value (`ct mark & 0xffff0000`), where a prefix mask came from a bitwise. */
  masked?: NftJsonValue;
  /** A flag mask (`ct state`, `tcp flags`) applied before the compare. */
  flagMask?: Buffer;
  /** `fib ... exists/missing`: the compare tests presence. */
  presence?: boolean;
  /** `icmp type` / `icmpv6 type`: a match on it decides which fields later loads name. */
  icmp?: boolean;
  /**
   * Headers it reads: when a match, a map or a mangle uses it, the matches nft added for them go.
   * (A header read only for a nat statement's map keeps them, as nft keeps them.)
   */
  uses?: Header[];
  /** A map lookup: its data's length in bytes and whether the data are intervals (nat reads both). */
  mapData?: { length: number; interval: boolean };
  /** A load nft names only with the mask of a bitwise that follows (`tcp option mptcp subtype`). */
  maskedField?: RegisterLoad['maskedField'];
  /** A sub-byte field shifted down to its value: inside a concatenation nft prints the shift (`ip dscp >> 2`). */
  rshift?: number;
  /** Converted to network byte order in words of this many bytes (`byteorder hton`): compared values are too. */
  order?: number;
}

/** A match that may be a dependency nft added: the protocol it establishes and whether it may be left out. */
interface Candidate {
  protocol: string;
  layer: 'link' | 'network' | 'transport' | 'vlan';
  statement: number;
  removable: boolean;
}

/** nft's names of payload bases in raw loads (`@nh,8,8`). */
const RAW_BASES: Record<string, string> = { link: 'll', network: 'nh', transport: 'th', inner: 'ih' };

const CMP_OPS: Record<string, string> = { eq: '==', neq: '!=', lt: '<', lte: '<=', gt: '>', gte: '>=' };

/** Index of a register in 32-bit units: NFT_REG_1..4 are 16 bytes, NFT_REG32_00.. are 4. */
function slot(register: number): number {
  return register >= 1 && register <= 4 ? 8 + (register - 1) * 4 : register;
}

function codeName(codes: Record<string, number>, code: number): NftJsonValue {
  const hit = Object.entries(codes).find(([, v]) => v === code);
  return hit ? hit[0] : code;
}

function isZero(b: Buffer): boolean {
  return b.every((x) => x === 0);
}

/** Number of leading one bits when `mask` is ones then zeros; undefined otherwise. */
function prefixLength(mask: Buffer): number | undefined {
  let n = 0;
  while (n < mask.length * 8 && (mask[n >> 3]! & (0x80 >> (n & 7))) !== 0) n++;
  for (let bit = n; bit < mask.length * 8; bit++) if ((mask[bit >> 3]! & (0x80 >> (bit & 7))) !== 0) return undefined;
  return n;
}

/** The contiguous run of one bits in `mask` as [first bit, length]; undefined when not contiguous. */
function bitRun(mask: Buffer): [number, number] | undefined {
  const total = mask.length * 8;
  const set = (bit: number) => (mask[bit >> 3]! & (0x80 >> (bit & 7))) !== 0;
  let first = 0;
  while (first < total && !set(first)) first++;
  if (first === total) return undefined;
  let end = first;
  while (end < total && set(end)) end++;
  for (let bit = end; bit < total; bit++) if (set(bit)) return undefined;
  return [first, end - first];
}

function toBigInt(b: Buffer): bigint {
  return b.length ? BigInt(`0x${b.toString('hex')}`) : 0n;
}

function fromBigInt(n: bigint, length: number): Buffer {
  return Buffer.from(n.toString(16).padStart(length * 2, '0').slice(-length * 2), 'hex');
}

/** `data` with each word of `size` bytes reversed (what `byteorder` does to a register). */
function swapWords(data: Buffer, size: number): Buffer {
  if (size < 2) return data;
  const out = Buffer.from(data);
  for (let at = 0; at + size <= out.length; at += size) out.subarray(at, at + size).reverse();
  return out;
}

/** Several flags in a set key or mask print as an or-expression. */
function orFlags(value: NftJsonValue): NftJsonValue {
  return Array.isArray(value) ? { '|': value } : value;
}

/** One rule's delinearization. */
class Delinearizer {
  private readonly statements: (NftJsonStatement | null)[] = [];
  private readonly registers = new Map<number, Operand>();
  private readonly candidates: Candidate[] = [];
  private link: string | undefined;
  private vlan = false;
  private network: string | undefined;
  private transport: string | undefined;
  /** The ICMP type an earlier `icmp type` / `icmpv6 type` match established, and that match. */
  private icmpType: { value: number; statement: number } | undefined;

  /** What the modules of expressions printed from raw attributes (exthdr, rt, tproxy...) work with. */
  private readonly raw: RawExpressionContext;

  constructor(private readonly rule: Rule, private readonly ctx: RuleRenderContext, private readonly what: string) {
    if (rule.family === 'bridge' || rule.family === 'netdev') this.link = 'ether';
    if (rule.family === 'ip' || rule.family === 'ip6' || rule.family === 'arp') this.network = rule.family;
    this.raw = {
      family: rule.family,
      fail: (message) => this.fail(message),
      value: (register, type) => this.value(this.operand(register), type),
      key: (register, length) => {
        const used: Operand[] = [];
        const key = this.key(register, length, used);
        used.forEach((op) => this.use(op));
        return key;
      },
      load: (register, loaded) => this.store(register, { ...loaded }),
      emit: (statement) => { this.emit(statement); },
      releaseDependency: (layer) => this.releaseLayer(layer),
    };
  }

  /** The last protocol match nft added for `layer` goes (nft's payload_dependency_release). */
  private releaseLayer(layer: Candidate['layer']): void {
    for (let i = this.candidates.length - 1; i >= 0; i--) {
      const c = this.candidates[i]!;
      if (c.layer !== layer) continue;
      this.candidates.splice(i, 1);
      if (c.removable) this.statements[c.statement] = null;
      return;
    }
  }

  private fail(message: string): never {
    throw new NftJsonUnsupportedError(message, this.what);
  }

  run(): NftJsonStatement[] {
    const list = this.rule.expressions;
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!;
      const next = list[i + 1];
      // `a-b` on a plain value: nft compares twice, >= a then <= b.
      if (e.kind === 'cmp' && e.op === 'gte' && next?.kind === 'cmp' && next.op === 'lte' && next.sreg === e.sreg) {
        this.range(e.sreg, '==', e.data, next.data);
        i++;
        continue;
      }
      this.step(e);
    }
    return this.statements.filter((s): s is NftJsonStatement => s !== null);
  }

  private emit(statement: NftJsonStatement): number {
    this.statements.push(statement);
    return this.statements.length - 1;
  }

  private operand(register: number): Operand {
    const op = this.registers.get(slot(register));
    if (!op) this.fail(`register ${register} is read before anything was loaded into it`);
    return op;
  }

  private store(register: number, op: Operand): void {
    this.registers.set(slot(register), op);
  }

  /** The operands a key of `length` bytes spans from `register` on: one, or the fields of a concatenation. */
  private key(register: number, length: number, used: Operand[] = []): NftJsonValue {
    const parts: NftJsonValue[] = [];
    let at = slot(register);
    let covered = 0;
    while (covered < length) {
      const op = this.registers.get(at);
      if (!op) this.fail(`a ${length}-byte key from register ${register} reads a register nothing was loaded into`);
      this.requireResolved(op);
      // nft stores a sub-byte field's set members as loaded (`ip dscp` shifted up by 2) and prints them shifted back.
      if (op.shift) this.fail('a set lookup of a sub-byte header field');
      used.push(op);
      // A flag mask on a key (`tcp flags & (syn | ack) vmap ...`) prints as an and with an or of flags.
      parts.push(op.flagMask ? { '&': [op.json, orFlags(valueJson(op.type!, op.flagMask, this.ctx))] } : op.json);
      const padded = (op.length + 3) & ~3;
      covered += padded;
      at += padded / 4;
    }
    if (parts.length === 1) return parts[0]!;
    const ops = used.slice(-parts.length);
    return { concat: parts.map((p, i) => (ops[i]?.rshift ? { '>>': [p, ops[i]!.rshift!] } : p)) };
  }

  /**
   * The header whose dependency a field's use removes. Outside bridge and netdev tables nft keeps
   * `ether type 8021q` before `vlan type` (itself a protocol match), so that use removes nothing.
   */
  private usedHeader(header: Header, field: HeaderField): Header {
    const keeps = header.name === 'vlan' && field.name === header.protocolKey && this.rule.family !== 'bridge' && this.rule.family !== 'netdev';
    return keeps ? { ...header, name: 'vlan type' } : header;
  }

  /** The operand is used by a match, map or mangle: the dependencies of the headers it reads go. */
  private use(op: Operand): void {
    for (const header of op.uses ?? []) this.consume(header);
    op.uses = undefined;
  }

  private requireResolved(op: Operand): void {
    if (op.write) this.fail('a masked payload value used other than in a write of its bytes');
    if (op.maskedField) this.fail('a load of bits no field is named by without a mask');
  }

  /** Compared data in the operand's own byte order: words a `byteorder hton` swapped are swapped back. */
  private ownOrder(op: Operand, data: Buffer): Buffer {
    return op.order ? swapWords(data, op.order) : data;
  }

  private step(e: Expression): void {
    switch (e.kind) {
      case 'payload':
        if ('dreg' in e) this.payloadLoad(e.base, e.offset, e.length, e.dreg);
        else this.payloadWrite(e.base, e.offset, e.length, e.sreg);
        return;
      case 'meta': {
        if (typeof e.key === 'number') this.fail(`meta key ${e.key} is not one nft names`);
        const type = metaType(e.key) ?? this.fail(`meta ${e.key} values are not printed by nlkit yet`);
        const json = { meta: { key: metaName(e.key) } };
        if ('dreg' in e) {
          const key: ProtocolKey | undefined = e.key === 'nfproto' ? 'nfproto' : e.key === 'l4proto' ? 'l4proto' : e.key === 'protocol' ? 'ethertype' : e.key === 'iiftype' ? 'iiftype' : undefined;
          this.store(e.dreg, { json, type, length: type.length, ...(key ? { key } : {}) });
        } else {
          this.emit({ mangle: { key: json, value: this.value(this.operand(e.sreg), type) } });
        }
        return;
      }
      case 'ct': {
        if (typeof e.key === 'number' || typeof e.direction === 'number') this.fail(`ct key ${e.key} is not one nft names`);
        const type = this.ctAddressType(e.key) ?? ctType(e.key) ?? this.fail(`ct ${e.key} values are not printed by nlkit yet`);
        const json = { ct: { key: e.key, ...(e.direction !== undefined ? { dir: e.direction } : {}) } };
        if ('dreg' in e) this.store(e.dreg, { json, type, length: type.length });
        else this.emit({ mangle: { key: json, value: this.value(this.operand(e.sreg), type) } });
        return;
      }
      case 'fib': {
        if (typeof e.result === 'number' || e.flags.some((x) => x.startsWith('0x'))) this.fail('a fib result or flag nft does not name');
        const type = e.result === 'type' ? T.fib_addrtype! : e.result === 'oif' ? T.iface_index! : T.ifname!;
        const json = { fib: { result: e.result, flags: e.flags.filter((x) => x !== 'present') } };
        this.store(e.dreg, { json, type, length: type.length, ...(e.flags.includes('present') ? { presence: true } : {}) });
        return;
      }
      case 'immediate':
        if ('verdict' in e) this.emit(verdictJson(e.verdict));
        else this.store(e.dreg, { json: null, length: e.data.length, data: e.data });
        return;
      case 'bitwise': return this.bitwise(e);
      case 'cmp': return this.cmp(e);
      case 'range':
        if (typeof e.op === 'number') this.fail(`range op ${e.op}`);
        return this.range(e.sreg, e.op === 'eq' ? '==' : '!=', e.from, e.to);
      case 'lookup': return this.lookup(e.set, e.sreg, e.dreg, e.invert ?? false);
      case 'counter': this.emit(counterJson(e)); return;
      case 'limit': this.emit(limitJson(e, this.what)); return;
      case 'quota': this.emit(quotaJson(e)); return;
      case 'log': this.emit(logJson(e, this.what)); return;
      case 'notrack': this.emit({ notrack: null }); return;
      case 'reject': return this.reject(e.type, e.code);
      case 'nat': return this.nat(e);
      case 'masq': this.emit({ masquerade: this.natTail(undefined, e.protoMin, e.protoMax, e.flags) }); return;
      case 'redir': this.emit({ redirect: this.natTail(undefined, e.protoMin, e.protoMax, e.flags) }); return;
      case 'objref':
        if (e.set !== undefined && e.sreg !== undefined) return this.objrefMap(e.set, e.sreg);
        if (e.name === undefined || typeof e.objectType !== 'string') this.fail('an object reference nft does not name');
        this.emit({ [e.objectType]: e.name });
        return;
      case 'dynset': return this.dynset(e);
      case 'byteorder': return this.byteorder(e);
      case 'unknown': {
        // Kept raw by hand or by an older nlkit: read through the kind's codec when there is one now
        // (`tcpopt` is nft's old name for exthdr's TCP options).
        const codec = expressionCodec(e.name === 'tcpopt' ? 'exthdr' : e.name);
        if (!codec) this.fail(`the ${e.name} expression is not one nlkit prints yet`);
        const data = e.data ?? Buffer.alloc(0);
        return this.step(codec.decode(new AttributeCursor(data, 0, data.length)) as Expression);
      }
      default: {
        const json = kernelExpressionJson(e);
        if (!json) this.fail(`the ${e.kind} expression is not one nlkit prints yet`);
        json(this.raw);
      }
    }
  }

  /**
   * `ct saddr` / `ct daddr` are addresses of the table's family, or elsewhere of the protocol matched
   * before: that match (`meta nfproto ipv4`) is the dependency nft added, and goes.
   */
  private ctAddressType(key: string): Datatype | undefined {
    if (key !== 'saddr' && key !== 'daddr') return undefined;
    const own = this.rule.family === 'ip' || this.rule.family === 'ip6';
    const network = own ? this.rule.family : this.network;
    if (!own) this.releaseLayer('network');
    if (network === 'ip') return T.ipv4_addr!;
    if (network === 'ip6') return T.ipv6_addr!;
    return this.fail(`ct ${key} without a known network protocol`);
  }

  private header(base: string | number): Header | undefined {
    if (base === 'link') return this.link ? HEADERS[this.link] : undefined;
    if (base === 'network') return this.network ? HEADERS[this.network] : undefined;
    if (base === 'transport') return HEADERS[this.transport ?? 'th'];
    return undefined;
  }

  /** Finds the field of a load; for link loads past the ethernet header, the 802.1Q header's. */
  private field(base: string | number, offset: number, length: number): { header: Header; field: HeaderField | undefined } | undefined {
    const header = this.header(base);
    if (!header) return undefined;
    const field = findField(header, offset * 8, length * 8, this.icmpType?.value);
    if (!field && header.name === 'ether' && this.vlan) return { header: HEADERS.vlan!, field: findField(HEADERS.vlan!, offset * 8, length * 8) };
    return { header, field };
  }

  /** A load nft names no field for: `{"payload": {"base": "nh", "offset": 8, "len": 8}}` (offsets in bits). */
  private rawPayload(base: string | number, offset: number, length: number): Operand {
    const name = RAW_BASES[String(base)] ?? this.fail(`payload base ${String(base)} is not one nft names`);
    return { json: { payload: { base: name, offset: offset * 8, len: length * 8 } }, type: plainInteger(length), length };
  }

  private payloadLoad(base: string | number, offset: number, length: number, dreg: number): void {
    const found = this.field(base, offset, length);
    if (!found?.field) {
      // Sub-byte fields (the bitwise that follows names them by its mask) or several fields at once
      // (the compare that follows splits); otherwise nft prints the load raw.
      const raw = this.rawPayload(base, offset, length);
      this.store(dreg, found ? { ...raw, pending: { header: found.header, offset: offset * 8, length: length * 8 } } : raw);
      return;
    }
    const { header, field } = found;
    // `icmpv6 mtu` implies `icmpv6 type packet-too-big`: nft leaves that match out.
    if (field.implies !== undefined && this.icmpType?.value === field.implies) {
      this.statements[this.icmpType.statement] = null;
      this.icmpType = undefined;
    }
    const op: Operand = { json: { payload: { protocol: header.name, field: field.name } }, type: field.type, length, uses: [this.usedHeader(header, field)] };
    if ((header.name === 'icmp' || header.name === 'icmpv6') && field.name === 'type') op.icmp = true;
    if (field.length > length * 8) op.prefix = length * 8;
    if (field.name === header.protocolKey) op.key = header.layer === 'link' ? 'ethertype' : 'ipproto';
    this.store(dreg, op);
  }

  private payloadWrite(base: string | number, offset: number, length: number, sreg: number): void {
    const op = this.operand(sreg);
    if (op.write && op.write.offset === offset * 8 && op.write.length === length * 8) {
      const { header, field, value } = op.write;
      this.consume(header);
      this.emit({ mangle: { key: { payload: { protocol: header.name, field: field.name } }, value: valueJson(field.type, value, this.ctx) } });
      return;
    }
    const found = this.field(base, offset, length);
    if (!found?.field || found.field.length !== length * 8) {
      const raw = this.rawPayload(base, offset, length);
      this.emit({ mangle: { key: raw.json, value: this.value(op, raw.type!) } });
      return;
    }
    this.consume(found.header);
    const key = { payload: { protocol: found.header.name, field: found.field.name } };
    this.emit({ mangle: { key, value: this.value(op, found.field.type) } });
  }

  /**
   * A header is used: the match that established its protocol was nft's dependency, so it goes. A
   * transport match in a payload (`ip protocol tcp`) goes only in ip and ip6 tables, as nft does;
   * icmp and icmpv6 also imply their network protocol.
   */
  private consume(header: Header): void {
    const drop = (protocol: string) => {
      const i = this.candidates.findIndex((c) => c.protocol === protocol);
      if (i < 0) return;
      const [c] = this.candidates.splice(i, 1);
      if (c!.removable) this.statements[c!.statement] = null;
    };
    drop(header.name);
    if (header.name === 'icmp') drop('ip');
    if (header.name === 'icmpv6') drop('ip6');
  }

  /** A `==` match on a protocol key: the context for later loads, and maybe a dependency. */
  private establish(key: ProtocolKey, data: Buffer, statement: number): void {
    let protocol: string | undefined;
    let layer: 'link' | 'network' | 'transport' | 'vlan';
    switch (key) {
      case 'nfproto': protocol = NETWORK_BY_NFPROTO[data[0]!]; layer = 'network'; break;
      case 'ethertype': protocol = data.length === 2 ? NETWORK_BY_ETHERTYPE[data.readUInt16BE(0)] : undefined; layer = protocol === 'vlan' ? 'vlan' : 'network'; break;
      case 'l4proto': case 'ipproto': protocol = TRANSPORT_BY_NUMBER[data[0]!]; layer = 'transport'; break;
      case 'iiftype': protocol = data.length === 2 && data.readUInt16LE(0) === 1 ? 'ether' : undefined; layer = 'link'; break;
    }
    if (protocol === undefined) return;
    if (layer === 'network') this.network = protocol;
    else if (layer === 'transport') this.transport = protocol;
    else if (layer === 'vlan') this.vlan = true;
    else this.link = protocol;
    // nft keeps `ip protocol tcp` before `tcp dport` in inet, bridge and netdev tables.
    const removable = key !== 'ipproto' || this.rule.family === 'ip' || this.rule.family === 'ip6';
    this.candidates.push({ protocol, layer, statement, removable });
  }

  /** What a register holds, as the value of a statement of `type`. */
  private value(op: Operand, type: Datatype): NftJsonValue {
    if (op.data) return valueJson(type, op.data, this.ctx);
    this.requireResolved(op);
    this.use(op);
    return op.masked ?? op.json;
  }

  private bitwise(e: BitwiseExpression): void {
    const op = this.operand(e.sreg);
    if ((e.op === 'lshift' || e.op === 'rshift') && e.data && e.data.length >= 4) return this.shift(e.op, e.data.readUInt32LE(0), op, e.dreg);
    if (e.op !== 'bool' || !e.mask || !e.xor) this.fail(`a bitwise ${String(e.op)} nlkit does not print yet`);
    const mask = e.mask;
    const xor = e.xor;
    if (isZero(xor) && op.maskedField) {
      const run = bitRun(mask);
      const named = run && op.maskedField(run[0], run[1]);
      if (!run || !named) this.fail('a masked load that matches no field nft names');
      this.store(e.dreg, { json: named.json, type: named.type, length: op.length, shift: op.length * 8 - run[0] - run[1], bits: run[1] });
      return;
    }
    const run = isZero(xor) ? bitRun(mask) : undefined;
    const named = run && op.pending?.header.fields.find((x) => x.offset === op.pending!.offset + run[0] && x.length === run[1]);
    if (op.pending && !named) {
      const write = this.maskedWrite(op.pending, mask, xor);
      if (write) {
        this.store(e.dreg, { json: null, length: op.length, write });
        return;
      }
    }
    if (run && named && op.pending) {
      const field = named;
      const header = op.pending.header;
      this.store(e.dreg, {
        uses: [this.usedHeader(header, field)],
        json: { payload: { protocol: header.name, field: field.name } }, type: field.type, length: op.length,
        shift: op.pending.length - run[0] - run[1], bits: run[1],
        ...(field.name === header.protocolKey ? { key: header.layer === 'link' ? 'ethertype' as const : 'ipproto' as const } : {}),
      });
      return;
    }
    this.requireResolved(op);
    const type = op.type ?? this.fail('a bitwise on immediate data');
    let result: Operand;
    if (isZero(xor)) {
      const and = { '&': [op.json, valueJson(type, mask, this.ctx)] };
      // A mask of leading ones (in the value's numeric order) is a prefix, as nft prints it in a match.
      const address = type.name === 'ipv4_addr' || type.name === 'ipv6_addr';
      // nft prints a prefix mask on meta and ct values as a prefix too, on other header fields as `&`.
      const prefixable = address || (!isBitmask(type) && !(op.json !== null && typeof op.json === 'object' && 'payload' in op.json));
      const prefix = prefixable && op.prefix === undefined && op.shift === undefined ? prefixLength(sortBytes(type, mask)) : undefined;
      if (prefix !== undefined && prefix > 0) result = { ...op, prefix, masked: and };
      else if (isBitmask(type)) result = { ...op, flagMask: mask, masked: and };
      else result = { json: and, type, length: op.length, ...(op.uses ? { uses: op.uses } : {}) };
    } else if (mask.every((b, i) => b === (~xor[i]! & 0xff))) {
      result = { json: { '|': [op.json, valueJson(type, xor, this.ctx)] }, type, length: op.length, ...(op.uses ? { uses: op.uses } : {}) };
    } else if (mask.every((b) => b === 0xff)) {
      result = { json: { '^': [op.json, valueJson(type, xor, this.ctx)] }, type, length: op.length, ...(op.uses ? { uses: op.uses } : {}) };
    } else if (mask.every((b, i) => (b & xor[i]!) === 0)) {
      // `(x & m) | v` is sent as mask m & ~v, xor v: nft prints the and with m again.
      const and = Buffer.from(mask.map((b, i) => b | xor[i]!));
      const json = { '|': [{ '&': [op.json, valueJson(type, and, this.ctx)] }, valueJson(type, xor, this.ctx)] };
      result = { json, type, length: op.length, ...(op.uses ? { uses: op.uses } : {}) };
    } else {
      this.fail('a bitwise with both a mask and an xor that is not its complement');
    }
    this.store(e.dreg, result);
  }

  /**
   * A shift. Right after the mask that named a sub-byte field, a right shift by the field's offset
   * (`ip dscp @dscps`: sets hold the values unshifted) leaves the field itself; otherwise `<<` / `>>`.
   */
  private shift(kind: 'lshift' | 'rshift', bits: number, op: Operand, dreg: number): void {
    if (kind === 'rshift' && op.shift !== undefined && op.shift === bits && op.bits !== undefined) {
      this.store(dreg, { ...op, shift: 0, rshift: bits });
      return;
    }
    this.requireResolved(op);
    const json = { [kind === 'lshift' ? '<<' : '>>']: [op.json, bits] };
    this.store(dreg, { json, ...(op.type ? { type: op.type } : {}), length: op.length, ...(op.uses ? { uses: op.uses } : {}) });
  }

  /** `byteorder hton` before a compare or a concatenated key: the value stays what it is, compared bytes are swapped. */
  private byteorder(e: ByteorderExpression): void {
    if (typeof e.op === 'number') this.fail(`byteorder op ${e.op}`);
    const op = this.operand(e.sreg);
    if (op.data) {
      this.store(e.dreg, { ...op, data: swapWords(op.data, e.size) });
      return;
    }
    this.store(e.dreg, { ...op, order: e.size });
  }

  /**
   * `(load & mask) ^ xor` where the mask keeps all bits but one field's and the xor sets that field: a
   * value for a payload write of those bytes (`ip dscp set cs1`, `vlan id set 20`).
   */
  private maskedWrite(pending: NonNullable<Operand['pending']>, mask: Buffer, xor: Buffer): Operand['write'] {
    const inverted = Buffer.from(mask.map((b) => ~b & 0xff));
    const run = bitRun(inverted);
    if (!run || xor.some((b, i) => (b & mask[i]!) !== 0)) return undefined;
    const field = pending.header.fields.find((x) => x.offset === pending.offset + run[0] && x.length === run[1]);
    if (!field) return undefined;
    const n = (toBigInt(xor) >> BigInt(pending.length - run[0] - run[1])) & ((1n << BigInt(run[1])) - 1n);
    return { header: pending.header, field, offset: pending.offset, length: pending.length, value: fromBigInt(n, field.type.length) };
  }

  /**
   * A compare of a load spanning several whole fields (`arp htype 1 arp ptype ip` is one 4-byte
   * compare): one match per field, as nft's payload_expr_expand splits it; false when the
   * fields do not tile the load.
   */
  private splitMatch(pending: NonNullable<Operand['pending']>, data: Buffer): boolean {
    const end = pending.offset + pending.length;
    const fields: HeaderField[] = [];
    for (let at = pending.offset; at < end;) {
      const here = pending.header.fields.filter((x) => x.offset === at && x.offset + x.length <= end);
      const field = here.find((x) => this.icmpType !== undefined && x.types?.includes(this.icmpType.value)) ?? here.find((x) => !x.types) ?? here[0];
      if (!field) return false;
      fields.push(field);
      at += field.length;
    }
    if (fields.length < 2 || data.length * 8 !== pending.length) return false;
    const all = toBigInt(data);
    for (const field of fields) {
      const n = (all >> BigInt(end - field.offset - field.length)) & ((1n << BigInt(field.length)) - 1n);
      const bytes = fromBigInt(n, field.type.length);
      this.consume(this.usedHeader(pending.header, field));
      const at = this.emit({ match: { op: '==', left: { payload: { protocol: pending.header.name, field: field.name } }, right: valueJson(field.type, bytes, this.ctx) } });
      if (field.name === pending.header.protocolKey) this.establish(pending.header.layer === 'link' ? 'ethertype' : 'ipproto', bytes, at);
      if ((pending.header.name === 'icmp' || pending.header.name === 'icmpv6') && field.name === 'type') this.icmpType = { value: bytes[0]!, statement: at };
    }
    return true;
  }

  /** One value compared with `op`: a sub-byte field's value is shifted down out of its loaded bytes. */
  private scalar(op: Operand, data: Buffer): NftJsonValue {
    const type = op.type!;
    if (op.shift !== undefined && op.bits !== undefined) {
      const n = (toBigInt(data) >> BigInt(op.shift)) & ((1n << BigInt(op.bits)) - 1n);
      return valueJson(type, fromBigInt(n, type.length), this.ctx);
    }
    return valueJson(type, data, this.ctx);
  }

  /** The right-hand side of a compare with `op`. */
  private right(op: Operand, data: Buffer): NftJsonValue {
    const type = op.type!;
    if (op.presence) return !isZero(data);
    if (op.prefix !== undefined) return prefixJson(type, data, op.prefix);
    if (op.shift !== undefined) return this.scalar(op, data);
    // `iifname "eth*"`: nft compares only the bytes before the wildcard.
    if (type.name === 'ifname' && data.length < type.length) return `${data.toString('utf8')}*`;
    // `ct original ip saddr 10.0.0.0/8`: only the prefix's bytes are compared.
    if ((type.name === 'ipv4_addr' || type.name === 'ipv6_addr') && data.length < type.length) return prefixJson(type, data, data.length * 8);
    if (data.length !== type.length) this.fail(`a ${data.length}-byte compare with a ${type.length}-byte ${type.name}`);
    return valueJson(type, data, this.ctx);
  }

  private cmp(e: CmpExpression): void {
    const op = this.operand(e.sreg);
    if (op.pending && e.op === 'eq' && this.splitMatch(op.pending, e.data)) return;
    this.requireResolved(op);
    this.use(op);
    if (!op.type) this.fail('a compare of immediate data');
    if (typeof e.op === 'number') this.fail(`cmp op ${e.op}`);
    let opName = CMP_OPS[e.op]!;
    let left = op.json;
    let right: NftJsonValue;
    if (op.flagMask) {
      if (e.op === 'neq' && isZero(e.data)) {
        opName = 'in';
        right = valueJson(op.type, op.flagMask, this.ctx);
      } else if (e.op === 'eq' && isZero(e.data)) {
        // `tcp flags ! fin,syn`: none of the flags set.
        opName = '!';
        right = valueJson(op.type, op.flagMask, this.ctx);
      } else {
        left = { '&': [op.json, valueJson(op.type, op.flagMask, this.ctx)] };
        right = valueJson(op.type, e.data, this.ctx);
      }
    } else {
      right = this.right(op, this.ownOrder(op, e.data));
    }
    const at = this.emit({ match: { op: opName, left, right } });
    if (e.op === 'eq' && op.key && !op.flagMask) this.establish(op.key, e.data, at);
    if (e.op === 'eq' && op.icmp && e.data.length === 1) this.icmpType = { value: e.data[0]!, statement: at };
  }

  private range(sreg: number, opName: string, from: Buffer, to: Buffer): void {
    const op = this.operand(sreg);
    this.requireResolved(op);
    if (!op.type || op.prefix !== undefined || op.flagMask) this.fail('a range over a masked value');
    this.use(op);
    this.emit({ match: { op: opName, left: op.json, right: { range: [this.scalar(op, this.ownOrder(op, from)), this.scalar(op, this.ownOrder(op, to))] } } });
  }

  /** `@name`, or the members of an anonymous set inline. */
  private setRef(name: string): { json: NftJsonValue; set: SetWithElements } {
    const set = this.ctx.set(this.rule.family, this.rule.table, name);
    if (!set) this.fail(`set ${name} is not in the listing`);
    if (!set.flags.includes('anonymous')) return { json: `@${name}`, set };
    const members = elementsJson(set, this.ctx, (x, what) => statefulJson(x, what, false), `${this.what} set ${name}`);
    return { json: { set: members }, set };
  }

  private lookup(name: string, sreg: number, dreg: number | undefined, invert: boolean): void {
    const ref = this.setRef(name);
    const set = ref.set;
    let json = ref.json;
    const first = this.registers.get(slot(sreg));
    const used: Operand[] = [];
    let key: NftJsonValue;
    if (first?.shift && first.bits !== undefined && first.type && set.flags.includes('anonymous') && set.keyLength === first.length) {
      // nft stores the members of a sub-byte field (`ip6 dscp { cs1, ef }`) as loaded, shifted up; printed shifted back.
      used.push(first);
      key = first.json;
      json = { set: shiftedMembersJson(set, first.type, first.shift, first.bits, this.ctx, `${this.what} set ${name}`) };
    } else {
      key = this.key(sreg, set.keyLength, used);
    }
    if (dreg === undefined) {
      used.forEach((op) => this.use(op));
      this.emit({ match: { op: invert ? '!=' : '==', left: key, right: json } });
    } else if (dreg === 0) {
      used.forEach((op) => this.use(op));
      this.emit({ vmap: { key, data: json } });
    } else {
      const data = typeof set.map === 'string' ? new KeyType(set.map, 'map data').parts[0] : undefined;
      const uses = used.flatMap((op) => op.uses ?? []);
      this.store(dreg, {
        json: { map: { key, data: json } }, ...(data ? { type: data } : {}), length: set.dataLength ?? 0, uses,
        mapData: { length: set.dataLength ?? 0, interval: set.dataInterval === true },
      });
    }
  }

  private reject(type: string | number, code: number | undefined): void {
    if (type === 'tcp-rst') {
      // nft drops the `meta l4proto tcp` it adds for `reject with tcp reset` in ip and ip6 tables only.
      if (this.rule.family === 'ip' || this.rule.family === 'ip6') this.dropCandidate('tcp');
      this.emit({ reject: { type: 'tcp reset' } });
      return;
    }
    if (type === 'icmpx-unreach') {
      this.emit({ reject: { type: 'icmpx', expr: codeName(ICMPX_CODES, code ?? 0) } });
      return;
    }
    if (type !== 'icmp-unreach') this.fail(`reject type ${type}`);
    const network = this.network;
    if (network !== 'ip' && network !== 'ip6') this.fail('an icmp reject without a known network protocol');
    if (this.rule.family !== 'ip' && this.rule.family !== 'ip6') this.dropCandidate(network);
    this.emit({ reject: network === 'ip' ? { type: 'icmp', expr: codeName(ICMP_CODES, code ?? 0) } : { type: 'icmpv6', expr: codeName(ICMPV6_CODES, code ?? 0) } });
  }

  private dropCandidate(protocol: string): void {
    const i = this.candidates.findIndex((c) => c.protocol === protocol);
    if (i < 0) return;
    this.statements[this.candidates[i]!.statement] = null;
    this.candidates.splice(i, 1);
  }

  /**
   * A register range as a nat address or port: one value, a prefix or a range; a map lookup as itself.
   * A port keeps the `meta l4proto` match nft requires for it; an address map uses its key as any map does.
   */
  private natRange(min: number | undefined, max: number | undefined, type: Datatype, port: boolean): NftJsonValue | undefined {
    if (min === undefined) return undefined;
    const low = this.operand(min);
    if (!low.data) {
      this.requireResolved(low);
      if (!port) this.use(low);
      return low.masked ?? low.json;
    }
    if (max === undefined || max === min) return valueJson(type, low.data, this.ctx);
    const high = this.operand(max);
    if (!high.data) this.fail('a nat range whose end is not a constant');
    return intervalJson(type, low.data, high.data, this.ctx);
  }

  /**
   * Whether a nat map's data hold the whole nat range: address intervals, or address and port (each
   * port in a 4-byte register), or intervals of both (nft's is_nat_addr_map, is_nat_proto_map).
   */
  private natMapFillsAll(data: NonNullable<Operand['mapData']>, addr: number): boolean {
    if (data.interval) return data.length === 2 * addr || data.length === 2 * (addr + 4);
    return data.length === addr + 4;
  }

  private natTail(addr: NftJsonValue | undefined, protoMin: number | undefined, protoMax: number | undefined, flags: readonly string[] | undefined): NftJsonValue {
    const out: { [k: string]: NftJsonValue } = {};
    if (addr !== undefined) out.addr = addr;
    const port = this.natRange(protoMin, protoMax, T.inet_service!, true);
    if (port !== undefined) out.port = port;
    // nft prints them in this order, whatever their bits.
    const order = ['random', 'fully-random', 'persistent', 'netmap'];
    const shown = (flags ?? []).filter((x) => x !== 'map-ips' && x !== 'proto-specified').sort((a, b) => order.indexOf(a) - order.indexOf(b));
    if (shown.some((x) => x.startsWith('0x'))) this.fail(`nat flags ${shown.join(',')}`);
    if (shown.length) out.flags = flagsJson(shown);
    // nft marks a netmap (`snat ip prefix to ...`) with type_flags too.
    if (shown.includes('netmap')) out.type_flags = 'prefix';
    return Object.keys(out).length ? out : null;
  }

  private nat(e: Extract<Expression, { kind: 'nat' }>): void {
    if (typeof e.type === 'number') this.fail(`nat type ${e.type}`);
    const addrType = e.family === 'ip6' ? T.ipv6_addr! : T.ipv4_addr!;
    const map = e.addrMin !== undefined ? this.operand(e.addrMin) : undefined;
    if (map?.mapData && this.natMapFillsAll(map.mapData, addrType.length)) {
      // The map's data are address and port, or intervals of them: nft prints the map as the address alone, with the family.
      this.use(map);
      const tail = this.natTail(undefined, undefined, undefined, e.flags) as { [k: string]: NftJsonValue } | null;
      this.emit({ [e.type]: { family: e.family, addr: map.json, ...(tail ?? {}) } });
      return;
    }
    const addr = this.natRange(e.addrMin, e.addrMax, addrType, false);
    const tail = this.natTail(addr, e.protoMin, e.protoMax, e.flags);
    const body: { [k: string]: NftJsonValue } = this.rule.family === 'inet' ? { family: e.family } : {};
    Object.assign(body, tail ?? {});
    this.emit({ [e.type]: Object.keys(body).length ? body : null });
  }

  /** `counter name tcp dport map @counters`: the object map's type names the statement. */
  private objrefMap(name: string, sreg: number): void {
    const { json, set } = this.setRef(name);
    if (typeof set.objectType !== 'string') this.fail(`map ${name} is not a map of objects nft names`);
    const used: Operand[] = [];
    const key = this.key(sreg, set.keyLength, used);
    used.forEach((op) => this.use(op));
    this.emit({ [set.objectType]: { map: { key, data: json } } });
  }

  /**
   * A dynamic set statement: `add @s { ip saddr }`; on an anonymous set with a statement, a meter;
   * with data, a map statement. nft 1.0.6 has no JSON for the map statement (it prints the rule's
   * text as a string, see docs/nftables.md): nlkit prints it as later nft versions do.
   */
  private dynset(e: Extract<Expression, { kind: 'dynset' }>): void {
    if (typeof e.op === 'number') this.fail(`dynset op ${e.op}`);
    const set = this.ctx.set(this.rule.family, this.rule.table, e.set) ?? this.fail(`set ${e.set} is not in the listing`);
    const used: Operand[] = [];
    let elem = this.key(e.sregKey, set.keyLength, used);
    if (e.timeout !== undefined && e.timeout !== 0) elem = { elem: { val: elem, timeout: Math.floor(e.timeout / 1000) } };
    const statements = (e.expressions ?? []).map((x) => statefulJson(x, this.what, true));
    if (e.sregData !== undefined) {
      const data = this.key(e.sregData, set.dataLength ?? 0, used);
      used.forEach((op) => this.use(op));
      const body: { [k: string]: NftJsonValue } = { op: e.op, elem, data, map: `@${e.set}` };
      if (statements.length) body.stmt = statements;
      this.emit({ map: body });
      return;
    }
    used.forEach((op) => this.use(op));
    if (statements.length && set.flags.includes('anonymous')) {
      this.emit({ meter: { key: elem, stmt: statements[0]!, size: set.size ?? 0, name: e.set } });
      return;
    }
    const body: { [k: string]: NftJsonValue } = { op: e.op, elem, set: `@${e.set}` };
    if (statements.length) body.stmt = statements;
    this.emit({ set: body });
  }
}

/** A rule's statements as nft's JSON prints them (`expr` of a rule). */
export function ruleStatements(rule: Rule, ctx: RuleRenderContext, what: string): NftJsonStatement[] {
  return new Delinearizer(rule, ctx, what).run();
}
