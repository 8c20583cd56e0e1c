// CNI's error result: what a plugin prints on stdout (with a non-zero exit)
// when an operation fails. Codes 0-99 are the spec's; 100+ are the plugin's own.

/** The error codes the CNI specification (1.0.0 and 1.1.0) reserves. */
export const CniErrorCode = {
  incompatibleVersion: 1,
  unsupportedField: 2,
  containerUnknown: 3,
  invalidEnvironment: 4,
  ioFailure: 5,
  decodeFailure: 6,
  invalidConfig: 7,
  tryAgainLater: 11,
  /** STATUS: the plugin cannot serve ADD requests. */
  notAvailable: 50,
  /** STATUS: not available, and existing containers may have limited connectivity. */
  notAvailableLimited: 51,
  /** nlkit's own: the kernel refused a request (details carry the errno and the operation). */
  kernelError: 100,
  /** nlkit's own: the IPAM plugin or store could not give an address. */
  ipamFailure: 101,
  /**
   * What the reference plugins answer for any failure the spec gives no code
   * (Go's skeleton wraps every plain error in 999); nlkit-bridge uses it for
   * the same failures so a runtime sees the same code from either plugin.
   */
  internal: 999,
} as const;

/** A failed CNI operation; `toResult()` is the JSON the plugin prints. */
export class CniError extends Error {
  override readonly name = 'CniError';
  constructor(readonly code: number, message: string, readonly details = '') {
    super(message);
  }

  toResult(cniVersion: string): { cniVersion: string; code: number; msg: string; details?: string } {
    return this.details === ''
      ? { cniVersion, code: this.code, msg: this.message }
      : { cniVersion, code: this.code, msg: this.message, details: this.details };
  }
}
