// Socket-layer constants that live in glibc's <bits/*.h> rather than in the
// Linux uapi headers, so codegen cannot produce them. Values are the Linux ABI
// (identical on x86_64 and arm64).
/** Address family "any": in a dump request it asks for every family (ip -0/-4/-6 unset). */
export const AF_UNSPEC = 0;
/** IPv4 address family (`ip -4`). */
export const AF_INET = 2;
/** Bridge address family (PF_BRIDGE): FDB entries (`bridge fdb`) and a bridge's own link messages. */
export const AF_BRIDGE = 7;
/** IPv6 address family (`ip -6`). */
export const AF_INET6 = 10;
/** Netlink socket domain, the first argument of socket(2) for every netlink socket. */
export const AF_NETLINK = 16;
/** Socket type netlink sockets are opened with (SOCK_DGRAM would behave the same). */
export const SOCK_RAW = 3;
/** socket(2) type flag: close the fd on exec, so child processes do not inherit it. */
export const SOCK_CLOEXEC = 0o2000000;
/** setsockopt(2) level for the generic socket options (SO_RCVBUF and friends). */
export const SOL_SOCKET = 1;
/** Send buffer size in bytes, capped by net.core.wmem_max (the kernel doubles the value). */
export const SO_SNDBUF = 7;
/** Receive buffer size in bytes, capped by net.core.rmem_max (the kernel doubles the value). */
export const SO_RCVBUF = 8;
/** Like SO_SNDBUF but ignores net.core.wmem_max; needs CAP_NET_ADMIN. */
export const SO_SNDBUFFORCE = 32;
/** Like SO_RCVBUF but ignores net.core.rmem_max; needs CAP_NET_ADMIN. */
export const SO_RCVBUFFORCE = 33;
/** setsockopt(2) level for netlink options (NETLINK_ADD_MEMBERSHIP, NETLINK_EXT_ACK, ...). */
export const SOL_NETLINK = 270;
/** recv(2) flag: read without removing the message from the queue. */
export const MSG_PEEK = 0x2;
/** recv(2) flag: return the real datagram length even if it exceeds the buffer (used to size the buffer). */
export const MSG_TRUNC = 0x20;
/** recv(2)/send(2) flag: fail with EAGAIN instead of blocking. */
export const MSG_DONTWAIT = 0x40;
/** open(2) read-only access mode, enough to setns(2) into an nsfs file. */
export const O_RDONLY = 0;
/** open(2) read-write access mode (/dev/net/tun). */
export const O_RDWR = 2;
/** open(2) flag: create the file if missing (the /run/netns mount point). */
export const O_CREAT = 0o100;
/** open(2) flag with O_CREAT: fail with EEXIST if the file already exists. */
export const O_EXCL = 0o200;
/** open(2) flag: close the fd on exec. */
export const O_CLOEXEC = 0o2000000;
/** open(2) flag (with O_DIRECTORY's bit): an unnamed file in that directory's filesystem, named later by linkat(2). */
export const O_TMPFILE = 0o20200000;
/** linkat(2): paths are relative to the current directory (absolute here). */
export const AT_FDCWD = -100;
/** linkat(2) flag: follow a /proc/self/fd/N link to the open file it stands for. */
export const AT_SYMLINK_FOLLOW = 0x400;
/** umount2(2) flag: lazy unmount, detach now and clean up once no longer busy (`ip netns del` uses it). */
export const MNT_DETACH = 2;

// ioctl request numbers (_IOW('T', n, int) and sockios.h); the generic ioctl
// encoding gives the same values on x86_64 and arm64.
/** ioctl on a /dev/net/tun fd: attach to, or create, the tun/tap device named in a struct ifreq. */
export const TUNSETIFF = 0x400454ca;
/** ioctl on an attached tun fd: keep the device after the fd is closed (1) or not (0). */
export const TUNSETPERSIST = 0x400454cb;
/** ioctl on an attached tun fd: only this uid may attach to the device. */
export const TUNSETOWNER = 0x400454cc;
/** ioctl on an attached tun fd: only this gid may attach to the device. */
export const TUNSETGROUP = 0x400454ce;
/** ioctl on a socket: a new fd of the network namespace the socket lives in. */
export const SIOCGSKNS = 0x894c;
