// The objects of nft's JSON schema (`man libnftables-json`: TABLE, CHAIN, SET/MAP,
// ELEMENT, counter, quota, limit, ct helper) as nlkit's specs, and their references
// for delete and flush.
import type { Expression } from '../../expressions/types.js';
import type { ObjectType } from '../../expressions/objref.js';
import type { ChainRef, ChainSpec } from '../../objects/chain.js';
import type { SetElementInput } from '../../objects/elements.js';
import { NFT_FAMILIES, type NftFamily } from '../../objects/family.js';
import type { ChainHook, ChainType } from '../../objects/hooks.js';
import type { RuleSpec } from '../../objects/rule.js';
import type { SetFlag, SetRef, SetSpec, TypeSpec } from '../../objects/set.js';
import type { ObjectRef, StatefulObjectSpec } from '../../objects/stateful.js';
import type { TableRef, TableSpec } from '../../objects/table.js';
import { within, type JsonNode } from './reader.js';
import { elementsCommands } from '../../objects/elements.js';
import { validateSet } from '../../objects/set.js';
import { isIntervalValue, RuleLinearizer, type AnonymousSetNeed } from './rule.js';
import { element, normalizeElements } from './values.js';

/** Object types a map may name as its data (`"map": "counter"` makes an object map). */
const OBJECT_MAP_TYPES: readonly ObjectType[] = ['counter', 'quota', 'limit', 'ct helper', 'ct timeout', 'ct expectation', 'synproxy', 'secmark'];

export function family(node: JsonNode): NftFamily {
  return node.oneOf(NFT_FAMILIES as readonly NftFamily[]);
}

function comment(node: JsonNode, spec: { comment?: string }): void {
  const c = node.at('comment').optionalString();
  if (c !== undefined) spec.comment = c;
}

export function table(node: JsonNode): TableSpec {
  node.object(['family', 'name', 'handle', 'flags', 'comment']);
  const spec: TableSpec = { family: family(node.at('family')), name: node.at('name').string() };
  if (!node.at('flags').isMissing()) spec.flags = node.at('flags').list().map((f) => f.oneOf(['dormant', 'owner'] as const));
  comment(node, spec);
  return spec;
}

export function tableRef(node: JsonNode): TableRef {
  node.object(['family', 'name', 'handle']);
  if (node.at('name').isMissing()) return { family: family(node.at('family')), handle: node.at('handle').integer() } as TableRef;
  return { family: family(node.at('family')), name: node.at('name').string() } as TableRef;
}

export function chain(node: JsonNode): ChainSpec {
  node.object(['family', 'table', 'name', 'handle', 'newname', 'type', 'hook', 'prio', 'policy', 'dev', 'comment']);
  const spec: ChainSpec = { family: family(node.at('family')), table: node.at('table').string(), name: node.at('name').string() };
  if (!node.at('newname').isMissing()) node.at('newname').fail('renaming chains is not supported');
  if (!node.at('type').isMissing()) spec.type = node.at('type').oneOf<ChainType>(['filter', 'nat', 'route']);
  if (!node.at('hook').isMissing()) spec.hook = node.at('hook').oneOf<ChainHook>(['prerouting', 'input', 'forward', 'output', 'postrouting', 'ingress', 'egress']);
  const prio = node.at('prio');
  if (!prio.isMissing()) spec.priority = typeof prio.value === 'string' ? prio.string() : prio.integer(2 ** 31 - 1, -(2 ** 31));
  if (!node.at('policy').isMissing()) spec.policy = node.at('policy').oneOf(['accept', 'drop'] as const);
  const dev = node.at('dev');
  if (!dev.isMissing()) {
    const devices = dev.list().map((d) => d.string());
    if (Array.isArray(dev.value)) spec.devices = devices;
    else spec.device = devices[0]!;
  }
  comment(node, spec);
  // A netdev base chain hooks to devices: without one the kernel refuses it (nft 1.0.6 leaves out a list of several).
  if (spec.family === 'netdev' && spec.hook !== undefined && spec.device === undefined && spec.devices === undefined) node.at('dev').fail(`netdev chain ${spec.name} hooks to ${spec.hook} and needs "dev"`);
  return spec;
}

export function chainRef(node: JsonNode): ChainRef {
  node.object(['family', 'table', 'name', 'handle']);
  const base = { family: family(node.at('family')), table: node.at('table').string() };
  if (node.at('name').isMissing()) return { ...base, handle: node.at('handle').integer() } as ChainRef;
  return { ...base, name: node.at('name').string() } as ChainRef;
}

