// The resident CNI agent and what its clients need to reach it.
export { startCniAgent, type CniAgent, type CniAgentOptions, type AgentLockEvent } from './agent.js';
export { runCniAgentDaemon, AGENT_USAGE } from './daemon.js';
export { CniAgentRunningError } from './errors.js';
export { DEFAULT_AGENT_SOCKET, AGENT_SOCKET_VARIABLE } from './socket-path.js';
export { encodeRequest, decodeAnswer, type AgentRequest } from './protocol.js';
export { perlClientScript, type ClientScriptOptions } from './client-script.js';
export { DEFAULT_DEL_QUEUE, DEL_QUEUE_VARIABLE, replayDelQueue, type ReplayOutcome } from './del-queue.js';
export { CniCache, FACT_TTL_MS } from './cache.js';
