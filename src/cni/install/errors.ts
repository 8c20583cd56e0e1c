// The install program's failures: each names what to fix, and main.ts turns
// it into one line on stderr and a non-zero exit.

/** What went wrong, for a caller that reacts to it (tests, a wrapper script). */
export type CniInstallErrorCode =
  /** A setting (environment variable, option, template) is missing or malformed. */
  | 'EINVAL'
  /** The Node object has no pod CIDR and the template sets no subnet. */
  | 'ENOPODCIDR'
  /** The API server could not be reached or refused the request. */
  | 'EAPI'
  /** The nlkit package is missing files the node needs (not built, wrong directory). */
  | 'EPACKAGE';

/** A failure of `installCni`, `renderConflist` or `fetchNode`. */
export class CniInstallError extends Error {
  override readonly name = 'CniInstallError';
  constructor(
    readonly code: CniInstallErrorCode,
    message: string,
  ) {
    super(message);
  }
}