/** A type: `"ipv4_addr"`, `["ipv4_addr", "inet_service"]`, or `"ipv4_addr . inet_service"`. */
function typeOf(node: JsonNode): TypeSpec {
  if (Array.isArray(node.value)) return node.items().map((t) => t.string());
  if (node.isObject()) return node.fail('"typeof" set types are not supported yet; give the datatype');
  return node.string();
}

export interface ParsedSet {
  spec: SetSpec & { elements?: SetElementInput[] };
}

const SET_FLAGS: readonly SetFlag[] = ['constant', 'interval', 'timeout', 'dynamic'];

/** A `set` or a `map` (`isMap`). */
export function set(node: JsonNode, isMap: boolean, stateful: (name: string, node: JsonNode) => Expression[], ifindex?: (name: string) => number): SetSpec {
  node.object(['family', 'table', 'name', 'handle', 'type', 'map', 'flags', 'timeout', 'gc-interval', 'size', 'policy', 'comment', 'elem', 'stmt', 'auto-merge']);
  const spec: SetSpec = {
    family: family(node.at('family')), table: node.at('table').string(), name: node.at('name').string(), type: typeOf(node.at('type')),
  };
  let elementKind: 'data' | 'object' | undefined;
  if (isMap) {
    const map = node.at('map');
    if (typeof map.value === 'string' && (OBJECT_MAP_TYPES as readonly string[]).includes(map.value)) {
      spec.objectType = map.value as ObjectType;
      elementKind = 'object';
    } else {
      spec.map = typeOf(map);
      elementKind = 'data';
    }
  } else if (!node.at('map').isMissing()) node.at('map').fail('a set has no map type; use "map"');
  if (!node.at('flags').isMissing()) spec.flags = node.at('flags').list().map((f) => f.oneOf(SET_FLAGS));
  if (!node.at('timeout').isMissing()) spec.timeout = node.at('timeout').integer(Number.MAX_SAFE_INTEGER / 1000) * 1000;
  if (!node.at('gc-interval').isMissing()) spec.gcInterval = node.at('gc-interval').integer(0xffffffff / 1000) * 1000;
  if (!node.at('size').isMissing()) spec.size = node.at('size').integer(0xffffffff);
  if (!node.at('policy').isMissing()) spec.policy = node.at('policy').oneOf(['performance', 'memory'] as const);
  // nft keeps auto-merge in the set's userdata, which nlkit derives from the types alone.
  if (!node.at('auto-merge').isMissing() && node.at('auto-merge').boolean()) node.at('auto-merge').fail('auto-merge sets are not supported yet');
  comment(node, spec);
  if (!node.at('stmt').isMissing()) {
    spec.expressions = node.at('stmt').items().flatMap((s) => {
      const [kind, inner] = s.single('a stateful statement');
      return stateful(kind, inner);
    });
  }
  if (!node.at('elem').isMissing()) spec.elements = node.at('elem').list().map((e) => element(e, elementKind, stateful));
  if (spec.expressions?.length && spec.elements) spec.elements = spec.elements.map((e) => withSetExpressions(e, spec.expressions!));
  // `ct count` in an element of a set without stateful templates is only possible in a dynamic set; nft 1.0.6 leaves the flag out of its JSON.
  if (!spec.expressions?.length && spec.elements?.some((e) => typeof e === 'object' && !Array.isArray(e) && e.expressions?.some((x) => x.kind === 'connlimit')) && !spec.flags?.includes('dynamic')) {
    spec.flags = [...(spec.flags ?? []), 'dynamic'];
  }
  // A range or prefix as data: the map's data are intervals (`type ipv4_addr : interval ipv4_addr`).
  if (elementKind === 'data' && !node.at('elem').isMissing() && node.at('elem').list().some((e) => Array.isArray(e.value) && isIntervalValue(e.value[1]))) spec.dataInterval = true;
  checkSet(spec, node, ifindex);
  return spec;
}

/**
 * An element of a set with stateful expressions carries one of each, in the set's order: its own
 * where the JSON lists it (nft 1.0.6 prints only the first), else the set's template, as nft does.
 */
function withSetExpressions(input: SetElementInput, templates: readonly Expression[]): SetElementInput {
  const full = typeof input === 'object' && !Array.isArray(input) ? input : { key: input };
  const own = full.expressions ?? [];
  const expressions = templates.map((t) => own.find((e) => e.kind === t.kind) ?? t);
  return { ...full, expressions };
}

