import type { AttributeCursor, RawAttribute } from '../../netlink/attributes.js';

/** Reads the cursor's current attribute into `target`. */
export type AttributeDecoder<T> = (target: T, c: AttributeCursor) => void;

/**
 * The decoders of one nest's attributes, looked up by attribute type: a
 * switch over dozens of imported constants compares against each case in
 * turn (and, under CJS transpilers, calls a getter per case) for every
 * attribute of every link in a dump; a table lookup is one load.
 */
export class DecoderTable<T extends { unknown: RawAttribute[] }> {
  private readonly decoders: (AttributeDecoder<T> | undefined)[] = [];

  on(type: number, decode: AttributeDecoder<T>): this {
    this.decoders[type] = decode;
    return this;
  }

  /** Whether attributes of `type` have a decoder (the others are kept raw in `unknown`). */
  has(type: number): boolean {
    return this.decoders[type] !== undefined;
  }

  /**
   * Decodes the attributes left under the cursor that have a decoder, and
   * skips the rest: for a target that builds `unknown` itself when read.
   */
  decodeKnown(c: AttributeCursor, target: T): T {
    this.decodeKnownSignature(c, target);
    return target;
  }

  /**
   * `decodeKnown`, returning a hash of the attribute types in their order:
   * objects with the same signature have the same hidden class (see
   * decodeLinkBytes in message.ts, which keeps one of each alive).
   */
  decodeKnownSignature(c: AttributeCursor, target: T): number {
    const decoders = this.decoders;
    let signature = 0;
    while (c.next()) {
      signature = Math.imul(signature ^ c.type, 0x01000193);
      decoders[c.type]?.(target, c);
    }
    return signature;
  }

  /**
   * Decodes every attribute left under the cursor into `target`; those
   * without a decoder go to `target.unknown`, as views (the cursor walks the
   * link's own copy of its message).
   */
  decode(c: AttributeCursor, target: T): T {
    const decoders = this.decoders;
    const unknown = target.unknown;
    while (c.next()) {
      const decode = decoders[c.type];
      if (decode) decode(target, c);
      else unknown.push(c.rawView());
    }
    return target;
  }
}
