// A payload field set from a value (`ip ttl set 64`, `tcp dport set 80`): the store and the
// checksum it fixes, as nft's payload statement writes it.
import { NFT_PAYLOAD_L4CSUM_PSEUDOHDR, NFT_REG_1 } from '../../../../generated/nf_tables.js';
import type { PayloadBase } from '../../../expressions/payload.js';
import type { JsonNode } from '../reader.js';
import { bitwise } from '../register-ops.js';
import type { RuleReader } from './rule-reader.js';

/** The checksum a write into each protocol's header fixes: nft's checksum_key of the protocol (src/proto.c), offset in bytes. */
const CHECKSUMS: Record<string, { type: 'inet' | 'sctp'; offset: number }> = {
  ip: { type: 'inet', offset: 10 }, icmp: { type: 'inet', offset: 2 }, icmpv6: { type: 'inet', offset: 2 },
  tcp: { type: 'inet', offset: 16 }, udp: { type: 'inet', offset: 6 }, udplite: { type: 'inet', offset: 6 }, sctp: { type: 'sctp', offset: 8 },
};

/**
 * `ip ttl set 64`, `ip dscp set cs1`, `tcp dport set 80`: the value in register 1 and a
 * payload store that fixes the header's checksum. A field that does not cover whole
 * checksummed 16-bit words, or whole bytes, is read, masked and xored in first
 * (nft's payload_stmt RMW), so the store rewrites whole words.
 */
export function payloadWrite(rule: RuleReader, node: JsonNode): void {
  const keyNode = node.at('key').at('payload');
  const field = rule.payload(keyNode);
  const key = rule.single(field);
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
  key.before(rule.linearizer);
  if (field.bits || start !== load.offset || end !== load.offset + load.length) {
    const value = rule.encodeValue(key, rule.bitmaskValue(valueNode), valueNode);
    const length = end - start;
    const mask = Buffer.alloc(length, 0xff);
    const xor = Buffer.alloc(length);
    const at = load.offset - start;
    for (let i = 0; i < load.length; i++) {
      const bits = field.bits ? field.bits.mask[i]! : 0xff;
      mask[at + i] = ~bits & 0xff;
      xor[at + i] = value[i]! & bits;
    }
    rule.emit({ kind: 'payload', base: load.base, offset: start, length, dreg: NFT_REG_1 }, bitwise(length, mask, xor));
  } else {
    rule.writeValue(key, valueNode);
  }
  rule.emit({
    kind: 'payload', base: load.base, offset: start, length: end - start, sreg: NFT_REG_1,
    csumType: checksum?.type ?? 'none', csumOffset: checksum?.offset ?? 0, csumFlags: pseudo,
  });
}
