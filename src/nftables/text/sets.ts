// Sets and maps as nft declares them (`set NAME { type …; flags …; elements = { … } }`)
// and their elements, wrapped the way nft wraps them (its calculate_delim).
import type { NftJsonSet, NftJsonStatement, NftJsonValue } from '../json/schema.js';
import { statementText } from './statements/index.js';
import { typeofText } from './typeof.js';
import type { QuotaExpression } from '../expressions/quota.js';
import type { SetElement } from '../objects/elements.js';
import type { NftSet } from '../objects/set.js';
import { byteUnits } from './units.js';
import { decodeUserdata, UDATA_SET_MERGE_ELEMENTS, userdataU32 } from '../protocol/userdata.js';
import { exprText, mappingText } from './expressions.js';
import { duration, quoted, TAB, type Block } from './layout.js';
import { hintOfType } from './values.js';

/** Key types nft prints five elements a line for; two a line for the second group; one a line for the rest. */
const FIVE_A_LINE = new Set(['nf_proto', 'integer', 'arp_op', 'inet_proto', 'inet_service', 'tcp_flag', 'dccp_pkttype', 'mark', 'iface_index', 'classid', 'uid', 'gid', 'ct_dir']);
const TWO_A_LINE = new Set(['ipv4_addr', 'ct_state', 'ct_status', 'pkt_type']);
const NEWLINE = `,\n${TAB}${TAB}${TAB}     `;

/** `{ a, b,\n\t\t\t     c }` with nft's line breaks for a named set of key type `type`. */
export function elementsText(items: string[], type: NftJsonValue | undefined): string {
  const per = typeof type === 'string' ? (FIVE_A_LINE.has(type) ? 5 : TWO_A_LINE.has(type) ? 2 : 1) : 1;
  let out = '{ ';
  let count = 0;
  items.forEach((item, i) => {
    if (i > 0) {
      if (count < per) out += ', ';
      else { out += NEWLINE; count = 0; }
    }
    out += item;
    count++;
  });
  return `${out} }`;
}

function typeText(type: NftJsonValue | undefined): string {
  return Array.isArray(type) ? type.join(' . ') : String(type);
}

/** Map data that names objects, printed quoted. */
const OBJECT_MAPS = new Set(['counter', 'quota', 'limit', 'ct helper', 'ct timeout', 'ct expectation', 'synproxy', 'secmark']);

/** nft's order of the set flags it prints. */
const FLAG_ORDER = ['constant', 'dynamic', 'interval', 'timeout'];

/**
 * nft-JSON 1.0.6 keeps one statement per element (`counter`): the others an element carries
 * (`quota 10 mbytes`) come from the listing, element for element when both list the same count.
 */
function withListedStatements(elems: NftJsonValue[], listed: NftSet | undefined): NftJsonValue[] {
  const els = (listed as { elements?: SetElement[] } | undefined)?.elements;
  if (!els || els.length !== elems.length) return elems;
  return elems.map((e, i) => {
    const quota = els[i]!.expressions?.find((x) => x.kind === 'quota') as QuotaExpression | undefined;
    const body = e !== null && typeof e === 'object' && !Array.isArray(e) ? (e as Record<string, NftJsonValue>).elem : undefined;
    if (!quota || !body || typeof body !== 'object' || Array.isArray(body) || 'quota' in body) return e;
    const [val, unit] = byteUnits(quota.bytes).split(' ');
    const q: Record<string, NftJsonValue> = { val: Number(val), val_unit: unit! };
    if (quota.consumed) {
      const [used, usedUnit] = byteUnits(quota.consumed).split(' ');
      Object.assign(q, { used: Number(used), used_unit: usedUnit! });
    }
    if (quota.over) q.inv = true;
    return { elem: { ...body, quota: q } };
  });
}

/** A set or map declaration. `listed` is the set as nlkit listed it (for what nft-JSON leaves out). */
export function setText(kind: 'set' | 'map', s: NftJsonSet, listed: NftSet | undefined): Block {
  const b = s as unknown as Record<string, NftJsonValue>;
  const lines: string[] = [];
  const t = `${TAB}${TAB}`;
  // `typeof` when nft declared the key (and, for a map, the data) from expressions.
  const keyOf = typeofText(listed?.userdata, 'key');
  const dataOf = kind === 'map' ? typeofText(listed?.userdata, 'data') : undefined;
  const typed = keyOf !== undefined && (kind === 'set' || dataOf !== undefined || typeof b.map === 'string' && b.map === 'verdict');
  let type = typed ? `${t}typeof ${keyOf}` : `${t}type ${typeText(b.type)}`;
  if (kind === 'map') {
    const data = typed && dataOf !== undefined ? dataOf : typeText(b.map);
    type += ` : ${(listed?.dataInterval ? 'interval ' : '') + data}`;
  }
  lines.push(type);
  if (b.policy !== undefined && b.policy !== 'performance') lines.push(`${t}policy ${b.policy}`);
  if (b.size !== undefined) lines.push(`${t}size ${b.size}`);
  const jsonFlags = (Array.isArray(b.flags) ? b.flags : b.flags === undefined ? [] : [b.flags]).map(String);
  const flags = new Set(jsonFlags);
  if (listed?.flags.includes('dynamic')) flags.add('dynamic');
  const shown = FLAG_ORDER.filter((f) => flags.has(f));
  // nft 1.0.6 leaves a lone `timeout` flag out when the set has a default timeout.
  if (shown.length > 1 || (shown.length === 1 && (shown[0] !== 'timeout' || b.timeout === undefined))) lines.push(`${t}flags ${shown.join(',')}`);
  if (b.stmt !== undefined) {
    // Statements every element gets (`counter`): nft prints them on a line of their own.
    const list = Array.isArray(b.stmt) ? b.stmt : [b.stmt];
    lines.push(`${t}${list.map((st) => statementText(st as NftJsonStatement)).join(' ')}`);
  }
  if (b.timeout !== undefined) lines.push(`${t}timeout ${duration(Number(b.timeout) * 1000)}`);
  if (b['gc-interval'] !== undefined) lines.push(`${t}gc-interval ${duration(Number(b['gc-interval']) * 1000)}`);
  if (listed?.userdata && userdataU32(decodeUserdata(listed.userdata), UDATA_SET_MERGE_ELEMENTS)) lines.push(`${t}auto-merge`);
  if (b.comment !== undefined) lines.push(`${t}comment ${quoted(String(b.comment))}`);
  const elems = Array.isArray(b.elem) ? b.elem : [];
  if (elems.length) {
    const keyHint = hintOfType(b.type);
    const dataHint = typeof b.map === 'string' && OBJECT_MAPS.has(b.map) ? 'string' : hintOfType(b.map);
    const items = withListedStatements(elems, listed).map((e) => (kind === 'map' ? mappingText(e, keyHint, dataHint) : exprText(e, keyHint)));
    lines.push(`${t}elements = ${elementsText(items, b.type)}`);
  }
  return { open: `${kind} ${s.name}`, handle: s.handle, lines };
}
