// The executable a CNI runtime starts, as a Perl script (why Perl: docs/cni.md,
// "Why the executable is written in Perl"). It needs nothing beyond Perl's core
// functions (perl-base's Socket.pm only on an architecture where the short
// way fails). It forwards the
// environment and stdin to the agent and prints the answer; when no agent
// accepts the connection it runs the plugin standalone with Node.js, with the
// same environment and the untouched stdin, so DEL works with the agent down.
// With no Node.js either, a DEL is queued durably for the agent to replay
// (del-queue.ts) and reported as done; the other commands fail with a CNI error.
import { InvalidArgumentError } from '../../index.js';
import { SUPPORTED_VERSIONS } from '../spec/versions.js';
import { DEFAULT_DEL_QUEUE, DEL_QUEUE_VARIABLE } from './del-queue.js';
import { AGENT_SOCKET_VARIABLE, DEFAULT_AGENT_SOCKET } from './socket-path.js';

export interface ClientScriptOptions {
  /** The plugin name the agent knows (the executable's name). */
  plugin: string;
  /**
   * The standalone command, run when no agent answers, before the entry
   * point: each candidate interpreter is tried in order (default `node` on
   * PATH, then `nodePath`).
   */
  nodeCommands?: string[][];
  /** The standalone entry point; default `<this script's directory>/bin/<plugin>.js`, symlinks followed. */
  entry?: string;
  /** The agent's socket when NLKIT_CNI_AGENT_SOCKET is unset; default /run/nlkit/cni.sock. */
  socketPath?: string;
  /** The DEL queue when NLKIT_CNI_DEL_QUEUE is unset; default /var/lib/nlkit/cni/del-queue. */
  delQueueDir?: string;
}

const PLUGIN_NAME = /^[a-z0-9][a-z0-9._-]*$/;

