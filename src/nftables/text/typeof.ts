// `typeof ip saddr . tcp dport`: the expressions a set's key or data were
// declared from, read back from nft's set userdata (UDATA_SET_KEY_TYPEOF /
// UDATA_SET_DATA_TYPEOF), which nft-JSON 1.0.6 leaves out. Payload fields are
// recorded as nft's protocol id and template index, meta and ct as their keys.
// Anything not named here gives undefined: the set then prints its `type`.
import { ctKeys } from '../expressions/ct.js';
import { metaKeys } from '../expressions/meta.js';
import { HEADERS } from '../json/output/payload-fields.js';
import { decodeUserdata, UDATA_SET_DATA_TYPEOF, UDATA_SET_KEY_TYPEOF, userdataU32, type UserdataEntry } from '../protocol/userdata.js';
import { exprText } from './expressions.js';

// nft's enum expr_types and typeof TLVs (include/expression.h, src/payload.c, src/meta.c, src/ct.c).
const EXPR_PAYLOAD = 7;
const EXPR_META = 9;
const EXPR_CT = 12;
const EXPR_CONCAT = 13;

/** nft 1.0.6's enum proto_desc_id (include/proto.h): the protocol a payload typeof names. */
const PROTO_DESC = ['', 'ah', 'esp', 'comp', 'icmp', 'igmp', 'udp', 'udplite', 'tcp', 'dccp', 'sctp', 'th', 'ip', 'ip6', 'icmpv6', 'arp', 'vlan', 'ether'];

const u32 = userdataU32;

/** The entries nested in entry `type`. */
function nested(entries: readonly UserdataEntry[], type: number): UserdataEntry[] | undefined {
  const value = entries.find((x) => x.type === type)?.value;
  return value ? decodeUserdata(value) : undefined;
}

/** One expression from its type and data TLVs. */
function exprOf(type: number | undefined, data: UserdataEntry[]): string | undefined {
  switch (type) {
    case EXPR_PAYLOAD: {
      const proto = PROTO_DESC[u32(data, 0) ?? 0];
      const index = u32(data, 1) ?? 0;
      // nft's vlan template has `cfi` after `dei` (the same bit), which nlkit's header table does not.
      if (proto === 'vlan') return ['', 'pcp', 'dei', 'cfi', 'id', 'type'][index] ? `vlan ${['', 'pcp', 'dei', 'cfi', 'id', 'type'][index]}` : undefined;
      const field = proto ? HEADERS[proto]?.fields[index - 1] : undefined;
      return field ? `${proto} ${field.name}` : undefined;
    }
    case EXPR_META: {
      const key = metaKeys.decode(u32(data, 0) ?? -1);
      return typeof key === 'string' ? exprText({ meta: { key: key === 'len' ? 'length' : key } }) : undefined;
    }
    case EXPR_CT: {
      const key = ctKeys.decode(u32(data, 0) ?? -1);
      if (typeof key !== 'string') return undefined;
      const dir = u32(data, 1);
      return dir === undefined || dir > 1 ? `ct ${key}` : `ct ${['original', 'reply'][dir]} ${key}`;
    }
    case EXPR_CONCAT: {
      const parts = [...(data ?? [])].sort((a, b) => a.type - b.type).map((part) => {
        const sub = decodeUserdata(part.value);
        return exprOf(u32(sub, 0), nested(sub, 1) ?? []);
      });
      return parts.length && parts.every((p) => p !== undefined) ? parts.join(' . ') : undefined;
    }
    default:
      return undefined;
  }
}

/** `ip saddr . tcp dport` for the key (or `data`) of a set declared with typeof; undefined otherwise. */
export function typeofText(userdata: Buffer | undefined, which: 'key' | 'data'): string | undefined {
  if (!userdata) return undefined;
  const entry = decodeUserdata(userdata).find((e) => e.type === (which === 'key' ? UDATA_SET_KEY_TYPEOF : UDATA_SET_DATA_TYPEOF));
  if (!entry) return undefined;
  const top = decodeUserdata(entry.value);
  return exprOf(u32(top, 0), nested(top, 1) ?? []);
}
