// The `debug` package behind DEBUG=nlkit:*, typed by the little nlkit uses of
// it. Loaded through require() (it is CommonJS) so that neither nlkit's build
// nor its public declarations depend on @types/debug.
import { createRequire } from 'node:module';

/** A `debug` logger: prints when the `DEBUG` environment variable selects its namespace. */
export interface DebugLog {
  /** Prints a line (printf-style `%s`, `%d`, `%o` placeholders) when enabled. */
  (format: string, ...args: unknown[]): void;
  /** Whether `DEBUG` selects this logger; checked before building an expensive message. */
  readonly enabled: boolean;
}

const createDebug = createRequire(import.meta.url)('debug') as (namespace: string) => DebugLog;

/** The logger for `namespace` (`nlkit:netlink`, `nlkit:netns`, ...). */
export function createLog(namespace: string): DebugLog {
  return createDebug(namespace);
}
