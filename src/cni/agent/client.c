/*
 * The executable a CNI runtime starts, as a C program compiled on the host
 * at build time (why: docs/cni.md, "The executable: dist/cni/<plugin>"). It
 * does what the Perl client (client-script.ts) does, byte for byte on the
 * wire, on stdout and in the DEL queue; it starts in a fraction of Perl's
 * time. C99 and libc only.
 *
 * Compiled with `-include <config header>` (c-client.ts writes it), which
 * defines the plugin name, the default socket and queue paths, the
 * standalone commands and the timeouts.
 */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef NLKIT_PLUGIN
#error "compile with -include <config header>: src/cni/agent/c-client.ts writes it"
#endif

extern char **environ;

#define NLKIT_STR_(x) #x
#define NLKIT_STR(x) NLKIT_STR_(x)


struct buf {
  char *data;
  size_t len;
  size_t cap;
};

static const char *stdin_text; /* for the cniVersion of a last-resort error, once read */
static size_t stdin_len;

static void fail_out_of_memory(void);

static void buf_add(struct buf *b, const void *bytes, size_t n) {
  if (n > (size_t)-1 - b->len - 1) fail_out_of_memory();
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n + 1) {
      if (cap > (size_t)-1 / 2) fail_out_of_memory();
      cap *= 2;
    }
    char *data = realloc(b->data, cap);
    if (!data) fail_out_of_memory();
    b->data = data;
    b->cap = cap;
  }
  if (n) memcpy(b->data + b->len, bytes, n);
  b->len += n;
  b->data[b->len] = '\0';
}

static void buf_str(struct buf *b, const char *s) { buf_add(b, s, strlen(s)); }

static void buf_printf(struct buf *b, const char *format, ...) {
  char small[512];
  va_list ap;
  va_start(ap, format);
  int n = vsnprintf(small, sizeof small, format, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof small) {
    buf_add(b, small, (size_t)n);
    return;
  }
  char *big = malloc((size_t)n + 1);
  if (!big) fail_out_of_memory();
  va_start(ap, format);
  vsnprintf(big, (size_t)n + 1, format, ap);
  va_end(ap);
  buf_add(b, big, (size_t)n);
  free(big);
}

/* A JSON string of bytes, escaped as the Perl client's json(): controls, '"', '\' and DEL as \u00XX; other bytes as they are. */
static void buf_json(struct buf *b, const char *s, size_t n) {
  buf_add(b, "\"", 1);
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || c == '"' || c == '\\' || c == 0x7f) {
      buf_add(b, s + run, i - run);
      buf_printf(b, "\\u%04x", c);
      run = i + 1;
    }
  }
  buf_add(b, s + run, n - run);
  buf_add(b, "\"", 1);
}

static void write_all(int fd, const char *data, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, data, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return; /* the reader is gone: nothing left to tell it */
    data += n;
    len -= (size_t)n;
  }
}

static void say(const char *text) { write_all(2, text, strlen(text)); }

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

/* The first `"cniVersion" : "<digits and dots>"` in stdin (the Perl client's regex), else 1.1.0. */
static void version_of(const char *in, size_t len, struct buf *out) {
  static const char key[] = "\"cniVersion\"";
  size_t klen = sizeof key - 1;
  for (size_t at = 0; in && at + klen <= len; at++) {
    if (memcmp(in + at, key, klen) != 0) continue;
    size_t i = at + klen;
    while (i < len && is_space(in[i])) i++;
    if (i >= len || in[i] != ':') continue;
    i++;
    while (i < len && is_space(in[i])) i++;
    if (i >= len || in[i] != '"') continue;
    size_t start = ++i;
    while (i < len && ((in[i] >= '0' && in[i] <= '9') || in[i] == '.')) i++;
    if (i == start || i >= len || in[i] != '"') continue;
    buf_add(out, in + start, i - start);
    return;
  }
  buf_str(out, "1.1.0");
}

