// The plugins nlkit ships, by the name a conflist's `type` gives them (and
// their executables carry): one entry point for an agent that runs calls
// in-process.
import { InvalidArgumentError } from '../index.js';
import { bandwidthHandlers } from './bandwidth/plugin.js';
import type { RunCniOptions } from './call.js';
import { portmapHandlers } from './portmap/plugin.js';
import { bridgeHandlers, runCniPlugin, type CniOutput } from './run.js';

/** The plugin names, as executables in dist/cni/ and `type` in a conflist. */
export const PLUGIN_NAMES = ['nlkit-bridge', 'nlkit-portmap', 'nlkit-bandwidth'] as const;

/** One of {@link PLUGIN_NAMES}. */
export type PluginName = (typeof PLUGIN_NAMES)[number];

/** Whether `name` is one of nlkit's plugins. */
export function isPluginName(name: unknown): name is PluginName {
  return typeof name === 'string' && (PLUGIN_NAMES as readonly string[]).includes(name);
}

/**
 * Runs one call of the plugin `name`, as its executable would with `env` as
 * its environment and `stdin` on standard input. Never throws for a failed
 * call (that is the spec's error JSON with exit code 1); an unknown plugin
 * name is the caller's mistake: InvalidArgumentError.
 */
export function runPlugin(name: PluginName, env: Readonly<Record<string, string | undefined>>, stdin: Buffer | string, options: RunCniOptions = {}): Promise<CniOutput> {
  if (!isPluginName(name)) throw new InvalidArgumentError(`plugin name must be one of ${PLUGIN_NAMES.join(', ')}, got ${JSON.stringify(name)}`);
  switch (name) {
    case 'nlkit-bridge':
      return runCniPlugin(bridgeHandlers, env, stdin, options);
    case 'nlkit-portmap':
      return runCniPlugin(portmapHandlers, env, stdin, options);
    case 'nlkit-bandwidth':
      return runCniPlugin(bandwidthHandlers, env, stdin, options);
  }
}
