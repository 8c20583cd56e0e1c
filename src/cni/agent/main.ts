// `node dist/cni/agent.js` (the launcher scripts/build-cni.mjs writes) lands here.
import { runCniAgentDaemon } from './daemon.js';

process.exitCode = await runCniAgentDaemon(process.argv.slice(2));
