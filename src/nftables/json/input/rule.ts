// A rule's `expr` array from nft's JSON, linearized into nlkit's expressions the
// way nft 1.0.6 does it (src/evaluate.c for dependencies and byte order,
// src/netlink_linearize.c for registers): the rule builder's Linearizer tracks
// which protocols the rule established, so `meta l4proto tcp` before `tcp dport`
// and `meta nfproto ipv4` before `ip saddr` in inet tables come out once, where
// nft puts them.
import { ICMP_PORT_UNREACH } from '../../../generated/icmp.js';
import { ICMPV6_PORT_UNREACH } from '../../../generated/icmpv6.js';
import { ETH_P_IP, ETH_P_IPV6 } from '../../../generated/if_ether.js';
import { IPPROTO_TCP } from '../../../generated/in.js';
import { NFPROTO_IPV4, NFPROTO_IPV6 } from '../../../generated/netfilter.js';
import { NFT_PAYLOAD_L4CSUM_PSEUDOHDR, NFTA_DUP_SREG_ADDR, NFTA_DUP_SREG_DEV, NFTA_FWD_NFPROTO, NFTA_FWD_SREG_ADDR, NFTA_FWD_SREG_DEV, NFTA_TPROXY_FAMILY, NFTA_TPROXY_REG_ADDR, NFTA_TPROXY_REG_PORT, NFT_HASH_JENKINS, NFT_HASH_SYM, NFT_REG_1, NFTA_HASH_DREG, NFTA_HASH_LEN, NFTA_HASH_MODULUS, NFTA_HASH_OFFSET, NFTA_HASH_SEED, NFTA_HASH_SREG, NFTA_HASH_TYPE } from '../../../generated/nf_tables.js';
import { cmp, Linearizer, prefixMask, type Source } from '../../builder/linearizer.js';
import { natFlags as natFlagList, rule as ruleBuilder, type NatOptions } from '../../builder/rule-builder.js';
import type { CmpOp } from '../../expressions/cmp.js';
import type { CtDirection } from '../../expressions/ct.js';
import { LIMIT_UNITS, type LimitUnit } from '../../expressions/limit.js';
import type { LogFlag, LogLevel } from '../../expressions/log.js';
import type { NatFlag } from '../../expressions/nat-flags.js';
import type { ObjectType } from '../../expressions/objref.js';
import type { PayloadBase } from '../../expressions/payload.js';
import type { Expression } from '../../expressions/types.js';
import { ICMP_CODES, ICMPV6_CODES, ICMPX_CODES } from '../../objects/datatype-symbols.js';
import { datatype, DATATYPES, integerType, type Datatype, type ScalarValue } from '../../objects/datatypes.js';
import { FIB_ADDRTYPE_TYPE } from '../../builder/fields.js';
import type { ElementValue, SetElementInput } from '../../objects/elements.js';
import type { NftFamily } from '../../objects/family.js';
import type { TypeSpec } from '../../objects/set.js';
import { CT_KEYS, ctAddress, establishEthertype, establishNetworkKnown, loadInto, META_KEYS, PAYLOAD_FIELDS, rawPayload, register, slots, type Field } from './fields.js';
import { exthdr, resetOption } from './exthdr.js';
import * as loads from './kernel-loads.js';
import { systemNameNumber } from './system-names.js';
import { connlimit, synproxyExpression } from './kernel-statements.js';
import { rawExpression, type RawAttribute } from './raw-expression.js';
import { JsonNode, within } from './reader.js';
import { element, normalizeElements, rightValue, scalar, verdict, type RightValue } from './values.js';

/** An anonymous set a rule needs (`{"set": [...]}` on the right of a match or in a vmap). */
export interface AnonymousSetNeed {
  type: TypeSpec;
  map?: TypeSpec;
  objectType?: ObjectType;
  dataInterval?: boolean;
  interval: boolean;
  elements: SetElementInput[];
}

/** Where a rule goes, and how it gets the name of an anonymous set it needs. */
export interface RuleJsonContext {
  family: NftFamily;
  table: string;
  /** Queues an anonymous set and returns the name the rule's lookup uses. */
  anonymousSet(need: AnonymousSetNeed): string;
  /** The data type of a map the document defined earlier, when known (NAT through a map needs it). */
  setData?(name: string): TypeSpec | undefined;
  /** Whether a set the document defined earlier is an interval set (host-order keys are looked up big-endian). */
  interval?(name: string): boolean;
  /** Resolves an interface name to its index, for `meta iif "lo"` (nft resolves names in its own namespace). */
  interfaceIndex?(name: string): number;
  /** A rule writes to this set at packet time (`add @s { ... }`): nft flags such a set `dynamic`, which its JSON leaves out. */
  writtenByRule?(name: string): void;
}

/** A left-hand side: what is loaded, its type per concatenated part, and how. */
interface Left {
  name: string;
  parts: Datatype[];
  /** Bytes of each part in the registers (concatenations pad each to 4). */
  lengths: number[];
  /** Dependencies nft puts before the statement. */
  before(l: Linearizer): void;
  /** Loads the value into registers from `slot` on. */
  load(l: Linearizer, slot: number): void;
  /** A field narrower than its bytes, or `left & mask`: the mask applied after the load. */
  mask?: Buffer;
  /** `left | value`, `left ^ value`: the xor of the bitwise applied after the load. */
  xor?: Buffer;
  /** Values of a bit field shift left this far. */
  shift?: number;
  /** A single source, for protocol tracking and prefixes that shorten the load. */
  source?: Source;
  /** Matches `exists` / `missing` (JSON `true` / `false`), for expressions that have them. */
  presence?: (l: Linearizer, present: boolean) => void;
  /** A header or option named without a field: only its presence can be matched. */
  presenceOnly?: boolean;
  /** For concatenations: which parts nft holds in host byte order (swapped before an interval lookup). */
  hostOrder?: boolean[];
  /** Set before loading a concatenation for an interval lookup: swap the host-order parts. */
  swapHostOrder?: boolean;
  /** For fields a statement can write (`tcp option maxseg size set 1400`): the store from `sreg`. */
  store?: (sreg: number) => Expression;
}

const LEFT_KINDS = ['payload', 'meta', 'ct', 'fib', 'rt', 'socket', 'osf', 'ipsec', 'numgen', 'jhash', 'symhash', 'exthdr', 'tcp option', 'ip option', 'concat', '&', '|', '^', '>>', '<<'];

const CMP_OPS: Record<string, CmpOp> = { '==': 'eq', '!=': 'neq', '<': 'lt', '>': 'gt', '<=': 'lte', '>=': 'gte' };
const OPS = ['==', '!=', '<', '>', '<=', '>=', 'in', '!'];

function total(left: Left): number {
  return left.lengths.reduce((a, b) => a + b, 0);
}

/** A type as set keys name it: its own name when sets know it, else the sized integer or string it is. */
function setTypeName(type: Datatype): string {
  try {
    if (datatype(type.name, 'type').length === type.length) return type.name;
  } catch {
    // Not a set key type by that name: described by its size below.
  }
  if (type.text) return `string(${type.length * 8})`;
  return type.byteorder === 'host' ? `integer(${type.length * 8},host)` : `integer(${type.length * 8})`;
}

function typeSpec(left: Left): TypeSpec {
  // A bit field keys its set at the width of the bytes loaded around it (`ip6 dscp` in two bytes: `dscp(16)`).
  if (left.shift !== undefined && left.parts[0]!.length !== left.lengths[0]) return `${left.parts[0]!.name}(${left.lengths[0]! * 8})`;
  const names = left.parts.map(setTypeName);
  return names.length === 1 ? names[0]! : names;
}

/** Encodes `value` as `type` into `length` register bytes (a 2-byte zone in a 4-byte register keeps its low bytes). */
function encodeAs(type: Datatype, value: ScalarValue, length: number, what: string): Buffer {
  const bytes = type.encode(value, what);
  if (bytes.length === length) return bytes;
  const out = Buffer.alloc(length);
  bytes.copy(out, 0, 0, Math.min(bytes.length, length));
  return out;
}

