// `{"match": {"op", "left", "right"}}`: a comparison, prefix, range, flag test, presence test or
// set lookup of a left-hand side, and the protocols a match establishes (nft then adds no
// dependency for them).
import { ETH_P_IP, ETH_P_IPV6 } from '../../../../generated/if_ether.js';
import { NFPROTO_IPV6 } from '../../../../generated/netfilter.js';
import { NFT_REG_1 } from '../../../../generated/nf_tables.js';
import { cmp, prefixMask } from '../../../builder/linearizer.js';
import type { CmpOp } from '../../../expressions/cmp.js';
import { establishEthertype, establishNetworkKnown, loadInto } from '../fields.js';
import { total, type Left } from '../left.js';
import type { JsonNode } from '../reader.js';
import { bitwise, hton } from '../register-ops.js';
import { rightValue, type RightValue } from '../values.js';
import type { RuleReader } from './rule-reader.js';

const CMP_OPS: Record<string, CmpOp> = { '==': 'eq', '!=': 'neq', '<': 'lt', '>': 'gt', '<=': 'lte', '>=': 'gte' };
const OPS = ['==', '!=', '<', '>', '<=', '>=', 'in', '!'];

export function match(rule: RuleReader, node: JsonNode): void {
  node.object(['op', 'left', 'right']);
  const op = node.at('op').oneOf(OPS);
  const left = rule.left(node.at('left'));
  const rightNode = node.at('right');
  if (typeof rightNode.value === 'boolean' && (left.presence || left.parts[0]!.name !== 'boolean')) {
    if (!left.presence) return rightNode.fail(`${left.name} has no exists/missing`);
    if (op !== '==' && op !== 'in' && op !== '!=') return rightNode.fail(`exists/missing takes == or !=, not ${op}`);
    left.before(rule.linearizer);
    left.presence(rule.linearizer, op === '!=' ? !rightNode.value : rightNode.value);
    return;
  }
  if (left.presenceOnly) return rightNode.fail(`${left.name} without a field matches only exists (true) or missing (false)`);
  const right = rightValue(rightNode);
  left.before(rule.linearizer);
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
        left.load(rule.linearizer, 0);
        rule.emit(cmp(op === '!=' ? 'neq' : 'eq', stem));
        return;
      }
      if (right.form === 'concat') value = rule.encodeConcat(left, right.values, rightNode);
      else if (left.parts.length > 1) return rightNode.fail(`${left.name} needs a concatenation of values`);
      else value = rule.encodeValue(left, right.form === 'value' ? right.value : right.values.map(String).join('|'), rightNode);
      if (op === '!') {
        // `tcp flags ! fin,syn`: none of these bits set.
        if (!bitmask || left.mask) return node.at('op').fail(`"!" (none of these flags) applies to flags (ct state, ct status, tcp flags), not ${left.name}`);
        left.load(rule.linearizer, 0);
        rule.emit(bitwise(length, value), cmp('eq', Buffer.alloc(length)));
        return;
      }
      // nft matches flags (`ct state established,related`, or one flag without ==) as "any of these bits set".
      if (bitmask && !left.mask && (op === 'in' || right.form === 'flags' && op !== '==' && op !== '!=')) {
        left.load(rule.linearizer, 0);
        rule.emit(bitwise(length, value), cmp('neq', Buffer.alloc(length)));
        return;
      }
      if (right.form === 'flags' && !bitmask) return rightNode.fail(`a list of values applies to flags (ct state, ct status, tcp flags), not ${left.name}; use {"set": [...]}`);
      const relation = op === 'in' ? 'eq' : CMP_OPS[op]!;
      const ordered = relation !== 'eq' && relation !== 'neq';
      left.load(rule.linearizer, 0);
      rule.applyMask(left);
      if (ordered && type.byteorder === 'host' && length > 1) {
        // cmp compares bytes: nft turns host-order values big-endian first.
        rule.emit(hton(length));
        value = Buffer.from(value).reverse();
      }
      rule.emit(cmp(relation, value));
      // nft joins raw payload matches (`@nh,8,6 4 @nh,14,2 0`), not named header fields.
      if (relation === 'eq' && left.mask && !left.xor && left.source && left.shift !== undefined && left.name.startsWith('@')) rule.markMaskedMatch(rule.linearizer.out[rule.linearizer.out.length - 1]!);
      if (relation === 'eq' && !left.mask && !left.xor && left.parts.length === 1 && left.source && !(ordered && type.byteorder === 'host')) {
        const out = rule.linearizer.out;
        if (out[out.length - 2]?.kind === 'payload') rule.markMergeable(out[out.length - 2]!);
      }
      establish(rule, left, op, value);
      return;
    }
    case 'prefix': return prefix(rule, left, op, right, rightNode);
    case 'range': {
      if (op !== '==' && op !== '!=' && op !== 'in') rightNode.fail(`a range takes == or !=, not ${op}`);
      let from = rule.encodeValue(left, right.from, rightNode);
      let to = rule.encodeValue(left, right.to, rightNode);
      left.load(rule.linearizer, 0);
      rule.applyMask(left);
      if (type.byteorder === 'host' && length > 1) {
        rule.emit(hton(length));
        from = Buffer.from(from).reverse();
        to = Buffer.from(to).reverse();
      }
      if (Buffer.compare(from, to) > 0) rightNode.fail('the range starts after it ends');
      if (op === '!=') rule.emit({ kind: 'range', sreg: NFT_REG_1, op: 'neq', from, to });
      else rule.emit(cmp('gte', from), cmp('lte', to));
      return;
    }
    case 'set': case 'anonymous': {
      if (op !== '==' && op !== '!=' && op !== 'in') rightNode.fail(`a set lookup takes ==, != or in, not ${op}`);
      const set = right.form === 'set' ? right.name : rule.anonymous(left, right.elements, undefined, rightNode);
      rule.lookup(left, set, right.form === 'set', { invert: op === '!=' });
      return;
    }
  }
}

