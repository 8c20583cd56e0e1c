// One stateful object kind (limit, ct helper, synproxy, ...): its NFT_OBJECT_*
// number, the fields of its spec, and the encoder and decoder of its
// NFTA_OBJ_DATA nest, side by side. stateful.ts looks kinds up by name.
import type { AttributeCursor, RawAttribute } from '../../netlink/attributes.js';
import type { MessageWriter } from '../../netlink/writer.js';

export interface ObjectKind<S extends object> {
  /** nft's name of the type (`limit`, `ct helper`, ...), the spec's `type`. */
  readonly type: string;
  /** NFT_OBJECT_* number (NFTA_OBJ_TYPE). */
  readonly number: number;
  /** The spec's own fields besides the common ones (family, table, name, type, comment). */
  readonly keys: readonly string[];
  /** Checks every field (InvalidArgumentError naming it) and writes the NFTA_OBJ_DATA payload. */
  encode(w: MessageWriter, spec: S, what: string): void;
  /** The kind's fields from its NFTA_OBJ_DATA nest; attributes it does not know go to `unknown`. */
  decode(c: AttributeCursor, unknown: RawAttribute[]): Partial<S>;
}