/** A bit field's value moved to where the field sits in the loaded bytes. */
function shifted(bytes: Buffer, shift: number, length: number): Buffer {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  n <<= BigInt(shift);
  const out = Buffer.alloc(length);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

export class RuleLinearizer {
  private readonly l: Linearizer;

  constructor(private readonly context: RuleJsonContext) {
    this.l = new Linearizer({ family: context.family, table: context.table, anonymousSet: () => { throw new Error('unused'); } });
  }

  /** Anonymous interval sets this rule made. */
  private readonly intervalSets = new Set<string>();

  /**
   * Before a lookup in an interval set: nft stores host-order numbers big-endian there
   * (so the kernel's byte-wise ranges are numeric) and turns the key around first.
   */
  private lookupOrder(left: Left, set: string): void {
    if (left.parts.length > 1) return; // swapped part by part as they load (concatLookupOrder)
    const type = left.parts[0]!;
    if (left.parts.length !== 1 || type.byteorder !== 'host' || type.text || total(left) < 2) return;
    if (this.intervalSets.has(set) || this.context.interval?.(set)) this.emit(hton(total(left)));
  }

  /**
   * Before a concatenation is loaded for a lookup in an interval set: nft holds every host-order
   * part big-endian there, and swaps each right after its load (its byteorder for a 1-byte part says size 2).
   */
  private concatLookupOrder(left: Left, set: string): void {
    if (left.parts.length > 1 && left.hostOrder && (this.intervalSets.has(set) || this.context.interval?.(set))) left.swapHostOrder = true;
  }

  /** Payload loads of `field == value` matches, which nft merges when they are adjacent (payload_try_merge). */
  private readonly mergeable = new WeakSet<Expression>();

  /** Linearizes the statements of `expr` in order. */
  static linearize(expr: JsonNode, context: RuleJsonContext): Expression[] {
    const r = new RuleLinearizer(context);
    for (const statement of expr.items()) within(statement, () => r.statement(statement));
    return r.merged(r.l.out);
  }

  /**
   * `udp sport 547 udp dport 546` as nft sends it: equality matches on
   * adjacent header fields of the same header, one after the other, become one
   * load and one compare, as long as it stays within 4 bytes (`ip saddr . ip daddr` stay apart).
   */
  private merged(out: Expression[]): Expression[] {
    const result: Expression[] = [];
    for (let i = 0; i < out.length; i++) {
      const load = out[i]!;
      const joined = this.joinedBits(out, i);
      if (joined) {
        result.push(...joined);
        i += 5;
        continue;
      }
      if (!this.mergeable.has(load) || load.kind !== 'payload') {
        result.push(load);
        continue;
      }
      let merged = { ...load } as Expression & { kind: 'payload'; offset: number; length: number; base: unknown };
      let data = (out[i + 1] as { data: Buffer }).data;
      while (i + 3 < out.length) {
        const next = out[i + 2]!;
        if (!this.mergeable.has(next) || next.kind !== 'payload' || next.base !== merged.base || next.offset !== merged.offset + merged.length) break;
        // nft keeps loads of up to 4 bytes, which the kernel runs on its fast path, and merges only into such.
        if (merged.length + next.length > 4) break;
        data = Buffer.concat([data, (out[i + 3] as { data: Buffer }).data]);
        merged = { ...merged, length: merged.length + next.length };
        i += 2;
      }
      result.push(merged, cmp('eq', data));
      i++;
    }
    return result;
  }

  /**
   * `@nh,8,6 4 @nh,14,2 0`: two equality matches on raw bit fields of the same bytes
   * that cover them whole become one load and one compare, as nft merges them.
   */
  private joinedBits(out: Expression[], i: number): Expression[] | undefined {
    const [a, am, ac, b, bm, bc] = out.slice(i, i + 6) as (Expression & Record<string, any>)[];
    if (!a || !b || !am || !bm || !ac || !bc || !this.maskedMatches.has(ac) || !this.maskedMatches.has(bc)) return undefined;
    if (a.kind !== 'payload' || b.kind !== 'payload' || a.base !== b.base || a.offset !== b.offset || a.length !== b.length || a.dreg === undefined) return undefined;
    if (am.kind !== 'bitwise' || bm.kind !== 'bitwise' || ac.kind !== 'cmp' || bc.kind !== 'cmp' || ac.op !== 'eq' || bc.op !== 'eq') return undefined;
    const m1 = am.mask as Buffer;
    const m2 = bm.mask as Buffer;
    if (!m1.every((x, k) => (x & m2[k]!) === 0 && (x | m2[k]!) === 0xff)) return undefined;
    return [a, cmp('eq', Buffer.from((ac.data as Buffer).map((x, k) => x | (bc.data as Buffer)[k]!)))];
  }

  /** Compares of `field == value` on masked bit fields, which nft may join (joinedBits). */
  private readonly maskedMatches = new WeakSet<Expression>();

  private emit(...e: Expression[]): void {
    this.l.emit(...e);
  }

  /** The bitwise after a masked load (`ip dscp`, `tcp flags & ...`, `meta mark | 0x10`). */
  private applyMask(left: Left): void {
    if (left.mask || left.xor) {
      const length = total(left);
      this.emit(bitwise(length, left.mask ?? Buffer.alloc(length, 0xff), left.xor ? Buffer.from(left.xor) : undefined));
    }
  }

  // ---- left-hand sides -------------------------------------------------------------

  private left(node: JsonNode): Left {
    const [kind, inner] = node.single('an expression');
    switch (kind) {
      case 'payload': return this.single(this.payload(inner));
      case 'meta': {
        inner.object(['key']);
        const key = inner.at('key').string();
        const source = Object.hasOwn(META_KEYS, key) ? META_KEYS[key]! : inner.at('key').fail(`meta key "${key}" is not supported (known: ${Object.keys(META_KEYS).join(', ')})`);
        return this.single(source);
      }
      case 'ct': return this.single(this.ct(inner));
      case 'concat': {
        const parts = inner.items().map((p) => this.left(p));
        if (parts.length < 2) inner.fail('a concatenation needs at least two expressions');
        if (parts.some((p) => p.parts.length > 1)) inner.fail('a concatenation takes single fields');
        const concat: Left = {
          name: parts.map((p) => p.name).join(' . '),
          // nft takes meta and ct keys of one byte for host order too (its templates say so).
          hostOrder: parts.map((p) => !p.parts[0]!.text && (p.parts[0]!.byteorder === 'host' || (p.lengths[0] === 1 && /^(meta|ct) /.test(p.name)))),
          parts: parts.map((p) => p.parts[0]!),
          lengths: parts.map((p) => slots(p.lengths[0]!) * 4),
          before: (l) => parts.forEach((p) => p.before(l)),
          load: (l, slot) => {
            let at = slot;
            for (const [i, p] of parts.entries()) {
              p.load(l, at);
              const length = p.parts[0]!.length;
              if (concat.swapHostOrder && concat.hostOrder![i]) l.emit({ kind: 'byteorder', sreg: register(at), dreg: register(at), op: 'hton', length, size: length === 1 ? 2 : length });
              // A part narrower than its bytes (`ip ecn`) is masked in its own register.
              if (p.mask || p.xor) l.emit(bitwise(p.lengths[0]!, p.mask ?? Buffer.alloc(p.lengths[0]!, 0xff), p.xor, register(at)));
              at += slots(p.lengths[0]!);
            }
          },
        };
        return concat;
      }
      case '&': case '|': case '^': {
        const items = inner.items();
        if (items.length !== 2) inner.fail(`"${kind}" takes [expression, value]`);
        const [value, operand] = items as [JsonNode, JsonNode];
        const left = this.left(value);
        if (left.parts.length !== 1) value.fail(`"${kind}" applies to one field`);
        const bytes = this.encodeValue({ ...left, shift: undefined }, this.bitmaskValue(operand), operand);
        // nft folds a chain of &, | and ^ into one bitwise: reg = (reg & mask) ^ xor.
        const length = total(left);
        let mask = left.mask ? Buffer.from(left.mask) : Buffer.alloc(length, 0xff);
        let xor = left.xor ? Buffer.from(left.xor) : Buffer.alloc(length);
        if (kind === '&') {
          mask = Buffer.from(mask.map((m, i) => m & bytes[i]!));
          xor = Buffer.from(xor.map((x, i) => x & bytes[i]!));
        } else if (kind === '|') {
          mask = Buffer.from(mask.map((m, i) => m & ~bytes[i]! & 0xff));
          xor = Buffer.from(xor.map((x, i) => x | bytes[i]!));
        } else {
          xor = Buffer.from(xor.map((x, i) => x ^ bytes[i]!));
        }
        const out: Left = { ...left, mask, xor };
        delete out.shift;
        return out;
      }
      case '>>': case '<<': {
        // `meta mark >> 8`, `ip dscp >> 2` in a concatenation: the value (masked when it is a bit field) shifted in its register.
        const items = inner.items();
        if (items.length !== 2) inner.fail(`"${kind}" takes [expression, bits]`);
        const shiftedLeft = this.left(items[0]!);
        if (shiftedLeft.parts.length !== 1) items[0]!.fail(`"${kind}" applies to one field`);
        const bits = items[1]!.integer(shiftedLeft.lengths[0]! * 8 - 1);
        const length = shiftedLeft.lengths[0]!;
        const amount = Buffer.alloc(4);
        amount.writeUInt32LE(bits);
        return {
          name: `${shiftedLeft.name} ${kind} ${bits}`, parts: shiftedLeft.parts, lengths: shiftedLeft.lengths,
          before: (l) => shiftedLeft.before(l),
          load: (l, slot) => {
            shiftedLeft.load(l, slot);
            if (shiftedLeft.mask || shiftedLeft.xor) l.emit(bitwise(length, shiftedLeft.mask ?? Buffer.alloc(length, 0xff), shiftedLeft.xor, register(slot)));
            l.emit({ kind: 'bitwise', sreg: register(slot), dreg: register(slot), length, op: kind === '>>' ? 'rshift' : 'lshift', data: amount });
          },
        };
      }
      case 'fib': {
        inner.object(['result', 'flags']);
        const result = inner.at('result').oneOf(['oif', 'oifname', 'type'] as const);
        const flags = inner.at('flags').list().map((f) => f.oneOf(['saddr', 'daddr', 'mark', 'iif', 'oif'] as const));
        const type = result === 'type' ? FIB_ADDRTYPE_TYPE : result === 'oifname' ? DATATYPES.ifname! : DATATYPES.iface_index!;
        const left = this.single({ name: `fib ${flags.join(' . ')} ${result}`, type, length: type.length, load: () => ({ kind: 'fib', dreg: NFT_REG_1, result, flags }) });
        // `fib daddr oif exists` (JSON `true`): the lookup with the `present` flag yields 1 or 0.
        left.presence = (l, present) => {
          const value = Buffer.alloc(type.length);
          value.writeUInt32LE(present ? 1 : 0);
          l.emit({ kind: 'fib', dreg: NFT_REG_1, result, flags: [...flags, 'present'] }, cmp('eq', value));
        };
        return left;
      }
      case 'rt': return this.single(loads.rt(inner, this.context.family));
      case 'socket': return this.single(loads.socket(inner));
      case 'osf': return this.single(loads.osf(inner));
      case 'ipsec': return this.single(loads.ipsec(inner, this.context.family));
      case 'numgen': return this.single(loads.numgen(inner));
      case 'jhash': case 'symhash': return this.hash(kind, inner);
      case 'exthdr': case 'tcp option': case 'ip option': case 'sctp chunk': {
        const field = exthdr(kind, inner);
        const left = this.single(field);
        // `tcp option sack-perm exists` (JSON `true`): the presence flag loads 1 or 0.
        left.presence = (l, present) => l.emit(field.presence(NFT_REG_1), cmp('eq', Buffer.from([present ? 1 : 0])));
        left.store = (sreg) => field.store(sreg);
        if (field.whole) left.presenceOnly = true;
        return left;
      }
      default:
        return node.fail(`expression "${kind}" is not supported (supported: ${LEFT_KINDS.join(', ')})`);
    }
  }

  /**
   * `jhash ip saddr mod 2 seed 0x1 offset 10`, `symhash mod 2`: the hashed expression is loaded
   * one register further (nft's get_register), the hash lands where the value goes.
   */
  private hash(kind: 'jhash' | 'symhash', node: JsonNode): Left {
    node.object(kind === 'jhash' ? ['mod', 'seed', 'offset', 'expr'] : ['mod', 'offset']);
    const modulus = node.at('mod').integer(0xffffffff, 1);
    const offset = node.at('offset').optionalInteger(0xffffffff);
    const type = integerType('integer', 0, 4, 'host');
    if (kind === 'symhash') {
      return this.single({
        name: 'symhash', type, length: 4, load: () => { throw new Error('unused'); },
        loadAt: (dreg) => rawExpression('hash', [[NFTA_HASH_DREG, dreg], [NFTA_HASH_MODULUS, modulus], ...(offset ? [[NFTA_HASH_OFFSET, offset] as RawAttribute] : []), [NFTA_HASH_TYPE, NFT_HASH_SYM]]),
      });
    }
    const seed = node.at('seed').optionalInteger(0xffffffff);
    const hashed = this.left(node.at('expr'));
    const bytes = total(hashed);
    return {
      name: `jhash ${hashed.name}`, parts: [type], lengths: [4],
      before: (l) => hashed.before(l),
      load: (l, slot) => {
        const from = slot + 4;
        hashed.load(l, from);
        this.applyMask(hashed);
        l.emit(rawExpression('hash', [
          [NFTA_HASH_SREG, register(from)], [NFTA_HASH_DREG, register(slot)], [NFTA_HASH_LEN, bytes], [NFTA_HASH_MODULUS, modulus],
          ...(seed !== undefined ? [[NFTA_HASH_SEED, seed] as RawAttribute] : []), ...(offset ? [[NFTA_HASH_OFFSET, offset] as RawAttribute] : []),
          [NFTA_HASH_TYPE, NFT_HASH_JENKINS],
        ]));
      },
    };
  }

  private single(source: Field): Left {
    const left: Left = {
      name: source.name,
      parts: [source.type],
      lengths: [source.length],
      before: (l) => source.before?.(l),
      load: (l, slot) => l.emit(loadInto(source, source.length, slot)),
      source,
    };
    if (source.bits) {
      left.mask = source.bits.mask;
      left.shift = source.bits.shift;
    }
    return left;
  }

  private payload(node: JsonNode): Field {
    if (!node.at('protocol').isMissing()) {
      node.object(['protocol', 'field']);
      const protocol = node.at('protocol').string();
      const field = node.at('field').string();
      const fields = Object.hasOwn(PAYLOAD_FIELDS, protocol) ? PAYLOAD_FIELDS[protocol]! : node.at('protocol').fail(`protocol "${protocol}" is not supported (known: ${Object.keys(PAYLOAD_FIELDS).join(', ')})`);
      return Object.hasOwn(fields, field) ? fields[field]! : node.at('field').fail(`${protocol} has no field "${field}" (known: ${Object.keys(fields).join(', ')})`);
    }
    node.object(['base', 'offset', 'len']);
    const bases = { ll: 'link', nh: 'network', th: 'transport', ih: 'inner' } as const;
    const base = node.at('base').oneOf(Object.keys(bases) as (keyof typeof bases)[]);
    const length = node.at('len').integer(128, 1);
    return rawPayload(bases[base], node.at('offset').integer(0xffff * 8), length);
  }

  private ct(node: JsonNode): Source {
    node.object(['key', 'dir', 'family']);
    const key = node.at('key').string();
    const dir = node.at('dir').isMissing() ? undefined : node.at('dir').oneOf<CtDirection>(['original', 'reply']);
    const family = node.at('family').isMissing() ? undefined : node.at('family').oneOf(['ip', 'ip6'] as const);
    let source: Source | undefined;
    // nft 1.0.6 lists `ct original ip saddr` as the key "ip saddr"; a "family" beside a plain key means the same.
    const named = /^(ip6?) ([sd]addr)$/.exec(key);
    if (named) {
      source = ctAddress(named[2] as 'saddr' | 'daddr', named[1] as 'ip' | 'ip6', this.context.family);
    } else if (key === 'saddr' || key === 'daddr') {
      source = ctAddress(key, family, this.context.family);
      if (!source) return node.fail(`ct ${key} in an ${this.context.family} table needs "family": "ip" or "ip6"`);
    } else {
      source = Object.hasOwn(CT_KEYS, key) ? CT_KEYS[key] : undefined;
    }
    if (!source) {
      return node.at('key').fail(`ct key "${key}" is not supported (known: saddr, daddr, ip saddr, ip daddr, ip6 saddr, ip6 daddr, ${Object.keys(CT_KEYS).join(', ')})`);
    }
    if (dir === undefined) return source;
    const base = source;
    return { ...base, name: `ct ${dir} ${key}`, load: (bytes) => ({ ...(base.load(bytes) as object), direction: dir }) as Expression };
  }

  // ---- values ---------------------------------------------------------------------------

  /** A bitmask operand: one flag, `{"|": [...]}` or a list of flags, OR'ed. */
  private bitmaskValue(node: JsonNode): ScalarValue {
    const r = rightValue(node);
    if (r.form === 'value') return r.value;
    if (r.form === 'flags') return r.values.map(String).join('|');
    return node.fail('expected a value or a list of flags');
  }

  /** An interface given by name where the type holds an index (`meta iif "lo"`), through the caller's resolver. */
  private ifindex(type: Datatype, value: ScalarValue, node: JsonNode): ScalarValue {
    if (type.name !== 'iface_index' || typeof value !== 'string' || /^\d+$/.test(value)) return value;
    const resolve = this.context.interfaceIndex;
    if (!resolve) return node.fail(`interface "${value}" is given by name: pass the interfaceIndex option to resolve it (nft resolves it in its namespace)`);
    const index = within(node, () => resolve(value));
    if (!Number.isInteger(index) || index < 1 || index > 0xffffffff) return node.fail(`interfaceIndex("${value}") gave ${String(index)}, not an interface index`);
    return index;
  }

  private encodeValue(left: Left, given: ScalarValue, node: JsonNode): Buffer {
    const length = total(left);
    const type = left.parts[0]!;
    // nft's JSON gives durations in seconds (`ct expiration < 30`); nlkit's time type counts milliseconds.
    let value = type.name === 'time' && typeof given === 'number' ? given * 1000 : this.ifindex(type, given, node);
    if (typeof value === 'string' && !/^\d+$/.test(value)) value = systemValue(type, value);
    // An IPv4 address nft printed as a number (`igmp group`).
    if (type.name === 'ipv4_addr' && typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff) value = [24, 16, 8, 0].map((b) => (value as number) >>> b & 0xff).join('.');
    return within(node, () => {
      const bytes = encodeAs(type, value, left.shift !== undefined ? type.length : length, left.name);
      return left.shift !== undefined ? shifted(bytes, left.shift, length) : bytes;
    });
  }

  private encodeConcat(left: Left, values: ElementValue, node: JsonNode): Buffer {
    const list = Array.isArray(values) ? values : [values];
    if (list.length !== left.parts.length) node.fail(`${left.name} takes ${left.parts.length} values, got ${list.length}`);
    return Buffer.concat(list.map((v, i) => within(node, () => encodeAs(left.parts[i]!, this.ifindex(left.parts[i]!, v, node), left.lengths[i]!, left.name))));
  }

  /** The anonymous set of `{"set": [...]}` matched against `left`, or mapped from it (`map` data type). */
  private anonymous(left: Left, elements: JsonNode[], map?: TypeSpec | 'verdict', node?: JsonNode, objectType?: ObjectType): string {
    let parsed = elements.map((e) => this.withIndexes(left, element(e, objectType ? 'object' : map === undefined ? undefined : 'data', (name, n) => this.stateful(name, n)), e));
    // nft keys such a set by the field's bits where they sit in the loaded bytes (`ip dscp { cs1 }` holds 0x20).
    if (left.shift !== undefined) parsed = parsed.map((e, i) => this.shiftedKey(left, e, elements[i]!));
    within(node ?? new JsonNode(undefined, ''), () => normalizeElements(parsed, typeSpec(left), map === 'verdict' ? undefined : map));
    const keyOf = (e: SetElementInput) => (typeof e === 'object' && !Array.isArray(e) ? e.key : e);
    // nft makes the set an interval set when any key part is a range or a prefix.
    const interval = parsed.some((e) => {
      const key = keyOf(e);
      return (Array.isArray(key) ? key : [key]).some((part, i) => typeof part === 'string' && isInterval(part, left.parts[i]));
    });
    const need: AnonymousSetNeed = { type: typeSpec(left), interval, elements: parsed };
    if (map !== undefined) need.map = map;
    if (objectType !== undefined) need.objectType = objectType;
    // `{"prefix": ...}` or `{"range": ...}` as data: the map's data are intervals (nft's netmap-style NAT).
    if (map !== undefined && elements.some((e) => Array.isArray(e.value) && isIntervalValue(e.value[1]))) need.dataInterval = true;
    const name = this.context.anonymousSet(need);
    if (interval) this.intervalSets.add(name);
    return name;
  }

  /** An element of a set keyed by a bit field, its key moved to where the field sits (written as the raw register value). */
  private shiftedKey(left: Left, input: SetElementInput, node: JsonNode): SetElementInput {
    if (!left.shift) return input;
    const full = typeof input === 'object' && !Array.isArray(input) ? input : { key: input };
    if (Array.isArray(full.key)) return node.fail(`${left.name} takes single values`);
    const raw = (v: ScalarValue) => `0x${this.encodeValue(left, numberish(String(v)), node).toString('hex')}`;
    const dash = typeof full.key === 'string' ? full.key.indexOf('-', 1) : -1;
    const key = dash > 0 && isInterval(full.key as string, left.parts[0]) ? `${raw((full.key as string).slice(0, dash))}-${raw((full.key as string).slice(dash + 1))}` : raw(full.key);
    return typeof input === 'object' && !Array.isArray(input) ? { ...full, key } : key;
  }

  /** An element whose key names interfaces where the key holds indexes, with the names resolved. */
  private withIndexes(left: Left, input: SetElementInput, node: JsonNode): SetElementInput {
    if (!left.parts.some((p) => p.name === 'iface_index')) return input;
    const full = typeof input === 'object' && !Array.isArray(input) ? input : { key: input };
    const parts = Array.isArray(full.key) ? full.key : [full.key];
    const key = parts.map((v, i) => this.ifindex(left.parts[i]!, v, node));
    return { ...full, key: Array.isArray(full.key) ? key : key[0]! };
  }

  // ---- statements ----------------------------------------------------------------------

  private statement(node: JsonNode): void {
    const [kind, inner] = node.single('a statement');
    switch (kind) {
      case 'match': return this.match(inner);
      case 'accept': case 'drop': case 'continue': case 'return': case 'jump': case 'goto':
        this.emit({ kind: 'immediate', dreg: 0, verdict: verdict(node) });
        return;
      case 'counter': case 'quota': case 'limit':
        this.emit(...this.stateful(kind, inner));
        return;
      case 'ct count': return this.ctCount(inner);
      case 'dup': return this.dup(inner);
      case 'fwd': return this.fwd(inner);
      case 'tproxy': return this.tproxy(inner);
      case 'synproxy': case 'ct helper': case 'ct timeout': case 'ct expectation': case 'secmark':
        // `ct helper set tcp dport map { 21 : "ftp" }`: the object looked up by key.
        if (inner.isObject() && Object.keys(inner.value as object)[0] === 'map' && Object.keys(inner.value as object).length === 1) return this.objectMap(kind as ObjectType, inner.at('map'));
        if (kind === 'synproxy' && typeof inner.value !== 'string') return this.synproxy(inner);
        if (typeof inner.value !== 'string') inner.fail(`expected the name of a ${kind} object, or {"map": ...}`);
        this.emit({ kind: 'objref', objectType: kind as ObjectType, name: inner.string() });
        return;
      case 'log': return this.log(inner);
      case 'reject': return this.reject(inner);
      case 'notrack':
        this.emit({ kind: 'notrack' });
        return;
      case 'mangle': return this.mangle(inner);
      case 'set': return this.dynset(inner);
      case 'reset': this.emit(resetOption(inner)); return;
      case 'vmap': return this.mapLookup(inner, 'verdict');
      case 'masquerade': case 'redirect': return this.masqueradeOrRedirect(kind, inner);
      case 'snat': case 'dnat': return this.nat(kind, inner);
      default:
        return node.fail(`statement "${kind}" is not supported yet`);
    }
  }

  private match(node: JsonNode): void {
    node.object(['op', 'left', 'right']);
    const op = node.at('op').oneOf(OPS);
    const left = this.left(node.at('left'));
    const rightNode = node.at('right');
    if (typeof rightNode.value === 'boolean' && (left.presence || left.parts[0]!.name !== 'boolean')) {
      if (!left.presence) return rightNode.fail(`${left.name} has no exists/missing`);
      if (op !== '==' && op !== 'in' && op !== '!=') return rightNode.fail(`exists/missing takes == or !=, not ${op}`);
      left.before(this.l);
      left.presence(this.l, op === '!=' ? !rightNode.value : rightNode.value);
      return;
    }
    if (left.presenceOnly) return rightNode.fail(`${left.name} without a field matches only exists (true) or missing (false)`);
    const right = rightValue(rightNode);
    left.before(this.l);
    const length = total(left);
    const type = left.parts[0]!;
    const bitmask = left.parts.length === 1 && /^(ct_state|ct_status|tcp_flag|ct_label|ct_event)$/.test(type.name);
    switch (right.form) {
      case 'value': case 'flags': case 'concat': {
        let value: Buffer;
        if (right.form === 'value' && type.text && typeof right.value === 'string' && /(^|[^\\])\*$/.test(right.value) && !left.mask) {
          // `iifname "eth*"`: a trailing * matches names starting with the rest, compared without the padding.
          const stem = Buffer.from(right.value.slice(0, -1).replace(/\\\*/g, '*'));
          if (stem.length === 0 || stem.length >= length) return rightNode.fail(`"${right.value}" is not a usable wildcard for ${left.name}`);
          left.load(this.l, 0);
          this.emit(cmp(op === '!=' ? 'neq' : 'eq', stem));
          return;
        }
        if (right.form === 'concat') value = this.encodeConcat(left, right.values, rightNode);
        else if (left.parts.length > 1) return rightNode.fail(`${left.name} needs a concatenation of values`);
        else value = this.encodeValue(left, right.form === 'value' ? right.value : right.values.map(String).join('|'), rightNode);
        if (op === '!') {
          // `tcp flags ! fin,syn`: none of these bits set.
          if (!bitmask || left.mask) return node.at('op').fail(`"!" (none of these flags) applies to flags (ct state, ct status, tcp flags), not ${left.name}`);
          left.load(this.l, 0);
          this.emit(bitwise(length, value), cmp('eq', Buffer.alloc(length)));
          return;
        }
        // nft matches flags (`ct state established,related`, or one flag without ==) as "any of these bits set".
        if (bitmask && !left.mask && (op === 'in' || right.form === 'flags' && op !== '==' && op !== '!=')) {
          left.load(this.l, 0);
          this.emit(bitwise(length, value), cmp('neq', Buffer.alloc(length)));
          return;
        }
        if (right.form === 'flags' && !bitmask) return rightNode.fail(`a list of values applies to flags (ct state, ct status, tcp flags), not ${left.name}; use {"set": [...]}`);
        const relation = op === 'in' ? 'eq' : CMP_OPS[op]!;
        const ordered = relation !== 'eq' && relation !== 'neq';
        left.load(this.l, 0);
        this.applyMask(left);
        if (ordered && type.byteorder === 'host' && length > 1) {
          // cmp compares bytes: nft turns host-order values big-endian first.
          this.emit(hton(length));
          value = Buffer.from(value).reverse();
        }
        this.emit(cmp(relation, value));
        // nft joins raw payload matches (`@nh,8,6 4 @nh,14,2 0`), not named header fields.
        if (relation === 'eq' && left.mask && !left.xor && left.source && left.shift !== undefined && left.name.startsWith('@')) this.maskedMatches.add(this.l.out[this.l.out.length - 1]!);
        if (relation === 'eq' && !left.mask && !left.xor && left.parts.length === 1 && left.source && !(ordered && type.byteorder === 'host')) {
          const out = this.l.out;
          if (out[out.length - 2]?.kind === 'payload') this.mergeable.add(out[out.length - 2]!);
        }
        this.establish(left, op, value);
        return;
      }
      case 'prefix': return this.prefix(left, op, right, rightNode);
      case 'range': {
        if (op !== '==' && op !== '!=' && op !== 'in') rightNode.fail(`a range takes == or !=, not ${op}`);
        let from = this.encodeValue(left, right.from, rightNode);
        let to = this.encodeValue(left, right.to, rightNode);
        left.load(this.l, 0);
        this.applyMask(left);
        if (type.byteorder === 'host' && length > 1) {
          this.emit(hton(length));
          from = Buffer.from(from).reverse();
          to = Buffer.from(to).reverse();
        }
        if (Buffer.compare(from, to) > 0) rightNode.fail('the range starts after it ends');
        if (op === '!=') this.emit({ kind: 'range', sreg: NFT_REG_1, op: 'neq', from, to });
        else this.emit(cmp('gte', from), cmp('lte', to));
        return;
      }
      case 'set': case 'anonymous': {
        if (op !== '==' && op !== '!=' && op !== 'in') rightNode.fail(`a set lookup takes ==, != or in, not ${op}`);
        const set = right.form === 'set' ? right.name : this.anonymous(left, right.elements, undefined, rightNode);
        this.concatLookupOrder(left, set);
        left.load(this.l, 0);
        this.applyMask(left);
        // A named set of `dscp` holds the values themselves: the field is shifted down to them (an anonymous one holds them in place).
        if (right.form === 'set' && left.shift) this.emit(shiftRight(total(left), left.shift));
        this.lookupOrder(left, set);
        this.emit({ kind: 'lookup', set, sreg: NFT_REG_1, invert: op === '!=' });
        return;
      }
    }
  }

  private prefix(left: Left, op: string, right: RightValue & { form: 'prefix' }, node: JsonNode): void {
    if (op !== '==' && op !== '!=' && op !== 'in') node.fail(`a prefix takes == or !=, not ${op}`);
    if (left.parts.length !== 1 || left.mask) node.fail(`${left.name} takes no prefix`);
    const length = total(left);
    const full = this.encodeValue(left, right.address, node);
    const bits = length * 8;
    if (right.length > bits) node.fail(`prefix /${right.length} is longer than ${left.name}'s ${bits} bits`);
    const relation = op === '!=' ? 'neq' : 'eq';
    if (left.parts[0]!.byteorder === 'host' && length > 1 && right.length < bits) {
      // `ct mark 0x10000/16`: the high bits of a host-order number, masked where they sit in host order.
      const mask = Buffer.from(prefixMask(length, right.length)).reverse();
      left.load(this.l, 0);
      this.emit(bitwise(length, mask), cmp(relation, Buffer.from(full.map((b, i) => b & mask[i]!))));
      return;
    }
    if (right.length === bits) {
      left.load(this.l, 0);
      this.emit(cmp(relation, full));
    } else if (right.length > 0 && right.length % 8 === 0 && left.source) {
      // A whole-byte prefix needs no mask: nft loads just those bytes.
      this.l.emit(loadInto(left.source, right.length / 8, 0));
      this.emit(cmp(relation, full.subarray(0, right.length / 8)));
    } else {
      const mask = prefixMask(length, right.length);
      left.load(this.l, 0);
      this.emit(bitwise(length, mask), cmp(relation, Buffer.from(full.map((b, i) => b & mask[i]!))));
    }
  }

  /** After `ip protocol tcp`, `meta nfproto ipv4`...: the protocol is known, and nft adds no dependency for it. */
  private establish(left: Left, op: string, value: Buffer): void {
    if ((op !== '==' && op !== 'in') || left.mask || !left.source) return;
    const name = left.source.name;
    if (name === 'ip protocol' || name === 'ip6 nexthdr' || name === 'meta l4proto') this.l.establishTransport(value[0]!);
    else if (name === 'meta nfproto') {
      this.l.establishNetwork(value[0] === NFPROTO_IPV6 ? 'ip6' : 'ip');
      establishNetworkKnown(this.l);
    }
    else if (name === 'meta protocol' || name === 'ether type') {
      const ethertype = value.readUInt16BE(0);
      if (name === 'ether type') establishEthertype(this.l, ethertype);
      if (ethertype === ETH_P_IP || ethertype === ETH_P_IPV6) {
        this.l.establishNetwork(ethertype === ETH_P_IP ? 'ip' : 'ip6');
        establishNetworkKnown(this.l);
      }
    }
  }

  /** `counter`, `quota`, `limit`: anonymous (an object of values, or null) or a named object (a string). */
  stateful(kind: string, node: JsonNode): Expression[] {
    if (typeof node.value === 'string') return [{ kind: 'objref', objectType: kind as ObjectType, name: node.string() }];
    if (node.isObject() && Object.keys(node.value as object)[0] === 'map' && ['counter', 'quota', 'limit'].includes(kind)) {
      // `counter name tcp dport map { 80 : "c1" }`: the object is looked up by key (objref through a map).
      this.objectMap(kind as ObjectType, node.at('map'));
      return [];
    }
    switch (kind) {
      case 'ct count': return [connlimit(node)];
      case 'counter': {
        if (node.value === null) return [{ kind: 'counter', packets: 0, bytes: 0 }];
        node.object(['packets', 'bytes']);
        return [{ kind: 'counter', packets: node.at('packets').optionalInteger() ?? 0, bytes: node.at('bytes').optionalInteger() ?? 0 }];
      }
      case 'quota': {
        node.object(['val', 'val_unit', 'used', 'used_unit', 'inv']);
        const over = node.at('inv').isMissing() ? false : node.at('inv').boolean();
        return [{ kind: 'quota', bytes: bytes(node.at('val'), node.at('val_unit')), over, consumed: node.at('used').isMissing() ? 0 : bytes(node.at('used'), node.at('used_unit')) }];
      }
      case 'limit': {
        node.object(['rate', 'per', 'burst', 'rate_unit', 'burst_unit', 'inv']);
        const per = node.at('per').isMissing() ? 'second' : node.at('per').oneOf(Object.keys(LIMIT_UNITS) as LimitUnit[]);
        const rateUnit = node.at('rate_unit');
        const byteRate = !rateUnit.isMissing() && rateUnit.value !== 'packets';
        const rate = byteRate ? bytes(node.at('rate'), rateUnit) : node.at('rate').integer(Number.MAX_SAFE_INTEGER, 1);
        const burstNode = node.at('burst');
        const burst = burstNode.isMissing() ? (byteRate ? 0 : 5) : byteRate ? bytes(burstNode, node.at('burst_unit')) : burstNode.integer(0xffffffff);
        const invert = node.at('inv').isMissing() ? false : node.at('inv').boolean();
        return [{ kind: 'limit', rate, unit: LIMIT_UNITS[per], burst, type: byteRate ? 'bytes' : 'packets', invert }];
      }
      default:
        return node.fail(`"${kind}" is not a stateful statement (counter, quota, limit, ct count)`);
    }
  }

  /** `ct count over 10`: `{"ct count": {"val": 10, "inv": true}}` (connlimit). */
  private ctCount(node: JsonNode): void {
    this.emit(connlimit(node));
  }

  /** An immediate value of `type` into `reg`, an interface name resolved to its index. */
  private immediate(type: Datatype, node: JsonNode, reg: number): void {
    const value = this.ifindex(type, scalar(node), node);
    this.emit({ kind: 'immediate', dreg: reg, data: within(node, () => encodeAs(type, value, type.length, type.name)) });
  }

  /** An address for dup/fwd/tproxy: of the family `family` names, else of the table's, else as written. */
  private addressType(node: JsonNode, family: 'ip' | 'ip6' | undefined): Datatype {
    const fam = family ?? (this.context.family === 'ip' || this.context.family === 'ip6' ? this.context.family : typeof node.value === 'string' && node.value.includes(':') ? 'ip6' : 'ip');
    return fam === 'ip' ? DATATYPES.ipv4_addr! : DATATYPES.ipv6_addr!;
  }

  /** `dup to 10.0.0.1 device "eth0"`, `dup to ip daddr map { ... }`, `dup to "eth0"` (netdev). */
  private dup(node: JsonNode): void {
    node.object(['addr', 'dev']);
    const attributes: RawAttribute[] = [];
    let reg = NFT_REG_1;
    let addr = node.at('addr');
    let dev = node.at('dev');
    // In netdev tables nft's JSON gives `dup to "eth0"` as "addr".
    if (this.context.family === 'netdev' && dev.isMissing()) [addr, dev] = [dev, addr];
    if (!addr.isMissing()) {
      const type = this.addressType(addr, undefined);
      if (addr.isObject() && Object.keys(addr.value as object)[0] === 'map') this.mapLookup(addr.at('map'), type.name);
      else this.immediate(type, addr, reg);
      attributes.push([NFTA_DUP_SREG_ADDR, reg]);
      reg++;
    }
    if (!dev.isMissing()) {
      this.immediate(DATATYPES.iface_index!, dev, reg);
      attributes.push([NFTA_DUP_SREG_DEV, reg]);
    }
    if (!attributes.length) node.fail('dup needs "addr" or "dev"');
    this.emit(rawExpression('dup', attributes));
  }

  /** `fwd to "eth0"`, `fwd ip to 192.0.2.1 device "eth0"` (netdev). */
  private fwd(node: JsonNode): void {
    node.object(['dev', 'family', 'addr']);
    this.immediate(DATATYPES.iface_index!, node.at('dev'), NFT_REG_1);
    const attributes: RawAttribute[] = [[NFTA_FWD_SREG_DEV, NFT_REG_1]];
    const addr = node.at('addr');
    if (!addr.isMissing()) {
      const family = node.at('family').oneOf(['ip', 'ip6'] as const);
      this.immediate(this.addressType(addr, family), addr, NFT_REG_1 + 1);
      attributes.push([NFTA_FWD_SREG_ADDR, NFT_REG_1 + 1], [NFTA_FWD_NFPROTO, family === 'ip' ? NFPROTO_IPV4 : NFPROTO_IPV6]);
    } else if (!node.at('family').isMissing()) node.at('family').fail('a family goes with "addr"');
    this.emit(rawExpression('fwd', attributes));
  }

  /** `tproxy ip to 127.0.0.1:8080`, `tproxy to :8080`. */
  private tproxy(node: JsonNode): void {
    node.object(['family', 'addr', 'port']);
    const familyNode = node.at('family');
    const family = familyNode.isMissing() ? undefined : familyNode.oneOf(['ip', 'ip6'] as const);
    const tableFamily = this.context.family === 'ip' || this.context.family === 'ip6' ? this.context.family : undefined;
    const fam = family ?? tableFamily;
    const attributes: RawAttribute[] = [[NFTA_TPROXY_FAMILY, fam === 'ip' ? NFPROTO_IPV4 : fam === 'ip6' ? NFPROTO_IPV6 : 0]];
    let reg = NFT_REG_1;
    const addr = node.at('addr');
    if (!addr.isMissing()) {
      if (!fam) familyNode.fail(`tproxy to an address in an ${this.context.family} table needs "family": "ip" or "ip6"`);
      this.immediate(this.addressType(addr, fam), addr, reg);
      attributes.push([NFTA_TPROXY_REG_ADDR, reg]);
      reg++;
    }
    const port = node.at('port');
    if (!port.isMissing()) {
      this.immediate(DATATYPES.inet_service!, port, reg);
      attributes.push([NFTA_TPROXY_REG_PORT, reg]);
    }
    if (addr.isMissing() && port.isMissing()) node.fail('tproxy needs "addr" or "port"');
    this.emit(rawExpression('tproxy', attributes));
  }

  /** `synproxy mss 1460 wscale 7 timestamp sack-perm` without a named object. */
  private synproxy(node: JsonNode): void {
    this.emit(synproxyExpression(node));
  }

  private log(node: JsonNode): void {
    if (node.value === null) {
      this.emit({ kind: 'log', level: 'warn' });
      return;
    }
    node.object(['prefix', 'level', 'group', 'snaplen', 'queue-threshold', 'flags']);
    const e: Expression & { kind: 'log' } = { kind: 'log' };
    const prefix = node.at('prefix').optionalString();
    if (prefix !== undefined) e.prefix = prefix;
    const group = node.at('group').optionalInteger(0xffff);
    if (group !== undefined) e.group = group;
    const snaplen = node.at('snaplen').optionalInteger(0xffffffff);
    if (snaplen !== undefined) e.snaplen = snaplen;
    const threshold = node.at('queue-threshold').optionalInteger(0xffff);
    if (threshold !== undefined) e.qthreshold = threshold;
    const levels: LogLevel[] = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug', 'audit'];
    if (!node.at('level').isMissing()) e.level = node.at('level').oneOf(levels);
    else if (group === undefined) e.level = 'warn';
    if (!node.at('flags').isMissing()) {
      const all: LogFlag[] = ['tcp sequence', 'tcp options', 'ip options', 'skuid', 'ether'];
      const flags = node.at('flags').list().flatMap((f) => (f.value === 'all' ? all : [f.oneOf(all)]));
      e.flags = all.filter((f) => flags.includes(f));
    }
    this.emit(e);
  }

  private reject(node: JsonNode): void {
    const family = this.context.family;
    if (node.value === null) {
      // Without `with`, nft picks the family's ICMP port unreachable (icmpx in inet, bridge and netdev).
      if (family === 'ip') this.emit({ kind: 'reject', type: 'icmp-unreach', code: ICMP_PORT_UNREACH });
      else if (family === 'ip6') this.emit({ kind: 'reject', type: 'icmp-unreach', code: ICMPV6_PORT_UNREACH });
      else this.emit({ kind: 'reject', type: 'icmpx-unreach', code: ICMPX_CODES['port-unreachable']! });
      return;
    }
    node.object(['type', 'expr']);
    const type = node.at('type').oneOf(['tcp reset', 'icmpx', 'icmp', 'icmpv6']);
    if (type === 'tcp reset') {
      this.l.requireTransport(IPPROTO_TCP);
      this.emit({ kind: 'reject', type: 'tcp-rst' });
      return;
    }
    const codes = type === 'icmpx' ? ICMPX_CODES : type === 'icmp' ? ICMP_CODES : ICMPV6_CODES;
    const codeNode = node.at('expr');
    const code = codeNode.isMissing() ? codes['port-unreachable']! : typeof codeNode.value === 'number' ? codeNode.integer(255) : Object.hasOwn(codes, codeNode.string()) ? codes[codeNode.string()]! : codeNode.fail(`"${codeNode.value}" is not an ${type} code (${Object.keys(codes).join(', ')})`);
    if (type === 'icmpx') {
      this.emit({ kind: 'reject', type: 'icmpx-unreach', code });
      return;
    }
    // An ICMP reject names the network protocol: in tables of several nft first matches it.
    this.l.requireNetwork(type === 'icmp' ? 'ip' : 'ip6', `reject with ${type}`);
    this.emit({ kind: 'reject', type: 'icmp-unreach', code });
  }

  private mangle(node: JsonNode): void {
    node.object(['key', 'value']);
    const [kind] = node.at('key').single('a meta, ct, payload or option key');
    if (kind === 'payload') return this.payloadWrite(node);
    if (!['meta', 'ct', 'exthdr', 'tcp option', 'ip option', 'sctp chunk'].includes(kind)) node.at('key').fail(`setting ${kind} is not supported (meta, ct, payload and tcp option keys are)`);
    const key = this.left(node.at('key'));
    if (key.store) return this.optionWrite(key, node.at('value'));
    const source = key.source!;
    const loaded = source.load(key.lengths[0]!) as { key: string; direction?: string };
    // `meta mark set 0x10`, `meta mark set ct mark`, `meta mark set ip saddr map { ... }`: the value lands in register 1.
    this.writeValue(key, node.at('value'));
    const set = { kind, key: loaded.key, sreg: NFT_REG_1, ...(loaded.direction ? { direction: loaded.direction } : {}) };
    this.emit(set as Expression);
  }

  /**
   * The value of a write into register 1: immediate, looked up in a map, or loaded
   * (`tcp option maxseg size set rt mtu`, turned to the key's byte order first).
   */
  private writeValue(key: Left, valueNode: JsonNode): void {
    if (valueNode.isObject() && Object.keys(valueNode.value as object)[0] === 'map') {
      this.mapLookup(valueNode.at('map'), typeSpec(key));
    } else if (valueNode.isObject() && !('concat' in (valueNode.value as object))) {
      const value = this.left(valueNode);
      value.before(this.l);
      value.load(this.l, 0);
      this.applyMask(value);
      const from = value.parts[0]!;
      if (from.byteorder === 'host' && key.parts[0]!.byteorder === 'big' && total(value) > 1) this.emit(hton(total(value)));
    } else {
      const value = this.bitmaskValue(valueNode);
      this.emit({ kind: 'immediate', dreg: NFT_REG_1, data: this.encodeValue(key, value, valueNode) });
    }
  }

  /**
   * `ip ttl set 64`, `ip dscp set cs1`, `tcp dport set 80`: the value in register 1 and a
   * payload store that fixes the header's checksum. A field that does not cover whole
   * checksummed 16-bit words, or whole bytes, is read, masked and xored in first
   * (nft's payload_stmt RMW), so the store rewrites whole words.
   */
  private payloadWrite(node: JsonNode): void {
    const keyNode = node.at('key').at('payload');
    const field = this.payload(keyNode);
    const key = this.single(field);
    const load = field.load(field.length) as { base: PayloadBase; offset: number; length: number };
    const protocol = keyNode.at('protocol').isMissing() ? undefined : keyNode.at('protocol').string();
    const checksum = protocol !== undefined && Object.hasOwn(CHECKSUMS, protocol) ? CHECKSUMS[protocol]! : undefined;
    // Addresses are part of the layer 4 pseudo header: their checksums change too.
    const pseudo = (protocol === 'ip' || protocol === 'ip6') && /^[sd]addr$/.test(keyNode.at('field').string()) ? NFT_PAYLOAD_L4CSUM_PSEUDOHDR : 0;
    let start = load.offset;
    let end = load.offset + load.length;
    if (checksum?.type === 'inet') {
      start &= ~1;
      end = (end + 1) & ~1;
    }
    const valueNode = node.at('value');
    key.before(this.l);
    if (field.bits || start !== load.offset || end !== load.offset + load.length) {
      const value = this.encodeValue(key, this.bitmaskValue(valueNode), valueNode);
      const length = end - start;
      const mask = Buffer.alloc(length, 0xff);
      const xor = Buffer.alloc(length);
      const at = load.offset - start;
      for (let i = 0; i < load.length; i++) {
        const bits = field.bits ? field.bits.mask[i]! : 0xff;
        mask[at + i] = ~bits & 0xff;
        xor[at + i] = value[i]! & bits;
      }
      this.emit({ kind: 'payload', base: load.base, offset: start, length, dreg: NFT_REG_1 }, bitwise(length, mask, xor));
    } else {
      this.writeValue(key, valueNode);
    }
    this.emit({
      kind: 'payload', base: load.base, offset: start, length: end - start, sreg: NFT_REG_1,
      csumType: checksum?.type ?? 'none', csumOffset: checksum?.offset ?? 0, csumFlags: pseudo,
    });
  }

  /** `tcp option maxseg size set 1400`: the value in register 1, stored into the option. */
  private optionWrite(key: Left, valueNode: JsonNode): void {
    if (key.presenceOnly || key.mask) valueNode.fail(`${key.name} cannot be set: name a whole-byte field`);
    key.before(this.l);
    this.writeValue(key, valueNode);
    this.emit(key.store!(NFT_REG_1));
  }

  /**
   * `{"map": {"key": ..., "data": "@m" | {"set": [...]}}}` as a value (its data lands in register 1), and
   * `{"vmap": ...}` (`dataType` verdict: the data is the verdict register).
   */
  private mapLookup(node: JsonNode, dataType: TypeSpec | 'verdict'): void {
    node.object(['key', 'data']);
    const left = this.left(node.at('key'));
    const data = node.at('data');
    const right = rightValue(data);
    if (right.form !== 'set' && right.form !== 'anonymous') return data.fail('a map takes "@map" or {"set": [[key, value], ...]}');
    left.before(this.l);
    const set = right.form === 'set' ? right.name : this.anonymous(left, right.elements, dataType, data);
    this.concatLookupOrder(left, set);
    left.load(this.l, 0);
    this.applyMask(left);
    if (right.form === 'set' && left.shift) this.emit(shiftRight(total(left), left.shift));
    this.lookupOrder(left, set);
    this.emit({ kind: 'lookup', set, sreg: NFT_REG_1, dreg: dataType === 'verdict' ? 0 : NFT_REG_1, invert: false });
  }

  /** `counter name tcp dport map @m`, `ct helper set meta mark map { ... }`: the object named by the map's data for the key. */
  private objectMap(objectType: ObjectType, node: JsonNode): void {
    node.object(['key', 'data']);
    const left = this.left(node.at('key'));
    const data = node.at('data');
    const right = rightValue(data);
    if (right.form !== 'set' && right.form !== 'anonymous') return data.fail('an object map takes "@map" or {"set": [[key, "name"], ...]}');
    left.before(this.l);
    const set = right.form === 'set' ? right.name : this.anonymous(left, right.elements, undefined, data, objectType);
    left.load(this.l, 0);
    this.applyMask(left);
    this.lookupOrder(left, set);
    this.emit({ kind: 'objref', sreg: NFT_REG_1, set });
  }

  /** `add @s { ip saddr timeout 10s limit rate 10/second }`, `update @s { ... }`, `delete @s { ... }`: the set written at packet time. */
  private dynset(node: JsonNode): void {
    node.object(['op', 'elem', 'set', 'stmt']);
    const op = node.at('op').oneOf(['add', 'update', 'delete'] as const);
    const setName = node.at('set').string();
    if (!setName.startsWith('@') || setName.length < 2) node.at('set').fail('expected "@name"');
    let elem = node.at('elem');
    let timeout: number | undefined;
    if (elem.isObject() && Object.keys(elem.value as object)[0] === 'elem') {
      const inner = elem.at('elem').object(['val', 'timeout']);
      timeout = inner.at('timeout').optionalInteger(Number.MAX_SAFE_INTEGER / 1000);
      elem = inner.at('val');
    }
    const key = this.left(elem);
    const expressions = node.at('stmt').isMissing() ? [] : node.at('stmt').items().flatMap((s) => {
      const [kind, inner] = s.single('a stateful statement');
      return this.stateful(kind, inner);
    });
    key.before(this.l);
    key.load(this.l, 0);
    this.applyMask(key);
    const e: Expression & { kind: 'dynset' } = { kind: 'dynset', op, set: setName.slice(1), sregKey: NFT_REG_1 };
    this.context.writtenByRule?.(e.set);
    if (timeout !== undefined) e.timeout = timeout * 1000;
    if (expressions.length) e.expressions = expressions;
    this.emit(e);
  }

  private masqueradeOrRedirect(kind: 'masquerade' | 'redirect', node: JsonNode): void {
    const b = ruleBuilder();
    if (node.value === null) {
      if (kind === 'masquerade') b.masquerade(); else b.redirect();
    } else {
      node.object(['port', 'flags']);
      const ports = this.ports(node.at('port'));
      const options = natFlags(node.at('flags'));
      if (kind === 'masquerade') b.masquerade({ ...options, ...(ports !== undefined ? { ports } : {}) });
      else if (Object.keys(options).length) node.at('flags').fail('redirect takes no flags here');
      else b.redirect(ports);
    }
    this.emit(...b.expressions(this.context.family, this.context.table));
  }

  private ports(node: JsonNode): string | undefined {
    if (node.isMissing()) return undefined;
    const r = rightValue(node);
    if (r.form === 'value') return String(r.value);
    if (r.form === 'range') return `${r.from}-${r.to}`;
    return node.fail('a port or {"range": [from, to]}');
  }

  private nat(kind: 'snat' | 'dnat', node: JsonNode): void {
    node.object(['addr', 'port', 'family', 'flags', 'type_flags']);
    const addrNode = node.at('addr');
    if (addrNode.isMissing()) node.fail('NAT without an address is not supported yet');
    const family = node.at('family').isMissing() ? undefined : node.at('family').oneOf(['ip', 'ip6'] as const);
    if (addrNode.isObject() && Object.keys(addrNode.value as object)[0] === 'map') {
      this.natMap(kind, family, node);
      return;
    }
    const addr = rightValue(addrNode);
    let address: string;
    if (addr.form === 'value') address = String(addr.value);
    else if (addr.form === 'range') address = `${addr.from}-${addr.to}`;
    else return addrNode.fail('an address or {"range": [from, to]} (NAT through maps and prefixes is not supported yet)');
    const ports = this.ports(node.at('port'));
    const six = address.includes(':');
    const target = ports === undefined ? address : six ? `[${address}]:${ports}` : `${address}:${ports}`;
    const b = ruleBuilder();
    const options = natFlags(node.at('flags'));
    if (kind === 'snat') b.snat(target, options); else b.dnat(target, options);
    if (family !== undefined && family !== (six ? 'ip6' : 'ip')) node.at('family').fail(`${address} is not an ${family} address`);
    this.emit(...b.expressions(this.context.family, this.context.table));
  }
  /**
   * `dnat to ip daddr map @m` / `dnat ip addr . port to ... map @m`: the key is looked
   * up, the address (and port, when the map's data is `address . inet_service`) lands
   * in registers the nat expression reads.
   */
  private natMap(kind: 'snat' | 'dnat', family: 'ip' | 'ip6' | undefined, node: JsonNode): void {
    if (!node.at('port').isMissing()) node.at('port').fail('a port beside an address map is not supported yet');
    const fam = family ?? (this.context.family === 'ip' || this.context.family === 'ip6' ? this.context.family : undefined);
    if (!fam) return node.fail(`NAT in an ${this.context.family} table needs "family": "ip" or "ip6"`);
    const map = node.at('addr').at('map').object(['key', 'data']);
    const left = this.left(map.at('key'));
    const dataNode = map.at('data');
    const right = rightValue(dataNode);
    const address = fam === 'ip' ? 'ipv4_addr' : 'ipv6_addr';
    let withPort: boolean;
    let set: string;
    // `dnat ip prefix to ip daddr map { 192.0.2.0/24 : 10.1.0.0/24 }`: the data are address intervals, start and end in two registers.
    const prefix = !node.at('type_flags').isMissing() && node.at('type_flags').oneOf(['prefix', 'interval'] as const) !== undefined;
    left.before(this.l);
    if (right.form === 'set') {
      set = right.name;
      const data = this.context.setData?.(right.name);
      withPort = Array.isArray(data) ? data.length === 2 : typeof data === 'string' && data.includes('.');
    } else if (right.form === 'anonymous') {
      withPort = right.elements.some((e) => Array.isArray(e.value) && isConcat(e.value[1]));
      set = this.anonymous(left, right.elements, withPort ? [address, 'inet_service'] : address, dataNode);
    } else {
      return dataNode.fail('a NAT map takes "@map" or {"set": [[key, address], ...]}');
    }
    left.load(this.l, 0);
    this.applyMask(left);
    this.emit({ kind: 'lookup', set, sreg: NFT_REG_1, dreg: NFT_REG_1, invert: false });
    const e: Expression & { kind: 'nat' } = { kind: 'nat', type: kind, family: fam, addrMin: NFT_REG_1, addrMax: prefix ? register(slots(fam === 'ip' ? 4 : 16)) : NFT_REG_1 };
    const flags: NatFlag[] = ['map-ips'];
    if (withPort) {
      e.protoMin = e.protoMax = register(slots(fam === 'ip' ? 4 : 16));
      flags.push('proto-specified');
    }
    e.flags = [...flags, ...natFlagList(natFlags(node.at('flags')))];
    if (netmap(node.at('flags'))) e.flags.push('netmap');
    this.emit(e);
  }
}

/** A protocol, realm or group name nlkit's table lacks, as the system file nft took it from numbers it. */
function systemValue(type: Datatype, name: string): ScalarValue {
  try {
    type.encode(name, '');
    return name;
  } catch {
    return systemNameNumber(type.name, name) ?? name;
  }
}

/** Whether a JSON value is `{"prefix": ...}` or `{"range": ...}`. */
export function isIntervalValue(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && (Object.hasOwn(value, 'prefix') || Object.hasOwn(value, 'range'));
}

function isConcat(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, 'concat');
}

