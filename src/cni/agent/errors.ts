// The agent's own failures at start-up (a call's failures are CNI error results, never exceptions).

/** Another agent answers on the socket path: two agents must not serve one node. */
export class CniAgentRunningError extends Error {
  override readonly name = 'CniAgentRunningError';
  /** Always `'EADDRINUSE'`. */
  readonly code = 'EADDRINUSE';
  constructor(readonly socketPath: string) {
    super(`an nlkit CNI agent already answers on ${socketPath}`);
  }
}