function prefix(rule: RuleReader, left: Left, op: string, right: RightValue & { form: 'prefix' }, node: JsonNode): void {
  if (op !== '==' && op !== '!=' && op !== 'in') node.fail(`a prefix takes == or !=, not ${op}`);
  if (left.parts.length !== 1 || left.mask) node.fail(`${left.name} takes no prefix`);
  const length = total(left);
  const full = rule.encodeValue(left, right.address, node);
  const bits = length * 8;
  if (right.length > bits) node.fail(`prefix /${right.length} is longer than ${left.name}'s ${bits} bits`);
  const relation = op === '!=' ? 'neq' : 'eq';
  if (left.parts[0]!.byteorder === 'host' && length > 1 && right.length < bits) {
    // `ct mark 0x10000/16`: the high bits of a host-order number, masked where they sit in host order.
    const mask = Buffer.from(prefixMask(length, right.length)).reverse();
    left.load(rule.linearizer, 0);
    rule.emit(bitwise(length, mask), cmp(relation, Buffer.from(full.map((b, i) => b & mask[i]!))));
    return;
  }
  if (right.length === bits) {
    left.load(rule.linearizer, 0);
    rule.emit(cmp(relation, full));
  } else if (right.length > 0 && right.length % 8 === 0 && left.source) {
    // A whole-byte prefix needs no mask: nft loads just those bytes.
    rule.linearizer.emit(loadInto(left.source, right.length / 8, 0));
    rule.emit(cmp(relation, full.subarray(0, right.length / 8)));
  } else {
    const mask = prefixMask(length, right.length);
    left.load(rule.linearizer, 0);
    rule.emit(bitwise(length, mask), cmp(relation, Buffer.from(full.map((b, i) => b & mask[i]!))));
  }
}

/** After `ip protocol tcp`, `meta nfproto ipv4`...: the protocol is known, and nft adds no dependency for it. */
function establish(rule: RuleReader, left: Left, op: string, value: Buffer): void {
  if ((op !== '==' && op !== 'in') || left.mask || !left.source) return;
  const name = left.source.name;
  if (name === 'ip protocol' || name === 'ip6 nexthdr' || name === 'meta l4proto') rule.linearizer.establishTransport(value[0]!);
  else if (name === 'meta nfproto') {
    rule.linearizer.establishNetwork(value[0] === NFPROTO_IPV6 ? 'ip6' : 'ip');
    establishNetworkKnown(rule.linearizer);
  }
  else if (name === 'meta protocol' || name === 'ether type') {
    const ethertype = value.readUInt16BE(0);
    if (name === 'ether type') establishEthertype(rule.linearizer, ethertype);
    if (ethertype === ETH_P_IP || ethertype === ETH_P_IPV6) {
      rule.linearizer.establishNetwork(ethertype === ETH_P_IP ? 'ip' : 'ip6');
      establishNetworkKnown(rule.linearizer);
    }
  }
}
