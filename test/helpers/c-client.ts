// The C plugin client for one plugin, compiled as `npm run build` compiles it
// (header from src/cni/agent/c-client.ts, compiler run by scripts/compile-c-client.mjs).
import { cClientConfigHeader } from '../../src/cni/agent/c-client.js';
import type { ClientScriptOptions } from '../../src/cni/agent/client-settings.js';
import { compileCClient } from '../../scripts/compile-c-client.mjs';

export { C_CLIENT_FLAGS, C_CLIENT_SOURCE, CClientBuildError } from '../../scripts/compile-c-client.mjs';

/** Compiles the client for `options.plugin` into `options.output`; CClientBuildError when cc is missing or fails. */
export function buildCClient(options: ClientScriptOptions & { output: string; cc?: string }): void {
  compileCClient({ header: cClientConfigHeader(options), output: options.output, cc: options.cc });
}
