// `nlkit`: iproute2's grammar and output over nlkit's public API. Only this
// folder (and nothing it is imported by) may start a process: `netns exec`
// runs the user's command, the one exception in nlkit.
import { CliUsageError, matches } from './args.js';
import { CliContext, defaultOptions, type CliIo, type GlobalOptions } from './context.js';
import { reportError } from './report-error.js';
import { strerror } from './strerror.js';
import { OBJECTS, findObject } from './objects.js';
import { BatchReader, readBatchText } from './batch.js';

const VERSION_TEXT = 'nlkit, ip-compatible (iproute2 6.1 grammar and JSON)\n';

const USAGE = `Usage: nlkit [ OPTIONS ] OBJECT { COMMAND | help }
       nlkit [ -force ] -batch filename
       nlkit cni-agent [ --socket PATH ] [ --quiet ]
where  OBJECT := { address | link | monitor | neighbor | netns | nexthop | nft | route | rule }
       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] | -f[amily] { inet | inet6 | link } |
                    -4 | -6 | -o[neline] | -n[etns] name | -j[son] | -p[retty] | -force | -batch filename }
`;

const FAMILIES: Record<string, GlobalOptions['family']> = { inet: 4, inet6: 6, link: 'link', bridge: 'bridge', mpls: 'mpls' };

/** Reads the global options off the front of `argv`; returns the options and the rest. */
export function parseGlobalOptions(argv: readonly string[]): { options: GlobalOptions; rest: string[]; version?: true; help?: true } {
  const options = defaultOptions();
  let i = 0;
  // An option that takes a word, last on the line: ip's usage (its -netns goes on with a null name, which it cannot open).
  const next = (what: string): string => {
    const v = argv[++i];
    if (v === undefined && what === 'netns') throw new CliUsageError('Cannot open network namespace "(null)": No such file or directory', 255);
    if (v === undefined) throw new CliUsageError(USAGE.slice(0, -1), 255);
    return v;
  };
  for (; i < argv.length; i++) {
    let opt = argv[i]!;
    if (opt === '--') {
      i++;
      break;
    }
    if (!opt.startsWith('-')) break;
    if (opt.startsWith('--')) opt = opt.slice(1);
    if (matches(opt, '-family')) {
      const name = next('family type');
      // ip's main: the word help (exactly) is its usage.
      if (name === 'help') return { options, rest: [], help: true };
      const family = FAMILIES[name];
      if (family === undefined) throw new CliUsageError(`Error: argument "${name}" is wrong: invalid protocol family`, 255);
      options.family = family;
    } else if (opt === '-4') options.family = 4;
    else if (opt === '-6') options.family = 6;
    else if (opt === '-0') options.family = 'link';
    else if (opt === '-B') options.family = 'bridge';
    else if (opt === '-M') options.family = 'mpls';
    // Accepted and ignored, as they change nothing nlkit prints (docs/cli.md): -resolve, -timestamp, -tshort, -loops, -rcvbuf, -color.
    else if (matches(opt, '-loops')) next('loop count');
    else if (matches(opt, '-human') || matches(opt, '-human-readable')) options.human++;
    else if (matches(opt, '-iec')) options.iec++;
    else if (matches(opt, '-stats') || matches(opt, '-statistics')) options.stats++;
    else if (matches(opt, '-details')) options.details++;
    else if (matches(opt, '-resolve')) continue;
    else if (matches(opt, '-oneline')) options.oneline = true;
    else if (matches(opt, '-timestamp') || matches(opt, '-tshort')) continue;
    else if (matches(opt, '-Version')) return { options, rest: [], version: true };
    else if (matches(opt, '-force')) options.force = true;
    else if (matches(opt, '-batch')) options.batch = next('batch file');
    else if (matches(opt, '-brief')) options.brief = true;
    else if (matches(opt, '-json')) options.json = true;
    else if (matches(opt, '-pretty')) options.pretty = true;
    else if (matches(opt, '-rcvbuf')) next('rcvbuf size');
    else if (matches(opt, '-color') || /^-c(o(l(o(r)?)?)?)?=(always|auto|never)$/.test(opt)) continue;
    else if (matches(opt, '-help')) return { options, rest: [], help: true };
    else if (matches(opt, '-netns')) options.netns = next('netns');
    else if (matches(opt, '-Numeric')) options.numeric = true;
    else if (matches(opt, '-all')) options.all = true;
    else throw new CliUsageError(`Option "${argv[i]}" is unknown, try "nlkit -help".`, 255);
  }
  return { options, rest: argv.slice(i) };
}

/** Runs one command (`link show dev lo`) in `ctx`; returns ip's exit status. */
export async function runCommand(ctx: CliContext, words: readonly string[]): Promise<number> {
  const [objectWord, ...args] = words;
  if (objectWord === undefined) {
    ctx.io.stderr(USAGE);
    return 255;
  }
  const object = findObject(objectWord);
  if (!object) {
    ctx.io.stderr(`Object "${objectWord}" is unknown, try "nlkit help".\n`);
    return 1;
  }
  try {
    if (object.usesRoute !== false) await ctx.load();
    return await object.run(ctx, args);
  } catch (error) {
    // Where ip exits, a batch ends: the batch runner reports it (runPackedBatch).
    if (error instanceof CliUsageError && error.exits && ctx.options.batch !== undefined) throw error;
    return reportError(ctx, error);
  }
}

async function runBatch(ctx: CliContext, file: string): Promise<number> {
  let text: string;
  try {
    text = readBatchText(file, ctx.io);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const reason = typeof e.errno === 'number' ? strerror(Math.abs(e.errno)) : e.message;
    ctx.io.stderr(`Cannot open file "${file}" for reading: ${reason}\n`);
    return 1;
  }
  // Loaded here, not at start: it pulls in the netlink layer, which -V and help do not need.
  const { runPackedBatch } = await import('./batch-packing.js');
  return runPackedBatch(ctx, file, new BatchReader(text, (message) => ctx.io.stderr(message)), runCommand);
}

/** Runs `nlkit ARGV...` with its output going to `io`; resolves to the exit status. Never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  // Not an ip object: the resident CNI agent (docs/cni.md), a foreground daemon that runs until SIGTERM.
  if (argv[0] === 'cni-agent') {
    const { runCniAgentDaemon } = await import('../cni/agent/index.js');
    return runCniAgentDaemon(argv.slice(1));
  }
  let parsed: ReturnType<typeof parseGlobalOptions>;
  try {
    parsed = parseGlobalOptions(argv);
  } catch (error) {
    io.stderr(`${(error as Error).message}\n`);
    return error instanceof CliUsageError ? error.status : 255;
  }
  if (parsed.version) {
    io.stdout(VERSION_TEXT);
    return 0;
  }
  if (parsed.help) {
    io.stderr(USAGE);
    return 255;
  }
  const ctx = new CliContext(parsed.options, io);
  try {
    if (parsed.options.batch !== undefined) return await runBatch(ctx, parsed.options.batch);
    if (parsed.rest.length === 0) {
      io.stderr(USAGE);
      return 255;
    }
    return await runCommand(ctx, parsed.rest);
  } catch (error) {
    return reportError(ctx, error);
  } finally {
    ctx.close();
  }
}

export { OBJECTS };