/* Prints a CNI error result and exits 1. */
static void fail(int code, const char *msg, const char *details) {
  struct buf out = {0};
  buf_str(&out, "{\"cniVersion\":\"");
  version_of(stdin_text, stdin_len, &out);
  buf_printf(&out, "\",\"code\":%d,\"msg\":", code);
  buf_json(&out, msg, strlen(msg));
  if (details) {
    buf_str(&out, ",\"details\":");
    buf_json(&out, details, strlen(details));
  }
  buf_str(&out, "}\n");
  write_all(1, out.data, out.len);
  exit(1);
}

static void fail_out_of_memory(void) {
  /* No allocation from here on: a fixed answer (the version is unknown without building a string). */
  static const char text[] = "{\"cniVersion\":\"1.1.0\",\"code\":11,\"msg\":\"" NLKIT_PLUGIN ": out of memory; try again\"}\n";
  write_all(1, text, sizeof text - 1);
  exit(1);
}

static const char *env_or(const char *name, const char *fallback) {
  const char *value = getenv(name);
  /* Perl's `$ENV{X} || default`: unset, empty and "0" all take the default. */
  return value && value[0] && strcmp(value, "0") != 0 ? value : fallback;
}

static const char *command(void) {
  const char *c = getenv("CNI_COMMAND");
  return c ? c : "";
}

