// The libnftables JSON schema (`man libnftables-json`, nftables 1.0.6), as `nft -j list ruleset`
// prints it and `nft -j -f` reads it. Shared by both directions of src/nftables/json/.

/** Any JSON value inside the schema: expressions and statements are objects keyed by their kind. */
export type NftJsonValue = string | number | boolean | null | NftJsonValue[] | { [key: string]: NftJsonValue };

/** An expression (`{"payload": {...}}`, `{"meta": {...}}`, `"@set"`, a value, `{"set": [...]}`, ...). */
export type NftJsonExpression = NftJsonValue;

/** A statement of a rule (`{"match": {...}}`, `{"counter": {...}}`, `{"accept": null}`, ...): an object with one key. */
export type NftJsonStatement = { [kind: string]: NftJsonValue };

/** The first object of a listing: who printed it. */
export interface NftJsonMetainfo {
  /** Version of the program that printed the listing. */
  version: string;
  /** Release name of that program. */
  release_name: string;
  /** Version of the JSON schema; 1 for nftables 1.0.x. */
  json_schema_version: number;
}

/** A table (`{"table": {...}}`). */
export interface NftJsonTable {
  /** Table family: `ip`, `ip6`, `inet`, `arp`, `bridge` or `netdev`. */
  family: string;
  /** Table name. */
  name: string;
  /** Kernel handle of the table. */
  handle: number;
  /** One flag as a string, several as an array; absent without flags. */
  flags?: string | string[];
}

/** A chain (`{"chain": {...}}`); base chains add type, hook, prio and policy. */
export interface NftJsonChain {
  /** Family of the chain's table. */
  family: string;
  /** Name of the chain's table. */
  table: string;
  /** Chain name. */
  name: string;
  /** Kernel handle of the chain. */
  handle: number;
  /** Base chain type: `filter`, `nat` or `route`. */
  type?: string;
  /** Hook of a base chain: `input`, `prerouting`, `ingress`... */
  hook?: string;
  /** Priority of a base chain, as a number. */
  prio?: number;
  /** Policy of a base chain: `accept` or `drop`. */
  policy?: string;
  /** The device of a netdev chain; nft 1.0.6 prints none (see docs/nftables.md). */
  dev?: string | string[];
}

/** A rule (`{"rule": {...}}`): its statements in `expr`. */
export interface NftJsonRule {
  /** Family of the rule's table. */
  family: string;
  /** Name of the rule's table. */
  table: string;
  /** Name of the rule's chain. */
  chain: string;
  /** Kernel handle of the rule. */
  handle: number;
  /** The rule's comment, when it has one. */
  comment?: string;
  /** The rule's statements, in order. */
  expr: NftJsonStatement[];
}

/** A set or map (`{"set": {...}}`, `{"map": {...}}`). */
export interface NftJsonSet {
  /** Family of the set's table. */
  family: string;
  /** Set name. */
  name: string;
  /** Name of the set's table. */
  table: string;
  /** A datatype name, or an array of names for a concatenation. */
  type: string | string[];
  /** Kernel handle of the set. */
  handle: number;
  /** Data type of a map (`"verdict"`, `"ipv4_addr"`, `"ipv4_addr . inet_service"`, an object type). */
  map?: string;
  /** The set's comment, when it has one. */
  comment?: string;
  /** `memory` when the set prefers memory (the default, `performance`, is not printed). */
  policy?: string;
  /** Maximum number of elements (not printed for constant sets). */
  size?: number;
  /** `constant`, `interval`, `timeout`. */
  flags?: string[];
  /** Default element timeout in seconds. */
  timeout?: number;
  /** Garbage collection interval in seconds. */
  'gc-interval'?: number;
  /** The elements: values, `{"prefix"}`, `{"range"}`, `{"concat"}`, `{"elem": {...}}`, and `[key, data]` pairs in maps. */
  elem?: NftJsonValue[];
  /** Stateful statements every element gets (`counter`, `limit`, `quota`). */
  stmt?: NftJsonStatement[];
}

/** A named stateful object: counter, quota, limit, ct helper, ct timeout, ct expectation, synproxy, secmark. */
export interface NftJsonObject {
  /** Family of the object's table. */
  family: string;
  /** Object name. */
  name: string;
  /** Name of the object's table. */
  table: string;
  /** Kernel handle of the object. */
  handle: number;
  /** The fields of its type: `packets` and `bytes` of a counter, `rate` and `per` of a limit... */
  [field: string]: NftJsonValue | undefined;
}

/** One entry of the `nftables` array: an object with exactly one key naming what it is. */
export type NftJsonEntry =
  | {
      /** Who printed the listing. */
      metainfo: NftJsonMetainfo;
    }
  | {
      /** A table. */
      table: NftJsonTable;
    }
  | {
      /** A chain. */
      chain: NftJsonChain;
    }
  | {
      /** A rule. */
      rule: NftJsonRule;
    }
  | {
      /** A set. */
      set: NftJsonSet;
    }
  | {
      /** A map (a verdict map, a data map, an object map). */
      map: NftJsonSet;
    }
  | {
      /** A named object or a flowtable, keyed by its type: `counter`, `quota`, `ct helper`, `flowtable`... */
      [objectType: string]: NftJsonObject;
    };

/** A whole listing as `nft -j list ruleset` prints it. */
export interface NftJsonRuleset {
  /** The metainfo first, then per table: the table, its objects, sets, flowtables, chains, rules. */
  nftables: NftJsonEntry[];
}