function netmap(node: JsonNode): boolean {
  return !node.isMissing() && node.list().some((f) => f.value === 'netmap');
}

function natFlags(node: JsonNode): NatOptions {
  const options: NatOptions = {};
  if (node.isMissing()) return options;
  for (const flag of node.list()) {
    const f = flag.oneOf(['random', 'fully-random', 'persistent', 'netmap']);
    if (f === 'netmap') continue;
    if (f === 'random') options.random = true;
    else if (f === 'persistent') options.persistent = true;
    else options.fullyRandom = true;
  }
  return options;
}

/** The checksum a write into each protocol's header fixes: nft's checksum_key of the protocol (src/proto.c), offset in bytes. */
const CHECKSUMS: Record<string, { type: 'inet' | 'sctp'; offset: number }> = {
  ip: { type: 'inet', offset: 10 }, icmp: { type: 'inet', offset: 2 }, icmpv6: { type: 'inet', offset: 2 },
  tcp: { type: 'inet', offset: 16 }, udp: { type: 'inet', offset: 6 }, udplite: { type: 'inet', offset: 6 }, sctp: { type: 'sctp', offset: 8 },
};

const BYTE_UNITS: Record<string, number> = { bytes: 1, kbytes: 1024, mbytes: 1024 ** 2, gbytes: 1024 ** 3 };

