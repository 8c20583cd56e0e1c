// `node dist/cni/install/probe.js [--socket PATH] [--status CONFLIST]`: the DaemonSet's liveness and readiness probes.
import { runProbe } from './agent-probe.js';

process.exitCode = await runProbe(process.argv.slice(2));
