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
import { NFT_REG_1 } from '../../../generated/nf_tables.js';
import { cmp, Linearizer, prefixMask, type Source } from '../../builder/linearizer.js';
import { natFlags as natFlagList, rule as ruleBuilder, type NatOptions } from '../../builder/rule-builder.js';
import type { CmpOp } from '../../expressions/cmp.js';
import type { CtDirection } from '../../expressions/ct.js';
import { LIMIT_UNITS, type LimitUnit } from '../../expressions/limit.js';
import type { LogFlag, LogLevel } from '../../expressions/log.js';
import type { NatFlag } from '../../expressions/nat-flags.js';
import type { ObjectType } from '../../expressions/objref.js';
import type { Expression } from '../../expressions/types.js';
import { ICMP_CODES, ICMPV6_CODES, ICMPX_CODES } from '../../objects/datatype-symbols.js';
import { datatype, DATATYPES, type Datatype, type ScalarValue } from '../../objects/datatypes.js';
import { FIB_ADDRTYPE_TYPE } from '../../builder/fields.js';
import type { ElementValue, SetElementInput } from '../../objects/elements.js';
import type { NftFamily } from '../../objects/family.js';
import type { TypeSpec } from '../../objects/set.js';
import { CT_KEYS, ctAddress, loadInto, META_KEYS, PAYLOAD_FIELDS, rawPayload, register, slots, type Field } from './fields.js';
import { JsonNode, within } from './reader.js';
import { element, rightValue, scalar, verdict, type RightValue } from './values.js';

/** An anonymous set a rule needs (`{"set": [...]}` on the right of a match or in a vmap). */
export interface AnonymousSetNeed {
  type: TypeSpec;
  map?: TypeSpec;
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
}