static void read_stdin(struct buf *in) {
  char chunk[65536];
  for (;;) {
    ssize_t n = read(0, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break; /* end, or an unreadable stdin: what came so far is the input */
    buf_add(in, chunk, (size_t)n);
  }
  if (!in->data) buf_add(in, "", 0);
  stdin_text = in->data;
  stdin_len = in->len;
}

struct env_entry {
  const char *text;
  size_t key_len;
  size_t index;
};

static int env_order(const void *a, const void *b) {
  const struct env_entry *x = a, *y = b;
  size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
  int c = memcmp(x->text, y->text, n);
  if (c) return c;
  if (x->key_len != y->key_len) return x->key_len < y->key_len ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

/*
 * The request: a header line of JSON with the whole environment (sorted by
 * name; a name given twice keeps its last value, as Perl's %ENV does) and
 * stdin's length, then stdin.
 */
static void request_bytes(struct buf *out, const struct buf *in) {
  size_t count = 0;
  while (environ && environ[count]) count++;
  struct env_entry *entries = calloc(count ? count : 1, sizeof *entries);
  if (!entries) fail_out_of_memory();
  size_t used = 0;
  for (size_t i = 0; i < count; i++) {
    const char *eq = strchr(environ[i], '=');
    if (!eq || eq == environ[i]) continue; /* Perl skips these too */
    entries[used].text = environ[i];
    entries[used].key_len = (size_t)(eq - environ[i]);
    entries[used].index = i;
    used++;
  }
  qsort(entries, used, sizeof *entries, env_order);
  buf_str(out, "{\"plugin\":");
  buf_json(out, NLKIT_PLUGIN, strlen(NLKIT_PLUGIN));
  buf_str(out, ",\"env\":{");
  int first = 1;
  for (size_t i = 0; i < used; i++) {
    const struct env_entry *e = &entries[i];
    const struct env_entry *next = i + 1 < used ? &entries[i + 1] : NULL;
    if (next && next->key_len == e->key_len && memcmp(next->text, e->text, e->key_len) == 0) continue;
    if (!first) buf_add(out, ",", 1);
    first = 0;
    buf_json(out, e->text, e->key_len);
    buf_add(out, ":", 1);
    const char *value = e->text + e->key_len + 1;
    buf_json(out, value, strlen(value));
  }
  free(entries);
  buf_printf(out, "},\"stdinLength\":%zu}\n", in->len);
  buf_add(out, in->data, in->len);
}

static long long now_ms(int clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --- Neither the agent nor Node.js: the durable DEL queue --- */

static unsigned random32(void) {
  unsigned value = 0;
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ssize_t n = read(fd, &value, sizeof value);
    close(fd);
    if (n == (ssize_t)sizeof value) return value;
  }
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (unsigned)ts.tv_nsec ^ ((unsigned)getpid() << 16);
}

/* Makes `dir` and its missing parents, 0700, as the Perl client does. */
static void make_dirs(const char *dir) {
  struct buf path = {0};
  buf_str(&path, dir);
  if (!path.data[0]) {
    free(path.data);
    return;
  }
  for (char *p = path.data + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    mkdir(path.data, 0700);
    *p = '/';
  }
  mkdir(path.data, 0700);
  free(path.data);
}

/*
 * Writes the request into the queue (O_EXCL temporary file, fsync, rename,
 * fsync of the directory). Returns the queued path, or NULL with `why` set.
 * A directory the agent would refuse to replay (not ours, or writable by
 * group or others: a queued request runs as root) is refused here too, so a
 * DEL is never reported done when it can never run.
 */
static char *queue_del(const char *queue, const struct buf *in, struct buf *why) {
  make_dirs(queue);
  struct stat st;
  if (lstat(queue, &st) != 0) {
    buf_str(why, strerror(errno));
    return NULL;
  }
  if (!S_ISDIR(st.st_mode)) {
    buf_str(why, "not a directory");
    return NULL;
  }
  if (st.st_uid != geteuid()) {
    buf_printf(why, "it belongs to uid %ld, not %ld, so the agent would not replay it", (long)st.st_uid, (long)geteuid());
    return NULL;
  }
  if (st.st_mode & 022) {
    buf_printf(why, "it is writable by group or others (mode %o), so the agent would not replay it", (unsigned)(st.st_mode & 0777));
    return NULL;
  }
  struct buf request = {0};
  request_bytes(&request, in);
  struct buf name = {0}, tmp = {0}, final = {0};
  int fd = -1;
  for (int attempt = 0; fd < 0 && attempt < 8; attempt++) {
    name.len = tmp.len = 0;
    buf_printf(&name, "del-%013lld-%ld-%08x.req", now_ms(CLOCK_REALTIME), (long)getpid(), random32());
    buf_printf(&tmp, "%s/.tmp-%s", queue, name.data);
    fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) {
    buf_str(why, strerror(errno));
    return NULL;
  }
  int ok = 1;
  for (size_t at = 0; ok && at < request.len;) {
    ssize_t n = write(fd, request.data + at, request.len - at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) ok = 0;
    else at += (size_t)n;
  }
  ok = ok && fsync(fd) == 0;
  ok = close(fd) == 0 && ok;
  buf_printf(&final, "%s/%s", queue, name.data);
  ok = ok && rename(tmp.data, final.data) == 0;
  if (!ok) {
    int e = errno;
    unlink(tmp.data);
    buf_str(why, strerror(e));
    return NULL;
  }
  int dir = open(queue, O_RDONLY | O_CLOEXEC);
  if (dir >= 0) {
    fsync(dir);
    close(dir);
  }
  return final.data;
}

static const char *queue_dir(void) { return env_or(NLKIT_DEL_QUEUE_VARIABLE, NLKIT_DEFAULT_DEL_QUEUE); }

/* No agent and no Node.js: a DEL is queued and reported done, VERSION answered here, the rest fail. */
static void no_node(const char *reason) {
  struct buf why = {0};
  buf_str(&why, reason);
  struct buf in = {0};
  read_stdin(&in);
  const char *cmd = command();
  if (strcmp(cmd, "VERSION") == 0) {
    struct buf out = {0};
    buf_str(&out, "{\"cniVersion\":\"");
    version_of(in.data, in.len, &out);
    buf_str(&out, "\",\"supportedVersions\":[" NLKIT_SUPPORTED_VERSIONS "]}\n");
    write_all(1, out.data, out.len);
    exit(0);
  }
  if (strcmp(cmd, "DEL") == 0) {
    struct buf error = {0};
    char *queued = queue_del(queue_dir(), &in, &error);
    if (queued) {
      struct buf line = {0};
      buf_printf(&line, "%s: %s: DEL queued as %s\n", NLKIT_PLUGIN, why.data, queued);
      say(line.data);
      exit(0);
    }
    buf_printf(&why, ", and the DEL could not be queued in %s: %s", queue_dir(), error.data);
  }
  struct buf line = {0};
  buf_printf(&line, "%s: %s\n", NLKIT_PLUGIN, why.data);
  say(line.data);
  fail(strcmp(cmd, "STATUS") == 0 ? 50 : 11, "the nlkit CNI agent is not running and Node.js was not found: start the agent", why.data);
}

/* --- Standalone: the plugin run by Node.js --- */

/* <the real directory of this executable>/bin/<plugin>.js, unless the build named the entry. */
static char *entry_path(const char *argv0) {
  struct buf path = {0};
#ifdef NLKIT_ENTRY
  (void)argv0;
  buf_str(&path, NLKIT_ENTRY);
  return path.data;
#else
  struct buf self = {0};
  char target[4096];
  ssize_t n = readlink("/proc/self/exe", target, sizeof target - 1);
  if (n > 0) {
    buf_add(&self, target, (size_t)n);
  } else {
    /* No /proc: argv[0] with its symlinks followed, as the Perl client follows $0. */
    buf_str(&self, argv0 ? argv0 : "");
    for (int hops = 0; hops < 40; hops++) {
      ssize_t t = readlink(self.data, target, sizeof target - 1);
      if (t <= 0) break;
      char *slash = strrchr(self.data, '/');
      if (target[0] == '/' || !slash) self.len = 0;
      else self.len = (size_t)(slash - self.data) + 1;
      buf_add(&self, target, (size_t)t);
    }
  }
  char *slash = strrchr(self.data, '/');
  if (slash) buf_add(&path, self.data, (size_t)(slash - self.data));
  else buf_str(&path, ".");
  buf_str(&path, "/bin/" NLKIT_PLUGIN ".js");
  free(self.data);
  return path.data;
#endif
}

static const char *program;

static void exec_standalone(const char *socket_path) {
  char *js = entry_path(program);
  const char *const *commands = nlkit_node_commands;
  signal(SIGPIPE, SIG_DFL); /* Node.js sets its own; any other program gets the default */
  while (*commands) {
    const char *argv[64];
    size_t n = 0;
    while (*commands && n < 62) argv[n++] = *commands++;
    while (*commands) commands++; /* an argv longer than 62 words is cut (c-client.ts refuses one) */
    commands++;
    argv[n++] = js;
    argv[n] = NULL;
    execvp(argv[0], (char *const *)argv);
  }
  struct buf why = {0};
  buf_printf(&why, "no nlkit CNI agent on %s and no node to run %s", socket_path, js);
  no_node(why.data);
}

/* Stdin was read already: the standalone plugin gets it through a pipe; its exit status is ours. */
static void standalone_with(const struct buf *in, const char *socket_path) {
  int p[2];
  if (pipe(p) != 0) fail(11, NLKIT_PLUGIN ": cannot make a pipe for the standalone plugin; try again", strerror(errno));
  pid_t pid = fork();
  if (pid < 0) fail(11, NLKIT_PLUGIN ": cannot fork the standalone plugin; try again", strerror(errno));
  if (pid == 0) {
    dup2(p[0], 0);
    close(p[0]);
    close(p[1]);
    exec_standalone(socket_path);
  }
  close(p[0]);
  write_all(p[1], in->data, in->len);
  close(p[1]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) exit(1);
  }
  exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

/* --- The agent --- */

/* A connected socket, or -1 when no agent accepts within NLKIT_SEND_TIMEOUT_S (none listening, a stale socket file, a path that cannot be one). */
static int connect_agent(const char *path) {
  struct sockaddr_un address;
  memset(&address, 0, sizeof address);
  address.sun_family = AF_UNIX;
  if (strlen(path) >= sizeof address.sun_path) return -1;
  memcpy(address.sun_path, path, strlen(path));
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  /* connect() on a unix socket waits for room in the listener's backlog up to the send timeout. */
  struct timeval limit = {NLKIT_SEND_TIMEOUT_S, 0};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
  if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) {
    close(fd);
    return -1;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

/* Waits until `fd` is ready for `events` or `deadline` (CLOCK_MONOTONIC ms) passes; 0 on time out. */
static int wait_for(int fd, short events, long long deadline) {
  for (;;) {
    long long left = deadline - now_ms(CLOCK_MONOTONIC);
    if (left <= 0) return 0;
    struct pollfd p = {fd, events, 0};
    int n = poll(&p, 1, left > 1000000 ? 1000000 : (int)left);
    if (n > 0) return 1;
    if (n < 0 && errno != EINTR) return 1; /* let the read or write report it */
  }
}

/* Decimal digits only, at most 18 (no overflow); -1 otherwise. */
static long long parse_count(const char *s, size_t n) {
  if (n == 0 || n > 18) return -1;
  long long value = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    value = value * 10 + (s[i] - '0');
  }
  return value;
}

int main(int argc, char **argv) {
  (void)argc;
  program = argv[0];
  /* As the Perl client: a runtime that closed our stdout must not kill us before we exit with the plugin's code. */
  signal(SIGPIPE, SIG_IGN);
  const char *socket_path = env_or(NLKIT_AGENT_SOCKET_VARIABLE, NLKIT_DEFAULT_SOCKET);
  int fd = connect_agent(socket_path);
  if (fd < 0) exec_standalone(socket_path);

  struct buf in = {0};
  read_stdin(&in);
  struct buf request = {0};
  request_bytes(&request, &in);

  enum { IN_TIME, SENDING, ANSWERING } timed_out = IN_TIME;
  long long deadline = now_ms(CLOCK_MONOTONIC) + NLKIT_SEND_TIMEOUT_S * 1000LL;
  for (size_t at = 0; at < request.len;) {
    if (!wait_for(fd, POLLOUT, deadline)) {
      timed_out = SENDING;
      break;
    }
    ssize_t n = send(fd, request.data + at, request.len - at, MSG_NOSIGNAL);
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    if (n <= 0) break; /* the agent stopped reading: it may still have answered (a refusal) */
    at += (size_t)n;
  }
  free(request.data);

  struct buf answer = {0};
  if (!timed_out) {
    shutdown(fd, SHUT_WR);
    deadline = now_ms(CLOCK_MONOTONIC) + NLKIT_ANSWER_TIMEOUT_S * 1000LL;
    char chunk[65536];
    for (;;) {
      if (!wait_for(fd, POLLIN, deadline)) {
        timed_out = ANSWERING;
        break;
      }
      ssize_t n = read(fd, chunk, sizeof chunk);
      if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
      if (n <= 0) break; /* end, or ECONNRESET after the answer: what came is the answer */
      buf_add(&answer, chunk, (size_t)n);
      if (answer.len > NLKIT_MAX_ANSWER_BYTES) break;
    }
  }
  close(fd);

  if (!timed_out && answer.len > 0) {
    const char *space = memchr(answer.data, ' ', answer.len);
    const char *newline = memchr(answer.data, '\n', answer.len);
    if (space && newline && space < newline) {
      long long code = parse_count(answer.data, (size_t)(space - answer.data));
      long long length = parse_count(space + 1, (size_t)(newline - space - 1));
      size_t body = (size_t)(newline + 1 - answer.data);
      if (code >= 0 && code <= 255 && length >= 0 && answer.len - body == (size_t)length) {
        write_all(1, answer.data + body, (size_t)length);
        return (int)code;
      }
    }
  }
  /*
   * The agent took the call and gave no answer (stopped or crashed
   * meanwhile, wedged, or not the agent). DEL, CHECK, GC, STATUS and
   * VERSION can safely run again here; an ADD may have been half done, so
   * the runtime is told to try again (it DELs first).
   */
  if (strcmp(command(), "ADD") != 0) standalone_with(&in, socket_path);
  if (timed_out == SENDING) fail(11, "the nlkit CNI agent did not take the request within " NLKIT_STR(NLKIT_SEND_TIMEOUT_S) " s; try again", NULL);
  if (timed_out == ANSWERING) fail(11, "the nlkit CNI agent did not answer within " NLKIT_STR(NLKIT_ANSWER_TIMEOUT_S) " s; try again", NULL);
  fail(11, "the nlkit CNI agent closed the connection without an answer; try again", NULL);
  return 1;
}
