/**
 * Thrown by `rulesetToNftJson` for something nlkit cannot print the way nft
 * does yet (an expression sequence nft's delinearizer would turn into a
 * statement nlkit does not know, an expression kind nlkit does not decode, a
 * set with types nlkit does not know). nlkit never prints a guess instead.
 */
export class NftJsonUnsupportedError extends Error {
  /** Always `'NftJsonUnsupportedError'`. */
  override readonly name = 'NftJsonUnsupportedError';
  /** Always `'ENOTSUP'`. */
  readonly code = 'ENOTSUP';
  constructor(
    /** What nlkit could not print and why. */
    message: string,
    /** The object it belongs to, as nft names it: `rule inet filter input handle 4`, `set inet filter allowed`. */
    readonly object: string,
  ) {
    super(`${object}: ${message}`);
  }
}