const CMP_OPS: Record<string, CmpOp> = { '==': 'eq', '!=': 'neq', '<': 'lt', '>': 'gt', '<=': 'lte', '>=': 'gte' };
const OPS = ['==', '!=', '<', '>', '<=', '>=', 'in'];

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
        if (parts.some((p) => p.parts.length > 1 || p.mask)) inner.fail('a concatenation takes plain fields');
        return {
          name: parts.map((p) => p.name).join(' . '),
          parts: parts.map((p) => p.parts[0]!),
          lengths: parts.map((p) => slots(p.lengths[0]!) * 4),
          before: (l) => parts.forEach((p) => p.before(l)),
          load: (l, slot) => {
            let at = slot;
            for (const p of parts) {
              p.load(l, at);
              at += slots(p.lengths[0]!);
            }
          },
        };
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
      default:
        return node.fail(`expression "${kind}" is not supported yet (supported: payload, meta, ct, fib, concat, &, |, ^)`);
    }
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
    const value = this.ifindex(type, given, node);
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
  private anonymous(left: Left, elements: JsonNode[], map?: TypeSpec | 'verdict', node?: JsonNode): string {
    // nft keys such a set by the field's bits where they sit in the loaded byte (`ip dscp { cs1 }` holds 0x20).
    if (left.shift !== undefined && node) return node.fail(`sets of ${left.name}, a field of less than whole bytes, are not supported yet`);
    const parsed = elements.map((e) => this.withIndexes(left, element(e, map === undefined ? undefined : 'data', (name, n) => this.stateful(name, n)), e));
    const keyOf = (e: SetElementInput) => (typeof e === 'object' && !Array.isArray(e) ? e.key : e);
    // nft makes the set an interval set when any key part is a range or a prefix.
    const interval = parsed.some((e) => {
      const key = keyOf(e);
      return (Array.isArray(key) ? key : [key]).some((part, i) => typeof part === 'string' && isInterval(part, left.parts[i]));
    });
    const need: AnonymousSetNeed = { type: typeSpec(left), interval, elements: parsed };
    if (map !== undefined) need.map = map;
    return this.context.anonymousSet(need);
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
      case 'ct helper': case 'ct timeout': case 'ct expectation': case 'synproxy': case 'secmark':
        if (typeof inner.value !== 'string') inner.fail(`only a named ${kind} ("${kind}": "name") is supported`);
        this.emit({ kind: 'objref', objectType: kind as ObjectType, name: inner.string() });
        return;
      case 'log': return this.log(inner);
      case 'reject': return this.reject(inner);
      case 'notrack':
        this.emit({ kind: 'notrack' });
        return;
      case 'mangle': return this.mangle(inner);
      case 'set': return this.dynset(inner);
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
    if (typeof rightNode.value === 'boolean') {
      if (!left.presence) return rightNode.fail(`${left.name} has no exists/missing`);
      if (op !== '==' && op !== 'in' && op !== '!=') return rightNode.fail(`exists/missing takes == or !=, not ${op}`);
      left.before(this.l);
      left.presence(this.l, op === '!=' ? !rightNode.value : rightNode.value);
      return;
    }
    const right = rightValue(rightNode);
    left.before(this.l);
    const length = total(left);
    const type = left.parts[0]!;
    const bitmask = left.parts.length === 1 && /^(ct_state|ct_status|tcp_flag)$/.test(type.name);
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
        left.load(this.l, 0);
        this.applyMask(left);
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
    else if (name === 'meta nfproto') this.l.establishNetwork(value[0] === NFPROTO_IPV6 ? 'ip6' : 'ip');
    else if (name === 'meta protocol' || name === 'ether type') {
      const ethertype = value.readUInt16BE(0);
      if (ethertype === ETH_P_IP || ethertype === ETH_P_IPV6) this.l.establishNetwork(ethertype === ETH_P_IP ? 'ip' : 'ip6');
    }
  }

  /** `counter`, `quota`, `limit`: anonymous (an object of values, or null) or a named object (a string). */
  stateful(kind: string, node: JsonNode): Expression[] {
    if (typeof node.value === 'string') return [{ kind: 'objref', objectType: kind as ObjectType, name: node.string() }];
    switch (kind) {
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
        return node.fail(`"${kind}" is not a stateful statement (counter, quota, limit)`);
    }
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
    const [kind] = node.at('key').single('a meta or ct key');
    if (kind !== 'meta' && kind !== 'ct') node.at('key').fail(`setting ${kind} is not supported yet (meta and ct keys are)`);
    const key = this.left(node.at('key'));
    const source = key.source!;
    const loaded = source.load(key.lengths[0]!) as { key: string; direction?: string };
    const valueNode = node.at('value');
    if (valueNode.isObject() && Object.keys(valueNode.value as object)[0] === 'map') {
      // `meta mark set ip saddr map { ... }`: the looked-up data lands in register 1.
      this.mapLookup(valueNode.at('map'), typeSpec(key));
    } else if (valueNode.isObject() && !('concat' in (valueNode.value as object))) {
      // `meta mark set ct mark`: the value is loaded, not immediate.
      const value = this.left(valueNode);
      value.before(this.l);
      value.load(this.l, 0);
      this.applyMask(value);
    } else {
      const value = this.bitmaskValue(valueNode);
      this.emit({ kind: 'immediate', dreg: NFT_REG_1, data: this.encodeValue(key, value, valueNode) });
    }
    const set = { kind, key: loaded.key, sreg: NFT_REG_1, ...(loaded.direction ? { direction: loaded.direction } : {}) };
    this.emit(set as Expression);
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
    left.load(this.l, 0);
    this.applyMask(left);
    this.emit({ kind: 'lookup', set, sreg: NFT_REG_1, dreg: dataType === 'verdict' ? 0 : NFT_REG_1, invert: false });
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
    node.object(['addr', 'port', 'family', 'flags']);
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
    const e: Expression & { kind: 'nat' } = { kind: 'nat', type: kind, family: fam, addrMin: NFT_REG_1, addrMax: NFT_REG_1 };
    const flags: NatFlag[] = ['map-ips'];
    if (withPort) {
      e.protoMin = e.protoMax = register(slots(fam === 'ip' ? 4 : 16));
      flags.push('proto-specified');
    }
    e.flags = [...flags, ...natFlagList(natFlags(node.at('flags')))];
    this.emit(e);
  }
}

function isConcat(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, 'concat');
}

function natFlags(node: JsonNode): NatOptions {
  const options: NatOptions = {};
  if (node.isMissing()) return options;
  for (const flag of node.list()) {
    const f = flag.oneOf(['random', 'fully-random', 'persistent']);
    if (f === 'random') options.random = true;
    else if (f === 'persistent') options.persistent = true;
    else options.fullyRandom = true;
  }
  return options;
}

const BYTE_UNITS: Record<string, number> = { bytes: 1, kbytes: 1024, mbytes: 1024 ** 2, gbytes: 1024 ** 3 };

function bytes(value: JsonNode, unit: JsonNode): number {
  const n = value.integer();
  const factor = unit.isMissing() ? 1 : BYTE_UNITS[unit.oneOf(Object.keys(BYTE_UNITS))]!;
  const out = n * factor;
  if (!Number.isSafeInteger(out)) value.fail('is too large');
  return out;
}

function bitwise(length: number, mask: Buffer, xor = Buffer.alloc(length)): Expression {
  return { kind: 'bitwise', sreg: NFT_REG_1, dreg: NFT_REG_1, length, op: 'bool', mask, xor };
}

function hton(length: number): Expression {
  return { kind: 'byteorder', sreg: NFT_REG_1, dreg: NFT_REG_1, op: 'hton', length, size: length };
}

/** Whether a written element part is a range or a prefix of `type` rather than one value. */
function isInterval(part: string, type: Datatype | undefined): boolean {
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

