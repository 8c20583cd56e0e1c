// The executable a CNI runtime starts, as a Perl script: what `npm run build`
// writes when no C compiler works (the C client, client.c, starts several
// times faster; docs/cni.md, "The executable: dist/cni/<plugin>"), and what
// the cluster install writes (node images have Perl, not a compiler). It
// needs nothing beyond Perl's core functions (perl-base's Socket.pm only on
// an architecture where the short way fails). It forwards the environment
// and stdin to the agent and prints the answer; when no agent accepts the
// connection it runs the plugin standalone with Node.js, with the same
// environment and the untouched stdin, so DEL works with the agent down.
// With no Node.js either, a DEL is queued durably for the agent to replay
// (del-queue.ts) and reported as done; the other commands fail with a CNI
// error. The C client does the same, byte for byte.
import { SUPPORTED_VERSIONS } from '../spec/versions.js';
import { CLIENT_MAX_ANSWER_BYTES, CLIENT_SEND_TIMEOUT_S, clientSettings, type ClientScriptOptions } from './client-settings.js';
import { DEL_QUEUE_VARIABLE } from './del-queue.js';
import { AGENT_SOCKET_VARIABLE } from './socket-path.js';

export type { ClientScriptOptions } from './client-settings.js';

/** A Perl single-quoted string literal. */
function perlString(value: string): string {
  return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

function perlArray(values: readonly string[]): string {
  return `[${values.map(perlString).join(', ')}]`;
}

/** The text of the Perl client executable for `plugin`. */
export function perlClientScript(options: ClientScriptOptions): string {
  const settings = clientSettings(options);
  const { plugin } = settings;
  const entry = settings.entry === undefined ? 'undef' : perlString(settings.entry);
  return `#!/usr/bin/perl
# ${plugin}: the nlkit CNI plugin executable (put this directory on CNI_PATH).
# Forwards the call to the nlkit CNI agent over its unix socket and prints the
# answer; runs the plugin itself with Node.js when no agent answers. Written
# by scripts/build-cni.mjs; the protocol is in docs/cni.md.
my $plugin = ${perlString(plugin)};
my $path = $ENV{${perlString(AGENT_SOCKET_VARIABLE)}} || ${perlString(settings.socketPath)};
my $queue = $ENV{${perlString(DEL_QUEUE_VARIABLE)}} || ${perlString(settings.delQueueDir)};
my @nodes = (${settings.nodeCommands.map(perlArray).join(', ')});
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
  local $SIG{PIPE} = 'DEFAULT';
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
    my ($queued, $error) = queue_del($in);
    if (defined $queued) { print STDERR "$plugin: $why: DEL queued as $queued\\n"; exit 0 }
    $why .= ", and the DEL could not be queued in $queue: $error";
  }
  print STDERR "$plugin: $why\\n";
  print '{"cniVersion":"' . version_of($in) . '","code":' . ($command eq 'STATUS' ? 50 : 11) . ',"msg":' . json("the nlkit CNI agent is not running and Node.js was not found: start the agent") . ',"details":' . json($why) . '}', "\\n";
  exit 1;
}

# A directory the agent would refuse to replay (not ours, or writable by
# group or others: a queued request runs as root) is refused here too, so a
# DEL is never reported done when it can never run. Returns the queued path,
# or undef and why not.
sub queue_del {
  my ($in) = @_;
  require Fcntl;
  require IO::Handle;
  my $dir = $queue =~ m{^/} ? '' : '.';
  for my $part (grep { length } split m{/}, $queue) { $dir .= "/$part"; mkdir $dir, 0700 unless -d $dir; }
  my @st = lstat $queue or return (undef, "$!");
  return (undef, 'not a directory') unless -d _;
  return (undef, "it belongs to uid $st[4], not $>, so the agent would not replay it") if $st[4] != $>;
  return (undef, sprintf('it is writable by group or others (mode %o), so the agent would not replay it', $st[2] & 0777)) if $st[2] & 022;
  my $request = request_bytes($in);
  my ($f, $name, $tmp);
  for my $attempt (1 .. 8) {
    $name = sprintf('del-%013d-%d-%08x.req', time() * 1000, $$, int(rand(4294967296)));
    $tmp = "$queue/.tmp-$name";
    last if sysopen($f, $tmp, Fcntl::O_WRONLY() | Fcntl::O_CREAT() | Fcntl::O_EXCL(), 0600);
    return (undef, "$!") unless $!{EEXIST};
    undef $f;
  }
  return (undef, "$!") unless $f;
  binmode $f;
  my $ok = 1;
  for (my $at = 0; $ok && $at < length $request;) {
    my $n = syswrite($f, $request, length($request) - $at, $at);
    if ($n) { $at += $n } else { $ok = 0 }
  }
  $ok = $ok && $f->sync && close($f);
  $ok = $ok && rename($tmp, "$queue/$name");
  if (!$ok) { my $e = "$!"; unlink $tmp; return (undef, $e) }
  if (sysopen(my $d, $queue, Fcntl::O_RDONLY())) { $d->sync; close $d }
  return "$queue/$name";
}

RARE
sub no_node { eval $rare; die $@ if $@; rare_no_node(@_) }

# Stdin was read already: give it to the standalone plugin through a pipe.
sub standalone_with {
  my ($in) = @_;
  my $pid = open(my $to, '|-');
  if (!defined $pid) {
    print '{"cniVersion":"' . version_of($in) . '","code":11,"msg":' . json("$plugin: cannot start the standalone plugin; try again") . ',"details":' . json("$!") . '}', "\\n";
    exit 1;
  }
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

# Every wait on the agent is bounded (alarm: a core function, no module):
# taking the connection and the request ${CLIENT_SEND_TIMEOUT_S} s, the answer ${settings.answerTimeoutSeconds} s.
my $s;
{
  local $SIG{ALRM} = sub { die "timeout\\n" };
  alarm ${CLIENT_SEND_TIMEOUT_S};
  $s = eval { my $c = agent(); alarm 0; $c };
  alarm 0;
}
exec_standalone() unless $s;

my $in = read_stdin();
my $request = request_bytes($in);
my $answer = '';
# Which wait ran out ('' when none did).
my $late = 'send';
{
  local $SIG{ALRM} = sub { die "timeout\\n" };
  eval {
    alarm ${CLIENT_SEND_TIMEOUT_S};
    for (my $at = 0; $at < length $request;) {
      my $n = syswrite($s, $request, length($request) - $at, $at);
      last unless $n;
      $at += $n;
    }
    shutdown($s, 1);
    $late = 'answer';
    alarm ${settings.answerTimeoutSeconds};
    while (sysread($s, $answer, 65536, length $answer)) { last if length $answer > ${CLIENT_MAX_ANSWER_BYTES} }
    alarm 0;
    $late = '';
  };
  alarm 0;
}
close $s;
if ($late eq '' && $answer =~ /\\A(\\d{1,18}) (\\d{1,18})\\n/ && $1 <= 255 && length($answer) == $+[0] + $2) {
  binmode STDOUT;
  print substr($answer, $+[0]);
  exit $1;
}
# The agent took the call and gave no answer (stopped or crashed meanwhile,
# wedged, or not the agent). DEL, CHECK, GC, STATUS and VERSION can safely
# run again here; an ADD may have been half done, so the runtime is told to
# try again (it DELs first).
standalone_with($in) unless ($ENV{CNI_COMMAND} // '') eq 'ADD';
my $why = $late eq 'send' ? 'did not take the request within ${CLIENT_SEND_TIMEOUT_S} s'
  : $late eq 'answer' ? 'did not answer within ${settings.answerTimeoutSeconds} s' : 'closed the connection without an answer';
print '{"cniVersion":"' . version_of($in) . '","code":11,"msg":"the nlkit CNI agent ' . $why . '; try again"}', "\\n";
exit 1;
`;
}
