// The CniErrors this IPAM raises. Where host-local answers a condition with an
// error code of its own, the same code is used, so a runtime sees no change when
// a node switches: its allocation failures (exhausted range, taken requested
// address, duplicate allocation, CHECK without allocation) all come back as
// 999, the code its CNI library gives any plugin error. host-local gives
// configuration and environment mistakes that same 999; here they carry the
// specification's own codes (7 and 4), which say more.
import { CniError, CniErrorCode } from '../../errors.js';

/** The code host-local (through libcni's skel) reports for every failure of its own. */
export const HOST_LOCAL_FAILURE_CODE = 999;

/** The `ipam` configuration (or a network field it depends on) is wrong. */
export function configError(message: string): CniError {
  return new CniError(CniErrorCode.invalidConfig, message);
}

/** A CNI_* variable (container id, interface name, CNI_ARGS) or the request itself is wrong. */
export function environmentError(message: string): CniError {
  return new CniError(CniErrorCode.invalidEnvironment, message);
}

/** No address could be given, or none is recorded: host-local's own failures. */
export function allocationError(message: string): CniError {
  return new CniError(HOST_LOCAL_FAILURE_CODE, message);
}

/** The data directory or a file in it could not be read or written. */
export function storeError(message: string, cause: unknown): CniError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new CniError(CniErrorCode.ioFailure, message, detail);
}
