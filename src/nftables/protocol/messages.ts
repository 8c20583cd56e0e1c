import * as K from '../../generated/nf_tables.js';
import { u16le, u32le } from '../../netlink/byte-reads.js';

/** Names of NFT_MSG_* values, for debug output and errors. */
export const NFT_MESSAGE_NAMES: Record<number, string> = {
  [K.NFT_MSG_NEWTABLE]: 'NEWTABLE',
  [K.NFT_MSG_GETTABLE]: 'GETTABLE',
  [K.NFT_MSG_DELTABLE]: 'DELTABLE',
  [K.NFT_MSG_NEWCHAIN]: 'NEWCHAIN',
  [K.NFT_MSG_GETCHAIN]: 'GETCHAIN',
  [K.NFT_MSG_DELCHAIN]: 'DELCHAIN',
  [K.NFT_MSG_NEWRULE]: 'NEWRULE',
  [K.NFT_MSG_GETRULE]: 'GETRULE',
  [K.NFT_MSG_DELRULE]: 'DELRULE',
  [K.NFT_MSG_NEWSET]: 'NEWSET',
  [K.NFT_MSG_GETSET]: 'GETSET',
  [K.NFT_MSG_DELSET]: 'DELSET',
  [K.NFT_MSG_NEWSETELEM]: 'NEWSETELEM',
  [K.NFT_MSG_GETSETELEM]: 'GETSETELEM',
  [K.NFT_MSG_DELSETELEM]: 'DELSETELEM',
  [K.NFT_MSG_NEWGEN]: 'NEWGEN',
  [K.NFT_MSG_GETGEN]: 'GETGEN',
  [K.NFT_MSG_TRACE]: 'TRACE',
  [K.NFT_MSG_NEWOBJ]: 'NEWOBJ',
  [K.NFT_MSG_GETOBJ]: 'GETOBJ',
  [K.NFT_MSG_DELOBJ]: 'DELOBJ',
  [K.NFT_MSG_GETOBJ_RESET]: 'GETOBJ_RESET',
  [K.NFT_MSG_NEWFLOWTABLE]: 'NEWFLOWTABLE',
  [K.NFT_MSG_GETFLOWTABLE]: 'GETFLOWTABLE',
  [K.NFT_MSG_DELFLOWTABLE]: 'DELFLOWTABLE',
};

/** Top-level attribute names per message family, so an extack offset can be named (`NFTA_RULE_EXPRESSIONS`). */
const ATTRIBUTE_PREFIXES: Record<number, string> = {
  [K.NFT_MSG_NEWTABLE]: 'NFTA_TABLE_',
  [K.NFT_MSG_DELTABLE]: 'NFTA_TABLE_',
  [K.NFT_MSG_NEWCHAIN]: 'NFTA_CHAIN_',
  [K.NFT_MSG_DELCHAIN]: 'NFTA_CHAIN_',
  [K.NFT_MSG_NEWRULE]: 'NFTA_RULE_',
  [K.NFT_MSG_DELRULE]: 'NFTA_RULE_',
  [K.NFT_MSG_NEWSET]: 'NFTA_SET_',
  [K.NFT_MSG_DELSET]: 'NFTA_SET_',
  [K.NFT_MSG_NEWSETELEM]: 'NFTA_SET_ELEM_LIST_',
  [K.NFT_MSG_DELSETELEM]: 'NFTA_SET_ELEM_LIST_',
};

const SUBPREFIXES = ['NFTA_SET_DESC_', 'NFTA_SET_FIELD_', 'NFTA_SET_ELEM_', 'NFTA_RULE_COMPAT_', 'NFTA_SET_ELEM_LIST_'];

const constantNames = new Map<string, Map<number, string>>();
function namesWithPrefix(prefix: string): Map<number, string> {
  let names = constantNames.get(prefix);
  if (!names) {
    names = new Map();
    for (const [name, value] of Object.entries(K)) {
      if (!name.startsWith(prefix) || name.endsWith('_MAX') || name.endsWith('_UNSPEC') || typeof value !== 'number') continue;
      // Nested enums share the prefix (NFTA_SET_DESC_*, NFTA_SET_ELEM_*, NFTA_RULE_COMPAT_*): skip them.
      if (SUBPREFIXES.some((sub) => sub.startsWith(prefix) && sub !== prefix && name.startsWith(sub))) continue;
      if (!names.has(value)) names.set(value, name);
    }
    constantNames.set(prefix, names);
  }
  return names;
}

/** Names an attribute path of a request (`NFTA_RULE_EXPRESSIONS/1/2/3`) for NetlinkError. */
export function nftAttributeName(message: number, path: readonly number[]): string | undefined {
  const prefix = ATTRIBUTE_PREFIXES[message];
  if (!prefix || path.length === 0) return undefined;
  const top = namesWithPrefix(prefix).get(path[0]!) ?? `attribute ${path[0]}`;
  return [top, ...path.slice(1)].join('/');
}

/**
 * Which expression of a NEWRULE request an extack offset falls in, e.g.
 * `expression #2 (lookup)`, so an error names the step the kernel refused.
 */
export function expressionAtOffset(request: Buffer, offset: number): string | undefined {
  const end = Math.min(request.length, request.length >= 4 ? u32le(request, 0) : 0);
  for (let at = 16 + 4; at + 4 <= end; ) {
    const len = u16le(request, at);
    if (len < 4 || at + len > end) return undefined;
    if ((u16le(request, at + 2) & 0x3fff) === K.NFTA_RULE_EXPRESSIONS && offset >= at && offset < at + len) {
      let index = 0;
      for (let elem = at + 4; elem + 4 <= at + len; index++) {
        const elemLen = u16le(request, elem);
        if (elemLen < 4 || elem + elemLen > at + len) return undefined;
        if (offset >= elem && offset < elem + elemLen) {
          // NFTA_EXPR_NAME is the first attribute of the element as nlkit writes it.
          const nameLen = elemLen >= 8 ? u16le(request, elem + 4) : 0;
          if (nameLen < 4 || 4 + nameLen > elemLen) return `expression #${index}`;
          const name = request.toString('utf8', elem + 8, elem + 4 + nameLen).replace(/\0.*$/, '');
          return `expression #${index} (${name})`;
        }
        elem += (elemLen + 3) & ~3;
      }
      return undefined;
    }
    at += (len + 3) & ~3;
  }
  return undefined;
}