/** Encodes a set and its elements once, so a value that does not fit its type fails here, naming the set, not at commit. */
export function checkSet(spec: SetSpec, node: JsonNode, ifindex?: (name: string) => number, normalized = false): void {
  within(node, () => {
    if (spec.elements?.length && !normalized) normalizeElements(spec.elements as SetElementInput[], spec.type, spec.map, ifindex);
    const shape = validateSet(spec);
    if (spec.elements?.length) elementsCommands({ family: spec.family, table: spec.table, set: spec.name }, shape, spec.elements, 'add');
  });
}

export function setRef(node: JsonNode): SetRef {
  node.object(['family', 'table', 'name', 'handle']);
  const base = { family: family(node.at('family')), table: node.at('table').string() };
  if (node.at('name').isMissing()) return { ...base, handle: node.at('handle').integer() };
  return { ...base, name: node.at('name').string() };
}

/** An `element` object: the set it goes to and the elements; `kind` says how the elements' data reads. */
export function elements(node: JsonNode, kind: 'data' | 'object' | undefined, stateful: (name: string, node: JsonNode) => Expression[]): { family: NftFamily; table: string; name: string; elements: SetElementInput[] } {
  node.object(['family', 'table', 'name', 'elem']);
  return {
    family: family(node.at('family')), table: node.at('table').string(), name: node.at('name').string(),
    elements: node.at('elem').list().map((e) => element(e, kind, stateful)),
  };
}

/** Whether an element list is of a map (`[key, data]` pairs) — for elements of sets this document does not define. */
export function looksLikeMapElements(node: JsonNode): boolean {
  const elem = node.at('elem');
  const first = Array.isArray(elem.value) ? elem.value[0] : elem.value;
  return Array.isArray(first);
}

/** A rule, with its anonymous sets requested through `anonymousSet`. */
export function rule(
  node: JsonNode,
  anonymousSet: (family: NftFamily, table: string, need: AnonymousSetNeed) => string,
  setOf: (family: NftFamily, table: string, name: string) => SetSpec | undefined,
  interfaceIndex: ((name: string) => number) | undefined,
  writtenByRule: (family: NftFamily, table: string, name: string) => void,
): RuleSpec & { handle?: number; index?: number } {
  node.object(['family', 'table', 'chain', 'handle', 'index', 'expr', 'comment']);
  const fam = family(node.at('family'));
  const tableName = node.at('table').string();
  const spec: RuleSpec & { handle?: number } = {
    family: fam, table: tableName, chain: node.at('chain').string(),
    expressions: RuleLinearizer.linearize(node.at('expr'), {
      family: fam, table: tableName, anonymousSet: (need) => anonymousSet(fam, tableName, need), setData: (name) => setOf(fam, tableName, name)?.map,
      interval: (name) => setOf(fam, tableName, name)?.flags?.includes('interval') ?? false,
      ...(interfaceIndex ? { interfaceIndex } : {}), writtenByRule: (name) => writtenByRule(fam, tableName, name),
    }),
  };
  comment(node, spec);
  const handle = node.at('handle').optionalInteger();
  if (handle !== undefined) spec.handle = handle;
  if (!node.at('index').isMissing()) node.at('index').fail('rule positions by index are not supported; use "handle"');
  return spec;
}

/** Named stateful objects. */
export const OBJECT_KINDS = ['counter', 'quota', 'limit', 'ct helper', 'ct timeout', 'ct expectation', 'synproxy', 'secmark'] as const;
export type JsonObjectKind = (typeof OBJECT_KINDS)[number];

const BYTE_UNITS: Record<string, number> = { bytes: 1, kbytes: 1024, mbytes: 1024 ** 2, gbytes: 1024 ** 3 };
const L4_PROTOCOLS = ['tcp', 'udp', 'sctp', 'dccp', 'udplite', 'gre', 'icmp', 'icmpv6'] as const;

