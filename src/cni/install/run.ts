// The install program as a function of its environment (main.ts runs it):
// settings from variables, one summary line per result on stdout, one line
// per failure on stderr, an exit code.
import { readFileSync } from 'node:fs';
import { CniInstallError } from './errors.js';
import { installCni, type LauncherKind } from './install.js';
import { fetchNode, inClusterApiServer, SERVICE_ACCOUNT_DIR, type ApiServer } from './node-api.js';

export const INSTALL_USAGE = `usage: node dist/cni/install/main.js

Installs nlkit's CNI plugins on this node (the DaemonSet's initContainer runs
it; docs/cni-cluster.md). Settings, from the environment:
  NODE_NAME              this node (downward API spec.nodeName); needed when the template sets no subnet
  NLKIT_CNI_TEMPLATE     the conflist template file (default /etc/nlkit/cni-conf.json)
  NLKIT_CNI_BIN_DIR      where the plugin executables go (default /opt/cni/bin)
  NLKIT_CNI_CONF_DIR     where the conflist goes (default /etc/cni/net.d)
  NLKIT_CNI_CONF_NAME    its file name (default 10-nlkit.conflist)
  NLKIT_CNI_RUNTIME_DIR  copy this Node.js there for the standalone fallback (default: none, node from PATH)
  NLKIT_CNI_LAUNCHER     perl (agent client, default) or sh (standalone only)
  NLKIT_API_SERVER       the API server URL, no token (default: KUBERNETES_SERVICE_HOST/PORT with the service account)
  NLKIT_SERVICE_ACCOUNT_DIR  the service account's token and ca.crt (default ${SERVICE_ACCOUNT_DIR})`;

export interface InstallIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const STDIO: InstallIo = { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) };

/** Runs the install; resolves with the exit code (0 done, 1 failed, 2 usage). Never throws. */
export async function runInstall(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env, io: InstallIo = STDIO): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    io.stdout(`${INSTALL_USAGE}\n`);
    return 0;
  }
  if (argv.length > 0) {
    io.stderr(`nlkit-cni-install: unknown argument ${JSON.stringify(argv[0])}\n${INSTALL_USAGE}\n`);
    return 2;
  }
  try {
    const templatePath = env.NLKIT_CNI_TEMPLATE || '/etc/nlkit/cni-conf.json';
    let template: string;
    try {
      template = readFileSync(templatePath, 'utf8');
    } catch (error) {
      throw new CniInstallError('EINVAL', `cannot read the conflist template ${templatePath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    let api: ApiServer | undefined;
    const result = await installCni({
      binDir: env.NLKIT_CNI_BIN_DIR || '/opt/cni/bin',
      confDir: env.NLKIT_CNI_CONF_DIR || '/etc/cni/net.d',
      confName: env.NLKIT_CNI_CONF_NAME || '10-nlkit.conflist',
      template,
      ...(env.NODE_NAME ? { nodeName: env.NODE_NAME } : {}),
      ...(env.NLKIT_CNI_RUNTIME_DIR ? { runtimeDir: env.NLKIT_CNI_RUNTIME_DIR } : {}),
      launcher: (env.NLKIT_CNI_LAUNCHER || 'perl') as LauncherKind,
      fetchNode: (name) => {
        api ??= env.NLKIT_API_SERVER ? { url: env.NLKIT_API_SERVER } : inClusterApiServer(env, env.NLKIT_SERVICE_ACCOUNT_DIR || SERVICE_ACCOUNT_DIR);
        return fetchNode(api, name);
      },
    });
    const subnets = result.podCidrs.length > 0 ? `the Node's pod CIDRs ${result.podCidrs.join(', ')}` : 'the template\'s subnet';
    io.stdout(`nlkit-cni-install: ${result.conflistPath} with ${subnets}; plugins ${result.executables.join(', ')}; ${result.written.length === 0 ? 'nothing changed' : `wrote ${result.written.length} files`}\n`);
    return 0;
  } catch (error) {
    const code = error instanceof CniInstallError ? ` (${error.code})` : '';
    io.stderr(`nlkit-cni-install: ${(error as Error).message ?? String(error)}${code}\n`);
    return 1;
  }
}
