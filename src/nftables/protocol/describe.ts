import {
  NFT_MSG_DELCHAIN, NFT_MSG_DELRULE, NFT_MSG_DELSET, NFT_MSG_DELSETELEM, NFT_MSG_DELTABLE, NFT_MSG_NEWCHAIN,
  NFT_MSG_DELFLOWTABLE, NFT_MSG_DELOBJ, NFT_MSG_GETGEN, NFT_MSG_NEWFLOWTABLE, NFT_MSG_NEWGEN, NFT_MSG_NEWOBJ, NFT_MSG_NEWRULE, NFT_MSG_NEWSET, NFT_MSG_NEWSETELEM, NFT_MSG_NEWTABLE, NFTA_SET_ELEM_LIST_ELEMENTS,
  NFTA_SET_ELEM_LIST_SET, NFTA_SET_ELEM_LIST_TABLE,
} from '../../generated/nf_tables.js';
import { NETLINK_NETFILTER } from '../../generated/netlink.js';
import { NFPROTO_UNSPEC } from '../../generated/netfilter.js';
import { NFNL_MSG_BATCH_BEGIN, NFNL_MSG_BATCH_END, NFNL_SUBSYS_NFTABLES } from '../../generated/nfnetlink.js';
import { registerDescriber } from '../../netlink/debug.js';
import type { Message } from '../../netlink/message.js';
import { decodeChain } from '../objects/chain.js';
import { familyName } from '../objects/family.js';
import { decodeFlowtable } from '../objects/flowtable.js';
import { decodeRule } from '../objects/rule.js';
import { decodeSet } from '../objects/set.js';
import { decodeObject } from '../objects/stateful.js';
import { decodeTable } from '../objects/table.js';
import { decodeGeneration } from './batch.js';
import { NFT_MESSAGE_NAMES } from './messages.js';
import { NFGENMSG_LENGTH, nftAttributes, nftMessageOf, readNfgenmsg } from './nfgenmsg.js';

function elementsSummary(m: Message): string {
  let table = '';
  let set = '';
  let count = 0;
  const c = nftAttributes(m);
  while (c.next()) {
    if (c.type === NFTA_SET_ELEM_LIST_TABLE) table = c.string();
    else if (c.type === NFTA_SET_ELEM_LIST_SET) set = c.string();
    else if (c.type === NFTA_SET_ELEM_LIST_ELEMENTS) {
      const list = c.nestedCursor();
      while (list.next()) count++;
    }
  }
  return `${table} ${set} (${count} elements)`;
}

/** One line per nf_tables message for DEBUG=nlkit:*, e.g. `NEWRULE inet filter input handle 4 (6 expressions)`. */
export function describeNftMessage(m: Message): string | undefined {
  if (m.type === NFNL_MSG_BATCH_BEGIN || m.type === NFNL_MSG_BATCH_END) {
    if (m.end - m.offset < NFGENMSG_LENGTH) return undefined;
    const { resourceId } = readNfgenmsg(m);
    const name = m.type === NFNL_MSG_BATCH_BEGIN ? 'BATCH_BEGIN' : 'BATCH_END';
    return `${name} ${resourceId === NFNL_SUBSYS_NFTABLES ? 'nftables' : `subsystem ${resourceId}`}`;
  }
  const message = nftMessageOf(m.type);
  if (message < 0) return undefined;
  const name = NFT_MESSAGE_NAMES[message] ?? `NFT_MSG_${message}`;
  if (m.end - m.offset < NFGENMSG_LENGTH) return name;
  const familyNumber = readNfgenmsg(m).family;
  const family = familyNumber === NFPROTO_UNSPEC ? 'unspec' : familyName(familyNumber);
  if (message === NFT_MSG_GETGEN) return name;
  const hasAttributes = m.end - m.offset > NFGENMSG_LENGTH;
  if (!hasAttributes) return `${name} ${family}`;
  switch (message) {
    case NFT_MSG_NEWTABLE: case NFT_MSG_DELTABLE: {
      const t = decodeTable(m);
      return `${name} ${family} ${t.name}${t.handle ? ` handle ${t.handle}` : ''}`;
    }
    case NFT_MSG_NEWCHAIN: case NFT_MSG_DELCHAIN: {
      const c = decodeChain(m);
      const hook = c.hook !== undefined ? ` { type ${c.type} hook ${c.hook} priority ${c.priority}${c.policy ? ` policy ${c.policy}` : ''} }` : '';
      return `${name} ${family} ${c.table} ${c.name}${c.handle ? ` handle ${c.handle}` : ''}${hook}`;
    }
    case NFT_MSG_NEWRULE: case NFT_MSG_DELRULE: {
      const r = decodeRule(m);
      const kinds = r.expressions.map((e) => (e.kind === 'unknown' ? e.name : e.kind)).join(' ');
      return `${name} ${family} ${r.table} ${r.chain}${r.handle ? ` handle ${r.handle}` : ''}${kinds ? ` [ ${kinds} ]` : ''}${r.comment ? ` comment "${r.comment}"` : ''}`;
    }
    case NFT_MSG_NEWSET: case NFT_MSG_DELSET: {
      const s = decodeSet(m);
      const type = Array.isArray(s.type) ? s.type.join(' . ') : s.type;
      return `${name} ${family} ${s.table} ${s.name}${s.keyLength ? ` type ${type}` : ''}${s.map !== undefined ? ` : ${Array.isArray(s.map) ? s.map.join(' . ') : s.map}` : ''}${s.flags.length ? ` flags ${s.flags.join(',')}` : ''}`;
    }
    case NFT_MSG_NEWSETELEM: case NFT_MSG_DELSETELEM:
      return `${name} ${family} ${elementsSummary(m)}`;
    case NFT_MSG_NEWOBJ: case NFT_MSG_DELOBJ: {
      const o = decodeObject(m);
      return `${name} ${family} ${o.table} ${o.type} ${o.name}`;
    }
    case NFT_MSG_NEWFLOWTABLE: case NFT_MSG_DELFLOWTABLE: {
      const f = decodeFlowtable(m);
      const devices = f.devices.length ? ` devices ${f.devices.join(',')}` : '';
      return `${name} ${family} ${f.table} ${f.name || `handle ${f.handle}`}${message === NFT_MSG_NEWFLOWTABLE ? ` { hook ${f.hook} priority ${f.priority}${devices} }` : ''}`;
    }
    case NFT_MSG_NEWGEN:
      return `${name} id ${decodeGeneration(m).id}`;
    default:
      return `${name} ${family}`;
  }
}

registerDescriber(NETLINK_NETFILTER, describeNftMessage);
