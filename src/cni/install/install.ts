// What the DaemonSet's initContainer does on each node: the plugin
// executables into the CNI bin directory, the conflist (with the node's pod
// subnets) into the CNI configuration directory, each written atomically.
import { existsSync, mkdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { perlClientScript } from '../agent/index.js';
import { PLUGIN_NAMES } from '../plugins.js';
import { ipamToFill, parseTemplate, podCidrsOf, renderConflist, type Conflist, type NodeObject } from './conflist.js';
import { CniInstallError } from './errors.js';
import { copyNodeRuntime, writeFileAtomic } from './files.js';

/** Which executable the runtime starts: the agent's Perl client (default), or a shell script that always runs standalone. */
export type LauncherKind = 'perl' | 'sh';

export interface InstallCniOptions {
  /** The node's CNI bin directory (/opt/cni/bin), as the host sees it. */
  binDir: string;
  /** The node's CNI configuration directory (/etc/cni/net.d). */
  confDir: string;
  /** The conflist's file name; default `10-nlkit.conflist` (runtimes take the first in lexical order). */
  confName?: string;
  /** The conflist template (JSON text or object). */
  template: unknown;
  /** This node's name (NODE_NAME from the downward API); needed when the template sets no subnet. */
  nodeName?: string;
  /** Reads the Node object (the API server in a cluster; a fake in tests). Called only when the template sets no subnet. */
  fetchNode?: (name: string) => Promise<NodeObject>;
  /** The nlkit package whose dist/cni/bin/<plugin>.js the executables run, at the path the host sees it; default this package. */
  packageDir?: string;
  /** Default 'perl'. */
  launcher?: LauncherKind;
  /**
   * Copy this program's Node.js (with its libraries and loader) here and let
   * the executables run it when no agent answers; none: they run `node` from
   * PATH. The DaemonSet sets it, since a node rarely has Node.js.
   */
  runtimeDir?: string;
  /** The plugins to install; default all of nlkit's (`PLUGIN_NAMES`). */
  plugins?: readonly string[];
}

export interface InstallCniResult {
  conflistPath: string;
  conflist: Conflist;
  /** The node's pod CIDRs that went into the conflist ([] when the template set the subnet). */
  podCidrs: string[];
  /** The executables, by path. */
  executables: string[];
  /** The files this run wrote; [] on a rerun with nothing to change. */
  written: string[];
  /** How the executables start Node.js when no agent answers. */
  nodeCommands: string[][];
}

const CONF_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*\.conflist$/;

/** The package this module belongs to (dist/cni/install/ or src/cni/install/ → the package root). */
export function thisPackageDir(): string {
  return fileURLToPath(new URL('../../..', import.meta.url)).replace(/\/$/, '');
}

function checkDir(value: unknown, what: string): string {
  if (typeof value !== 'string' || !isAbsolute(value) || value.includes('\0')) throw new CniInstallError('EINVAL', `${what} must be an absolute path, not ${JSON.stringify(value)}`);
  return value;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The text of one plugin executable. */
export function launcherScript(kind: LauncherKind, plugin: string, entry: string, nodeCommands: string[][]): string {
  if (kind === 'perl') return perlClientScript({ plugin, entry, nodeCommands });
  // Each Node.js in turn, as the Perl client tries them: the ones before the last only when present.
  const lines = nodeCommands.map((argv, i) => {
    const exec = `exec ${[...argv, entry].map(shellQuote).join(' ')}`;
    if (i === nodeCommands.length - 1) return exec;
    return argv[0]!.startsWith('/') ? `[ -x ${shellQuote(argv[0]!)} ] && ${exec}` : `command -v ${shellQuote(argv[0]!)} >/dev/null && ${exec}`;
  });
  return `#!/bin/sh\n# ${plugin}: the nlkit CNI plugin, standalone (no agent); written by nlkit's CNI install.\n${lines.join('\n')}\n`;
}

/**
 * Installs nlkit's CNI plugins on this node: renders the conflist (the
 * template, with the Node object's pod CIDRs when it sets no subnet) and
 * writes it and one executable per plugin, each atomically and only when it
 * changed. Everything is checked before anything is written.
 */
export async function installCni(options: InstallCniOptions): Promise<InstallCniResult> {
  if (typeof options !== 'object' || options === null) throw new CniInstallError('EINVAL', 'options must be an object');
  const binDir = checkDir(options.binDir, 'binDir');
  const confDir = checkDir(options.confDir, 'confDir');
  const packageDir = checkDir(options.packageDir ?? thisPackageDir(), 'packageDir');
  const confName = options.confName ?? '10-nlkit.conflist';
  if (typeof confName !== 'string' || !CONF_NAME.test(confName)) throw new CniInstallError('EINVAL', `confName must be a file name ending in .conflist, not ${JSON.stringify(confName)}`);
  const launcher = options.launcher ?? 'perl';
  if (launcher !== 'perl' && launcher !== 'sh') throw new CniInstallError('EINVAL', `launcher must be perl or sh, not ${JSON.stringify(launcher)}`);
  if (options.runtimeDir !== undefined) checkDir(options.runtimeDir, 'runtimeDir');
  const plugins = options.plugins ?? PLUGIN_NAMES;
  const entries = plugins.map((plugin) => join(packageDir, 'dist', 'cni', 'bin', `${plugin}.js`));
  const missing = entries.filter((entry) => !existsSync(entry));
  if (missing.length > 0) throw new CniInstallError('EPACKAGE', `the nlkit package at ${packageDir} lacks ${missing.join(', ')}: is it built (npm run build) and the version that ships these plugins?`);

  const template = parseTemplate(options.template);
  let node: NodeObject | undefined;
  if (ipamToFill(template).length > 0) {
    if (options.nodeName === undefined) throw new CniInstallError('EINVAL', 'the conflist template sets no ipam subnet, so the node\'s pod CIDR is needed: set NODE_NAME (downward API, spec.nodeName)');
    if (typeof options.fetchNode !== 'function') throw new CniInstallError('EINVAL', 'fetchNode must be a function');
    node = await options.fetchNode(options.nodeName);
  }
  const conflist = renderConflist(node, template);
  const podCidrs = node === undefined ? [] : podCidrsOf(node);

  const written: string[] = [];
  const nodeCommands: string[][] = [];
  if (options.runtimeDir !== undefined) {
    const runtime = copyNodeRuntime(options.runtimeDir);
    nodeCommands.push(runtime.command);
  }
  nodeCommands.push(['node']);
  mkdirSync(binDir, { recursive: true, mode: 0o755 });
  mkdirSync(confDir, { recursive: true, mode: 0o755 });
  const executables = plugins.map((plugin, i) => {
    const path = join(binDir, plugin);
    if (writeFileAtomic(path, launcherScript(launcher, plugin, entries[i]!, nodeCommands), 0o755)) written.push(path);
    return path;
  });
  // The conflist last: a runtime that sees it can already exec the plugins it names.
  const conflistPath = join(confDir, confName);
  if (writeFileAtomic(conflistPath, `${JSON.stringify(conflist, null, 2)}\n`, 0o644)) written.push(conflistPath);
  return { conflistPath, conflist, podCidrs, executables, written, nodeCommands };
}
