import { ETH_P_IP, ETH_P_IPV6 } from '../../generated/if_ether.js';
import { NFPROTO_IPV4, NFPROTO_IPV6 } from '../../generated/netfilter.js';
import { NFT_REG_1 } from '../../generated/nf_tables.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import type { CmpOp } from '../expressions/cmp.js';
import type { Expression } from '../expressions/types.js';
import type { Datatype, ScalarValue } from '../objects/datatypes.js';
import type { NftFamily } from '../objects/family.js';
import type { LinearizeContext } from '../objects/rule.js';
import { parseOperand, type Operand, type Relation } from './operands.js';


export type NetworkProtocol = 'ip' | 'ip6';

const CMP_OPS: Record<Relation, CmpOp> = { '==': 'eq', '!=': 'neq', '<': 'lt', '>': 'gt', '<=': 'lte', '>=': 'gte' };

/** Where a matched value comes from: how to load it into a register, and what type it has. */
export interface Source {
  /** For messages: `ip saddr`, `ct state`, `meta mark`. */
  name: string;
  type: Datatype;
  /** Bytes in the register (the datatype's size, or the payload field's). */
  length: number;
  /** A payload field can be loaded shorter, which nft does for byte-aligned prefixes. */
  load(length: number): Expression;
  /** Dependency matches nft puts before the load (`meta l4proto tcp` before `tcp dport`). */
  before?(l: Linearizer): void;
}

/**
 * Turns statements into expressions the way nft's linearizer does, tracking
 * which protocol the rule already established so dependencies (`meta nfproto`,
 * `meta l4proto`) are added once and only where nft adds them.
 */
export class Linearizer {
  readonly out: Expression[] = [];
  private network: NetworkProtocol | undefined;
  private transport: number | undefined;

  constructor(readonly context: LinearizeContext) {
    if (context.family === 'ip') this.network = 'ip';
    if (context.family === 'ip6') this.network = 'ip6';
  }

  get family(): NftFamily {
    return this.context.family;
  }

  emit(...expressions: Expression[]): void {
    this.out.push(...expressions);
  }

  /** The network protocol is known from now on (after `meta nfproto ipv4` or `meta protocol ip`). */
  establishNetwork(protocol: NetworkProtocol): void {
    this.network = protocol;
  }

  establishTransport(protocol: number): void {
    this.transport = protocol;
  }

  /** Adds the match nft puts before a network header field in families that carry several protocols. */
  requireNetwork(protocol: NetworkProtocol, what: string): void {
    if (this.network === protocol) return;
    switch (this.family) {
      case 'ip':
      case 'ip6':
      case 'arp':
        throw new InvalidArgumentError(`${what} cannot match in a ${this.family} table`);
      case 'inet':
        this.emit({ kind: 'meta', key: 'nfproto', dreg: NFT_REG_1 }, cmp('eq', Buffer.from([protocol === 'ip' ? NFPROTO_IPV4 : NFPROTO_IPV6])));
        break;
      case 'bridge':
      case 'netdev': {
        const ethertype = Buffer.alloc(2);
        ethertype.writeUInt16BE(protocol === 'ip' ? ETH_P_IP : ETH_P_IPV6);
        this.emit({ kind: 'meta', key: 'protocol', dreg: NFT_REG_1 }, cmp('eq', ethertype));
        break;
      }
    }
    this.network = protocol;
  }

  /** Adds `meta l4proto <protocol>` unless the rule already matched that protocol. */
  requireTransport(protocol: number): void {
    if (this.transport === protocol) return;
    this.emit({ kind: 'meta', key: 'l4proto', dreg: NFT_REG_1 }, cmp('eq', Buffer.from([protocol])));
    this.transport = protocol;
  }

  /** Emits `<source> [relation] <operand>` as nft would. */
  match(source: Source, relation: Relation, operand: Operand): void {
    const addresses = source.type.name === 'ipv4_addr' || source.type.name === 'ipv6_addr';
    const parsed = parseOperand(operand, source.name, addresses);
    const what = source.name;
    source.before?.(this);
    switch (parsed.form) {
      case 'value': {
        const value = encodeValue(source, parsed.value, what);
        this.emit(source.load(source.length), cmp(CMP_OPS[relation], value));
        break;
      }
      case 'prefix': {
        requireEquality(relation, what, 'a prefix');
        const full = encodeValue(source, parsed.address, what);
        const bits = source.length * 8;
        if (parsed.length > bits) throw new InvalidArgumentError(`${what} prefix /${parsed.length} is longer than ${bits} bits`);
        const op = CMP_OPS[relation];
        if (parsed.length === bits) {
          this.emit(source.load(source.length), cmp(op, full));
        } else if (parsed.length > 0 && parsed.length % 8 === 0) {
          // A whole-byte prefix needs no mask: nft loads just those bytes.
          const bytes = parsed.length / 8;
          this.emit(source.load(bytes), cmp(op, full.subarray(0, bytes)));
        } else {
          const mask = prefixMask(source.length, parsed.length);
          const value = Buffer.from(full.map((b, i) => b & mask[i]!));
          this.emit(
            source.load(source.length),
            { kind: 'bitwise', sreg: NFT_REG_1, dreg: NFT_REG_1, length: source.length, op: 'bool', mask, xor: Buffer.alloc(source.length) },
            cmp(op, value),
          );
        }
        break;
      }
      case 'range': {
        requireEquality(relation, what, 'a range');
        const from = encodeValue(source, parsed.from, what);
        const to = encodeValue(source, parsed.to, what);
        if (Buffer.compare(from, to) > 0) throw new InvalidArgumentError(`${what} range ${parsed.from}-${parsed.to} starts after it ends`);
        this.emit(source.load(source.length));
        if (relation === '==') this.emit(cmp('gte', from), cmp('lte', to));
        else this.emit({ kind: 'range', sreg: NFT_REG_1, op: 'neq', from, to });
        break;
      }
      case 'set': {
        requireEquality(relation, what, 'a set lookup');
        this.emit(source.load(source.length), { kind: 'lookup', set: parsed.name, sreg: NFT_REG_1, invert: relation === '!=' });
        break;
      }
      case 'anonymous': {
        requireEquality(relation, what, 'a set');
        const interval = parsed.elements.some((e) => typeof e === 'string' && parseOperand(e, what, addresses).form !== 'value');
        const set = this.context.anonymousSet({ type: source.type.name, interval, elements: parsed.elements });
        this.emit(source.load(source.length), { kind: 'lookup', set: set.name, setId: set.id, sreg: NFT_REG_1, invert: relation === '!=' });
        break;
      }
    }
  }
}

export function cmp(op: CmpOp, data: Buffer): Expression {
  return { kind: 'cmp', sreg: NFT_REG_1, op, data };
}

function requireEquality(relation: Relation, what: string, form: string): void {
  if (relation !== '==' && relation !== '!=') throw new InvalidArgumentError(`${what}: ${form} takes == or !=, not ${relation}`);
}

function encodeValue(source: Source, value: ScalarValue, what: string): Buffer {
  const bytes = source.type.encode(value, what);
  if (bytes.length === source.length) return bytes;
  // A field narrower or wider than its type (e.g. a 4-byte register for a 2-byte zone) keeps the value's low bytes.
  const out = Buffer.alloc(source.length);
  bytes.copy(out, 0, 0, Math.min(bytes.length, source.length));
  return out;
}

export function prefixMask(length: number, prefix: number): Buffer {
  const mask = Buffer.alloc(length);
  for (let bit = 0; bit < prefix; bit++) mask[bit >> 3]! |= 0x80 >> (bit & 7);
  return mask;
}
