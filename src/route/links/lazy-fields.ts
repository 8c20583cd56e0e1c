// Fields of a decoded Link that are built on first read, from the link's
// private copy of its message. A link carries a dozen attributes nlkit keeps
// raw (`unknown`), 25 counters (`stats64`) and a kilobyte of per-family
// configuration (`afSpec`); built eagerly they were half of a link's decoding
// time and most of its memory (each raw attribute is an object and a Buffer
// view), for fields most callers never read. `rt.link.get()` is meant to cost
// little more than the round trip itself.
//
// The fields stay own enumerable properties, so Object.keys, JSON.stringify,
// spread, deep equality and the `ip -j` conversion see them as before (each
// read runs the getter). The first read, or a write, turns the accessor into
// an ordinary data property holding that value, so later reads return the
// same object and changes to it stick. The accessors are shared by every link
// (one descriptor per field): V8 then keeps one hidden class per field order,
// as with plain fields, instead of a class per object.
import type { MessageCopy } from './message-copy.js';
import type { Link } from './types.js';

/** Returns its argument from `new`, so a subclass can add private fields to any object. */
class Stamp {
  constructor(target: object) {
    return target as Stamp;
  }
}

/**
 * The link's private copy of its message, in a private class field: not a
 * property anyone can list, copy or compare, unlike a symbol or a WeakMap
 * entry (which also costs the garbage collector per link).
 */
class LinkBytes extends Stamp {
  readonly #own: MessageCopy;

  constructor(link: object, own: MessageCopy) {
    super(link);
    this.#own = own;
  }

  static of(link: object): MessageCopy {
    return (link as LinkBytes).#own;
  }
}

/** Records `own` (the copy of the message the lazy fields are decoded from) on `link`. */
export function attachLinkBytes(link: Link, own: MessageCopy): void {
  new LinkBytes(link, own);
}

function settle(link: Link, key: string, value: unknown): void {
  // Reflect: on a link the caller froze, the value is simply rebuilt on each read.
  Reflect.defineProperty(link, key, { value, writable: true, enumerable: true, configurable: true });
}

/** A shared accessor for `key`, computing the value from the link's bytes on first read. */
export function lazyField(key: keyof Link, compute: (own: MessageCopy) => unknown): PropertyDescriptor {
  return {
    get(this: Link): unknown {
      const value = compute(LinkBytes.of(this));
      settle(this, key, value);
      return value;
    },
    set(this: Link, value: unknown): void {
      settle(this, key, value);
    },
    enumerable: true,
    configurable: true,
  };
}