/** A Perl single-quoted string literal. */
function perlString(value: string): string {
  return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

function perlArray(values: readonly string[]): string {
  return `[${values.map(perlString).join(', ')}]`;
}

/** The text of the client executable for `plugin`. */
export function perlClientScript(options: ClientScriptOptions): string {
  const { plugin } = options;
  if (typeof plugin !== 'string' || !PLUGIN_NAME.test(plugin)) throw new InvalidArgumentError(`plugin must be a plugin name such as nlkit-bridge, not ${JSON.stringify(plugin)}`);
  const commands = options.nodeCommands ?? [['node']];
  if (!Array.isArray(commands) || commands.length === 0 || !commands.every((c) => Array.isArray(c) && c.length > 0 && c.every((a) => typeof a === 'string' && !a.includes('\0')))) {
    throw new InvalidArgumentError('nodeCommands must be a non-empty list of non-empty argv lists of strings');
  }
  if (options.entry !== undefined && (typeof options.entry !== 'string' || options.entry === '' || options.entry.includes('\0'))) throw new InvalidArgumentError('entry must be a path');
  const entry = options.entry === undefined ? 'undef' : perlString(options.entry);
  for (const key of ['socketPath', 'delQueueDir'] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== 'string' || !value.startsWith('/') || value.includes('\0'))) throw new InvalidArgumentError(`${key} must be an absolute path`);
  }
  return `#!/usr/bin/perl
# ${plugin}: the nlkit CNI plugin executable (put this directory on CNI_PATH).
# Forwards the call to the nlkit CNI agent over its unix socket and prints the
# answer; runs the plugin itself with Node.js when no agent answers. Written
# by scripts/build-cni.mjs; the protocol is in docs/cni.md.
my $plugin = ${perlString(plugin)};
my $path = $ENV{${perlString(AGENT_SOCKET_VARIABLE)}} || ${perlString(options.socketPath ?? DEFAULT_AGENT_SOCKET)};
my $queue = $ENV{${perlString(DEL_QUEUE_VARIABLE)}} || ${perlString(options.delQueueDir ?? DEFAULT_DEL_QUEUE)};
my @nodes = (${commands.map(perlArray).join(', ')});
my $entry = ${entry};
$SIG{PIPE} = 'IGNORE';

sub entry_path {
  return $entry if defined $entry;
  my $self = $0;
  for (my $hops = 0; -l $self && $hops < 40; $hops++) {
    my $target = readlink $self;
    $self = $target =~ m{^/} ? $target : ($self =~ m{^(.*/)} ? $1 : '') . $target;
  }
  my $dir = $self =~ m{^(.*)/} ? $1 : '.';
  return "$dir/bin/$plugin.js";
}

sub exec_standalone {
  my $js = entry_path();
  for my $node (@nodes) { my @argv = (@$node, $js); exec { $argv[0] } @argv; }
  no_node("no nlkit CNI agent on $path and no node to run $js");
}

sub version_of { return $_[0] =~ /"cniVersion"\\s*:\\s*"([0-9.]+)"/ ? $1 : '1.1.0' }

sub read_stdin {
  binmode STDIN;
  my $in = do { local $/; <STDIN> };
  return defined $in ? $in : '';
}

sub request_bytes {
  my ($in) = @_;
  return '{"plugin":' . json($plugin) . ',"env":{' . join(',', map { json($_) . ':' . json($ENV{$_}) } sort keys %ENV)
    . '},"stdinLength":' . length($in) . "}\\n" . $in;
}

# Neither the agent nor Node.js: a DEL is written to the queue (fsync'd, then
# renamed into place, the directory fsync'd) for the agent to replay when it
# starts, and reported as done; VERSION is answered here; the rest fail. Kept
# in a string compiled only then: compiling it costs every call otherwise.
my $rare = <<'RARE';
sub rare_no_node {
  my ($why) = @_;
  my $in = read_stdin();
  my $command = $ENV{CNI_COMMAND} // '';
  if ($command eq 'VERSION') {
    print '{"cniVersion":"' . version_of($in) . '","supportedVersions":[${SUPPORTED_VERSIONS.map((v) => `"${v}"`).join(',')}]}', "\\n";
    exit 0;
  }
  if ($command eq 'DEL') {
    my $queued = queue_del($in);
    if (defined $queued) { print STDERR "$plugin: $why: DEL queued as $queued\\n"; exit 0 }
    $why .= ", and the DEL could not be queued in $queue: $!";
  }
  print STDERR "$plugin: $why\\n";
  print '{"cniVersion":"' . version_of($in) . '","code":' . ($command eq 'STATUS' ? 50 : 11) . ',"msg":' . json("the nlkit CNI agent is not running and Node.js was not found: start the agent") . ',"details":' . json($why) . '}', "\\n";
  exit 1;
}

sub queue_del {
  my ($in) = @_;
  require Fcntl;
  require IO::Handle;
  my $dir = '';
  for my $part (grep { length } split m{/}, $queue) { $dir .= "/$part"; mkdir $dir, 0700 unless -d $dir; }
  return undef unless -d $queue;
  my $name = sprintf('del-%013d-%d-%08x.req', time() * 1000, $$, int(rand(4294967295)));
  my $tmp = "$queue/.tmp-$name";
  sysopen(my $f, $tmp, Fcntl::O_WRONLY() | Fcntl::O_CREAT() | Fcntl::O_EXCL(), 0600) or return undef;
  binmode $f;
  my $request = request_bytes($in);
  my $ok = 1;
  for (my $at = 0; $ok && $at < length $request;) {
    my $n = syswrite($f, $request, length($request) - $at, $at);
    if ($n) { $at += $n } else { $ok = 0 }
  }
  $ok = $ok && $f->sync && close($f);
  $ok = $ok && rename($tmp, "$queue/$name");
  if (!$ok) { my $e = $!; unlink $tmp; $! = $e; return undef }
  if (sysopen(my $d, $queue, Fcntl::O_RDONLY())) { $d->sync; close $d }
  return "$queue/$name";
}

RARE
sub no_node { eval $rare; die $@ if $@; rare_no_node(@_) }

# Stdin was read already: give it to the standalone plugin through a pipe.
sub standalone_with {
  my ($in) = @_;
  my $pid = open(my $to, '|-');
  if (!defined $pid) { print STDERR "$plugin: cannot fork: $!\\n"; exit 1 }
  exec_standalone() if $pid == 0;
  binmode $to;
  print $to $in;
  close $to;
  exit($? & 127 ? 1 : $? >> 8);
}

sub json { my $s = shift; $s =~ s/([\\x00-\\x1f"\\\\\\x7f])/sprintf('\\\\u%04x', ord $1)/ge; return qq("$s") }

# AF_UNIX and SOCK_STREAM are 1 on Linux (SOCK_STREAM is 2 on MIPS), and a
# sockaddr_un is a native u16 family and the path. Loading Socket.pm to ask
# costs about as much as the rest of the script, so it is asked only when
# the short way finds no agent.
sub agent {
  for my $ask (0, 1) {
    my @how = (1, 1, pack('S Z*', 1, $path));
    if ($ask) { @how = eval { require Socket; (Socket::AF_UNIX(), Socket::SOCK_STREAM(), Socket::pack_sockaddr_un($path)) } or return undef }
    socket(my $s, $how[0], $how[1], 0) or next;
    return $s if connect($s, $how[2]);
    close $s;
  }
  return undef;
}

my $s = agent() or exec_standalone();

my $in = read_stdin();
my $request = request_bytes($in);
for (my $at = 0; $at < length $request;) {
  my $n = syswrite($s, $request, length($request) - $at, $at);
  last unless $n;
  $at += $n;
}
shutdown($s, 1);
my $answer = '';
while (sysread($s, $answer, 65536, length $answer)) {}
close $s;
if ($answer =~ /\\A(\\d+) (\\d+)\\n/ && length($answer) == $+[0] + $2) {
  binmode STDOUT;
  print substr($answer, $+[0]);
  exit $1;
}
# The agent took the call and gave no answer (stopped or crashed meanwhile).
# DEL, CHECK, GC, STATUS and VERSION can safely run again here; an ADD may
# have been half done, so the runtime is told to try again (it DELs first).
standalone_with($in) unless ($ENV{CNI_COMMAND} // '') eq 'ADD';
print '{"cniVersion":"' . version_of($in) . '","code":11,"msg":"the nlkit CNI agent closed the connection without an answer; try again"}', "\\n";
exit 1;
`;
}