function bytes(value: JsonNode, unit: JsonNode): number {
  const n = value.integer();
  const factor = unit.isMissing() ? 1 : BYTE_UNITS[unit.oneOf(Object.keys(BYTE_UNITS))]!;
  const out = n * factor;
  if (!Number.isSafeInteger(out)) value.fail('is too large');
  return out;
}

function bitwise(length: number, mask: Buffer, xor: Buffer = Buffer.alloc(length), reg = NFT_REG_1): Expression {
  return { kind: 'bitwise', sreg: reg, dreg: reg, length, op: 'bool', mask, xor };
}

function shiftRight(length: number, bits: number): Expression {
  const data = Buffer.alloc(4);
  data.writeUInt32LE(bits);
  return { kind: 'bitwise', sreg: NFT_REG_1, dreg: NFT_REG_1, length, op: 'rshift', data };
}

function hton(length: number): Expression {
  return { kind: 'byteorder', sreg: NFT_REG_1, dreg: NFT_REG_1, op: 'hton', length, size: length };
}

/** Whether a written element part is a range or a prefix of `type` rather than one value. */
function isInterval(part: string, type: Datatype | undefined): boolean {
  // `iifname "veth*"` in a set: every name with that start, an interval.
  if (type?.text && /(^|[^\\])\*$/.test(part)) return true;
  if (!type || !type.ordered) return false;
  if (part.includes('/')) return true;
  const dash = part.indexOf('-', 1);
  if (dash < 0) return false;
  // Symbolic values may contain dashes (`echo-request`): only a dash between two encodable values is a range.
  try {
    type.encode(scalar(new JsonNode(numberish(part.slice(0, dash)), '')), '');
    type.encode(scalar(new JsonNode(numberish(part.slice(dash + 1)), '')), '');
    return true;
  } catch {
    return false;
  }
}

function numberish(text: string): ScalarValue {
  return /^\d+$/.test(text) ? Number(text) : text;
}