export function object(kind: JsonObjectKind, node: JsonNode): StatefulObjectSpec {
  const base = ['family', 'table', 'name', 'handle', 'comment'];
  const head = (keys: string[]) => {
    node.object([...base, ...keys]);
    const b: { family: NftFamily; table: string; name: string; comment?: string } = {
      family: family(node.at('family')), table: node.at('table').string(), name: node.at('name').string(),
    };
    comment(node, b);
    return b;
  };
  switch (kind) {
    case 'counter': {
      const b = head(['packets', 'bytes']);
      return { ...b, type: 'counter', packets: node.at('packets').optionalInteger() ?? 0, bytes: node.at('bytes').optionalInteger() ?? 0 };
    }
    case 'quota': {
      const b = head(['bytes', 'used', 'inv']);
      return {
        ...b, type: 'quota', bytes: node.at('bytes').integer(), consumed: node.at('used').optionalInteger() ?? 0,
        over: node.at('inv').isMissing() ? false : node.at('inv').boolean(),
      };
    }
    case 'limit': {
      const b = head(['rate', 'per', 'burst', 'unit', 'inv', 'rate_unit', 'burst_unit']);
      const unitNode = node.at('rate_unit').isMissing() ? node.at('unit') : node.at('rate_unit');
      const bytes = !unitNode.isMissing() && unitNode.value !== 'packets';
      const factor = bytes ? BYTE_UNITS[unitNode.oneOf(Object.keys(BYTE_UNITS))]! : 1;
      const spec: StatefulObjectSpec = {
        ...b, type: 'limit', rate: node.at('rate').integer(Number.MAX_SAFE_INTEGER, 1) * factor,
        unit: node.at('per').isMissing() ? 'second' : node.at('per').oneOf(['second', 'minute', 'hour', 'day', 'week'] as const),
        per: bytes ? 'bytes' : 'packets', over: node.at('inv').isMissing() ? false : node.at('inv').boolean(),
      };
      const burst = node.at('burst').optionalInteger(0xffffffff);
      if (burst !== undefined) {
        const burstFactor = node.at('burst_unit').isMissing() ? 1 : BYTE_UNITS[node.at('burst_unit').oneOf(Object.keys(BYTE_UNITS))]!;
        spec.burst = burst * burstFactor;
      }
      return spec;
    }
    case 'ct helper': {
      const b = head(['type', 'protocol', 'l3proto']);
      const spec: StatefulObjectSpec = { ...b, type: 'ct helper', helper: node.at('type').string(), protocol: node.at('protocol').oneOf(['tcp', 'udp'] as const) };
      if (!node.at('l3proto').isMissing()) spec.l3proto = node.at('l3proto').oneOf(['ip', 'ip6', 'inet'] as const);
      return spec;
    }
    case 'ct timeout': {
      const b = head(['protocol', 'l3proto', 'policy']);
      const policy: Record<string, number> = {};
      const policyNode = node.at('policy').object();
      for (const state of Object.keys(policyNode.value as object)) {
        // nft's JSON says `unack` for the state nft's text (and nlkit) call `unacknowledged`.
        policy[state === 'unack' ? 'unacknowledged' : state] = policyNode.at(state).integer(0xffffffff);
      }
      const spec: StatefulObjectSpec = { ...b, type: 'ct timeout', protocol: node.at('protocol').oneOf(L4_PROTOCOLS), policy };
      if (!node.at('l3proto').isMissing()) spec.l3proto = node.at('l3proto').oneOf(['ip', 'ip6', 'inet'] as const);
      return spec;
    }
    case 'ct expectation': {
      const b = head(['protocol', 'dport', 'timeout', 'size', 'l3proto']);
      const spec: StatefulObjectSpec = {
        ...b, type: 'ct expectation', protocol: node.at('protocol').oneOf(L4_PROTOCOLS), dport: node.at('dport').integer(0xffff),
        timeout: node.at('timeout').integer(0xffffffff), size: node.at('size').integer(0xff),
      };
      if (!node.at('l3proto').isMissing()) spec.l3proto = node.at('l3proto').oneOf(['ip', 'ip6', 'inet'] as const);
      return spec;
    }
    case 'synproxy': {
      const b = head(['mss', 'wscale', 'flags']);
      const spec: StatefulObjectSpec = { ...b, type: 'synproxy', flags: node.at('flags').isMissing() ? [] : node.at('flags').list().map((f) => f.oneOf(['timestamp', 'sack-perm'] as const)) };
      const mss = node.at('mss').optionalInteger(0xffff);
      if (mss !== undefined) spec.mss = mss;
      const wscale = node.at('wscale').optionalInteger(14);
      if (wscale !== undefined) spec.wscale = wscale;
      return spec;
    }
    case 'secmark': {
      const b = head(['context']);
      return { ...b, type: 'secmark', context: node.at('context').string() };
    }
  }
}

export function objectRef(kind: JsonObjectKind, node: JsonNode): ObjectRef {
  node.object(['family', 'table', 'name', 'handle']);
  return { family: family(node.at('family')), table: node.at('table').string(), name: node.at('name').string(), type: kind };
}
