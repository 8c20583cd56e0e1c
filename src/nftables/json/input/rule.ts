// A rule's `expr` array from nft's JSON, linearized into nlkit's expressions the
// way nft 1.0.6 does it (src/evaluate.c for dependencies and byte order,
// src/netlink_linearize.c for registers): the rule builder's Linearizer tracks
// which protocols the rule established, so `meta l4proto tcp` before `tcp dport`
// and `meta nfproto ipv4` before `ip saddr` in inet tables come out once, where
// nft puts them. Each statement kind is a module of statements/ (looked up by its
// JSON name there); this file holds what they share: left-hand sides, values,
// anonymous sets, lookups, and nft's merging of adjacent matches.
import { NFT_HASH_JENKINS, NFT_HASH_SYM, NFT_REG_1, NFTA_HASH_DREG, NFTA_HASH_LEN, NFTA_HASH_MODULUS, NFTA_HASH_OFFSET, NFTA_HASH_SEED, NFTA_HASH_SREG, NFTA_HASH_TYPE } from '../../../generated/nf_tables.js';
import { FIB_ADDRTYPE_TYPE } from '../../builder/fields.js';
import { cmp, Linearizer, type Source } from '../../builder/linearizer.js';
import type { CtDirection } from '../../expressions/ct.js';
import type { ObjectType } from '../../expressions/objref.js';
import type { Expression } from '../../expressions/types.js';
import { DATATYPES, integerType, type Datatype, type ScalarValue } from '../../objects/datatypes.js';
import type { ElementValue, SetElementInput } from '../../objects/elements.js';
import type { NftFamily } from '../../objects/family.js';
import type { TypeSpec } from '../../objects/set.js';
import { exthdr } from './exthdr.js';
import { CT_KEYS, ctAddress, loadInto, META_KEYS, PAYLOAD_FIELDS, rawPayload, register, slots, type Field } from './fields.js';
import * as loads from './kernel-loads.js';
import { total, typeSpec, type Left } from './left.js';
import { rawExpression, type RawAttribute } from './raw-expression.js';
import { JsonNode, within } from './reader.js';
import { bitwise, hton, shiftRight } from './register-ops.js';
import { statefulExpressions, statementReader, type RuleReader } from './statements/index.js';
import { systemNameNumber } from './system-names.js';
import { element, normalizeElements, rightValue, scalar } from './values.js';

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

const LEFT_KINDS = ['payload', 'meta', 'ct', 'fib', 'rt', 'socket', 'osf', 'ipsec', 'numgen', 'jhash', 'symhash', 'exthdr', 'tcp option', 'ip option', 'concat', '&', '|', '^', '>>', '<<'];

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

export class RuleLinearizer implements RuleReader {
  private readonly l: Linearizer;

  get linearizer(): Linearizer {
    return this.l;
  }

