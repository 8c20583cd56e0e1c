// The cluster install path (docs/cni-cluster.md): what the DaemonSet's
// initContainer runs, and the probes of its agent container.
export { CniInstallError, type CniInstallErrorCode } from './errors.js';
export { renderConflist, parseTemplate, podCidrsOf, ipamToFill, checkCidr, type Conflist, type NodeObject } from './conflist.js';
export { fetchNode, inClusterApiServer, checkNodeName, SERVICE_ACCOUNT_DIR, type ApiServer } from './node-api.js';
export { installCni, launcherScript, thisPackageDir, type InstallCniOptions, type InstallCniResult, type LauncherKind } from './install.js';
export { writeFileAtomic, copyNodeRuntime, type NodeRuntime } from './files.js';
export { runInstall, INSTALL_USAGE } from './run.js';
export { probeAgent, probeRequest, runProbe, PROBE_DEFAULT_SOCKET, type ProbeOptions } from './agent-probe.js';
