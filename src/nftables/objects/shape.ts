// Shape checks of the objects callers hand to nf_tables commands: specs,
// references and option bags, refused with a message naming the argument
// before anything is encoded.
import { requireArray, requireBoolean, requireKnownKeys, requireObject } from '../../netlink/checks.js';

/**
 * A spec (what `addTable`, `addChain`, ... take): an object whose fields are
 * all known. `known` lists the fields of the listed object too, so what
 * `listTables()` returned can be passed back; those are ignored.
 */
export function requireSpec<T extends object>(value: unknown, what: string, example: string, known: ReadonlySet<string>): T {
  const spec = requireObject<T>(value, what, example);
  requireKnownKeys(spec, known, what);
  return spec;
}

/** A flag list (`flags: ['interval']`); the names themselves are checked by the family's FlagNames. */
export function requireFlagList(value: unknown, what: string): void {
  if (value !== undefined) requireArray(value, what);
}

const ADD_OPTION_KEYS = new Set(['exclusive']);

/** `{ exclusive }` of the add methods: an optional object, its flag a boolean. */
export function exclusiveOption(options: unknown, what = 'options'): boolean {
  if (options === undefined) return false;
  const o = requireObject<{ exclusive?: unknown }>(options, what, '{ exclusive: true }');
  requireKnownKeys(o, ADD_OPTION_KEYS, what);
  return o.exclusive === undefined ? false : requireBoolean(o.exclusive, `${what}.exclusive`);
}