  constructor(readonly context: RuleJsonContext) {
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

  emit(...e: Expression[]): void {
    this.l.emit(...e);
  }

  /** The bitwise after a masked load (`ip dscp`, `tcp flags & ...`, `meta mark | 0x10`). */
  applyMask(left: Left): void {
    if (left.mask || left.xor) {
      const length = total(left);
      this.emit(bitwise(length, left.mask ?? Buffer.alloc(length, 0xff), left.xor ? Buffer.from(left.xor) : undefined));
    }
  }

  // ---- left-hand sides -------------------------------------------------------------

  left(node: JsonNode): Left {
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

  single(source: Field): Left {
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

  payload(node: JsonNode): Field {
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
  bitmaskValue(node: JsonNode): ScalarValue {
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

  encodeValue(left: Left, given: ScalarValue, node: JsonNode): Buffer {
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

  encodeConcat(left: Left, values: ElementValue, node: JsonNode): Buffer {
    const list = Array.isArray(values) ? values : [values];
    if (list.length !== left.parts.length) node.fail(`${left.name} takes ${left.parts.length} values, got ${list.length}`);
    return Buffer.concat(list.map((v, i) => within(node, () => encodeAs(left.parts[i]!, this.ifindex(left.parts[i]!, v, node), left.lengths[i]!, left.name))));
  }

  /** The anonymous set of `{"set": [...]}` matched against `left`, or mapped from it (`map` data type). */
  anonymous(left: Left, elements: JsonNode[], map?: TypeSpec | 'verdict', node?: JsonNode, objectType?: ObjectType): string {
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

  // ---- statements ------------------------------------------------------------------------

  private statement(node: JsonNode): void {
    const [kind, inner] = node.single('a statement');
    const read = statementReader(kind);
    if (!read) return node.fail(`statement "${kind}" is not supported yet`);
    read(this, inner, kind, node);
  }

  /** `counter`, `quota`, `limit`, `ct count` of a set element or a set's `stmt`. */
  stateful(kind: string, node: JsonNode): Expression[] {
    return statefulExpressions(this, kind, node);
  }

  markMergeable(load: Expression): void {
    this.mergeable.add(load);
  }

  markMaskedMatch(compare: Expression): void {
    this.maskedMatches.add(compare);
  }

  /** An immediate value of `type` into `reg`, an interface name resolved to its index. */
  immediate(type: Datatype, node: JsonNode, reg: number): void {
    const value = this.ifindex(type, scalar(node), node);
    this.emit({ kind: 'immediate', dreg: reg, data: within(node, () => encodeAs(type, value, type.length, type.name)) });
  }

  /** An address for dup/fwd/tproxy: of the family `family` names, else of the table's, else as written. */
  addressType(node: JsonNode, family: 'ip' | 'ip6' | undefined): Datatype {
    const fam = family ?? (this.context.family === 'ip' || this.context.family === 'ip6' ? this.context.family : typeof node.value === 'string' && node.value.includes(':') ? 'ip6' : 'ip');
    return fam === 'ip' ? DATATYPES.ipv4_addr! : DATATYPES.ipv6_addr!;
  }

  /**
   * The value of a write into register 1: immediate, looked up in a map, or loaded
   * (`tcp option maxseg size set rt mtu`, turned to the key's byte order first).
   */
  writeValue(key: Left, valueNode: JsonNode): void {
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
   * `{"map": {"key": ..., "data": "@m" | {"set": [...]}}}` as a value (its data lands in register 1), and
   * `{"vmap": ...}` (`dataType` verdict: the data is the verdict register).
   */
  mapLookup(node: JsonNode, dataType: TypeSpec | 'verdict'): void {
    node.object(['key', 'data']);
    const left = this.left(node.at('key'));
    const data = node.at('data');
    const right = rightValue(data);
    if (right.form !== 'set' && right.form !== 'anonymous') return data.fail('a map takes "@map" or {"set": [[key, value], ...]}');
    left.before(this.l);
    const set = right.form === 'set' ? right.name : this.anonymous(left, right.elements, dataType, data);
    this.lookup(left, set, right.form === 'set', { dreg: dataType === 'verdict' ? 0 : NFT_REG_1, invert: false });
  }

  /** Loads `left` and looks it up in `set` (`named` when the rule names it), for a match (`invert`) or a map (`dreg`). */
  lookup(left: Left, set: string, named: boolean, result: { dreg?: number; invert: boolean }): void {
    this.concatLookupOrder(left, set);
    left.load(this.l, 0);
    this.applyMask(left);
    // A named set of `dscp` holds the values themselves: the field is shifted down to them (an anonymous one holds them in place).
    if (named && left.shift) this.emit(shiftRight(total(left), left.shift));
    this.lookupOrder(left, set);
    this.emit({ kind: 'lookup', set, sreg: NFT_REG_1, ...(result.dreg !== undefined ? { dreg: result.dreg } : {}), invert: result.invert });
  }

  /** `counter name tcp dport map @m`, `ct helper set meta mark map { ... }`: the object named by the map's data for the key. */
  objectMap(objectType: ObjectType, node: JsonNode): void {
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

