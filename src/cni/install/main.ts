// `node dist/cni/install/main.js`: the DaemonSet's initContainer (docs/cni-cluster.md).
import { runInstall } from './run.js';

process.exitCode = await runInstall(process.argv.slice(2));
