// Qdiscs whose TCA_OPTIONS are a nest of u32 attributes, each from one spec
// field (fq_codel, fq): a table says which field becomes which attribute, read
// how, in the order tc writes them.
import { TCA_OPTIONS } from '../../../generated/rtnetlink.js';
import { InvalidArgumentError } from '../../../netlink/addresses.js';
import type { AttributeCursor } from '../../../netlink/attributes.js';
import { describeValue, requireBoolean, requireInteger } from '../../../netlink/checks.js';
import type { MessageWriter } from '../../../netlink/writer.js';
import type { TcKind } from '../kind.js';
import { parseRate, parseSize, parseTime, type TcRate, type TcSize, type TcTime } from '../units.js';

/** How a field is read: a count, a time (µs), a u32 rate (bytes/s), a size (bytes), a switch, or a power of two sent as its log2. */
export type U32FieldType = 'count' | 'time' | 'rate' | 'size' | 'boolean' | 'log2';

/** One spec field and its attribute. */
export interface U32Field {
  key: string;
  attr: number;
  type: U32FieldType;
}

function parseField(f: U32Field, value: unknown, what: string): number {
  switch (f.type) {
    case 'count': return requireInteger(value, what, 0, 0xffffffff);
    case 'time': return parseTime(value as TcTime, what);
    case 'size': return parseSize(value as TcSize, what);
    case 'boolean': return requireBoolean(value, what) ? 1 : 0;
    case 'rate': {
      const rate = parseRate(value as TcRate, what);
      if (rate > 0xffffffff) throw new InvalidArgumentError(`${what} must be below 2^32 bytes per second, got ${describeValue(value)}`);
      return rate;
    }
    case 'log2': {
      const n = requireInteger(value, what, 1, 0x80000000);
      if (n & (n - 1)) throw new InvalidArgumentError(`${what} must be a power of two, got ${n}`);
      return Math.log2(n);
    }
  }
}

/** A qdisc kind made from a field table. */
export function u32FieldsKind(kind: string, fields: readonly U32Field[]): TcKind<[U32Field, number][], Record<string, number>> {
  return {
    kind,
    objects: ['qdisc'],
    specKeys: () => fields.map((f) => f.key),
    prepare(spec) {
      const values: [U32Field, number][] = [];
      for (const f of fields) if (spec[f.key] !== undefined) values.push([f, parseField(f, spec[f.key], `${kind} ${f.key}`)]);
      return values;
    },
    encode(writer: MessageWriter, values) {
      const options = writer.beginNestedLegacy(TCA_OPTIONS);
      for (const [f, value] of values) writer.u32(f.attr, value);
      writer.endNested(options);
    },
    decode(c: AttributeCursor) {
      const out: Record<string, number> = {};
      const a = c.nestedCursor();
      while (a.next()) {
        const f = fields.find((x) => x.attr === a.type);
        // Attributes wider than 32 bits (fq's timer slack is) or narrower are skipped rather than misread.
        if (f && a.length === 4) out[f.key] = f.type === 'log2' ? 2 ** a.u32() : a.u32();
      }
      return out;
    },
  };
}
