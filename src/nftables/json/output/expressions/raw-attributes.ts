// The attributes of an expression nlkit has no codec for (`{ kind: 'unknown', name, data }`),
// read from its raw NFTA_EXPR_DATA so the JSON output can print expressions the listing keeps
// undecoded (exthdr, rt, socket, tproxy...).
import { NftJsonUnsupportedError } from '../errors.js';

/** The top-level netlink attributes of one NFTA_EXPR_DATA payload, by type. */
export class RawAttributes {
  private readonly attrs = new Map<number, Buffer>();

  constructor(data: Buffer | undefined, private readonly expression: string, private readonly what: string) {
    let at = 0;
    while (data && at + 4 <= data.length) {
      const length = data.readUInt16LE(at);
      if (length < 4 || at + length > data.length) this.fail('its attributes are malformed');
      // NLA_F_NESTED and NLA_F_NET_BYTEORDER are flags, not part of the type.
      this.attrs.set(data.readUInt16LE(at + 2) & 0x3fff, data.subarray(at + 4, at + length));
      at += (length + 3) & ~3;
    }
  }

  fail(message: string): never {
    throw new NftJsonUnsupportedError(`the ${this.expression} expression: ${message}`, this.what);
  }

  has(type: number): boolean {
    return this.attrs.has(type);
  }

  /** A big-endian u32 attribute (registers, keys, lengths), undefined when absent. */
  u32(type: number): number | undefined {
    const b = this.attrs.get(type);
    if (b === undefined) return undefined;
    if (b.length < 4) this.fail(`attribute ${type} is shorter than 4 bytes`);
    return b.readUInt32BE(0);
  }

  /** A u32 attribute that must be there. */
  required(type: number, name: string): number {
    return this.u32(type) ?? this.fail(`${name} is missing`);
  }

  u8(type: number): number | undefined {
    const b = this.attrs.get(type);
    return b === undefined || b.length < 1 ? undefined : b[0];
  }

  u16(type: number): number | undefined {
    const b = this.attrs.get(type);
    return b === undefined || b.length < 2 ? undefined : b.readUInt16BE(0);
  }
}
