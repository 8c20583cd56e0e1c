import {
  NFTA_LOG_FLAGS, NFTA_LOG_GROUP, NFTA_LOG_LEVEL, NFTA_LOG_PREFIX, NFTA_LOG_QTHRESHOLD, NFTA_LOG_SNAPLEN,
  NFT_LOGLEVEL_ALERT, NFT_LOGLEVEL_AUDIT, NFT_LOGLEVEL_CRIT, NFT_LOGLEVEL_DEBUG, NFT_LOGLEVEL_EMERG, NFT_LOGLEVEL_ERR,
  NFT_LOGLEVEL_INFO, NFT_LOGLEVEL_NOTICE, NFT_LOGLEVEL_WARNING,
} from '../../generated/nf_tables.js';
import { NF_LOG_IPOPT, NF_LOG_MACDECODE, NF_LOG_PREFIXLEN, NF_LOG_TCPOPT, NF_LOG_TCPSEQ, NF_LOG_UID } from '../../generated/nf_log.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import { EnumNames, FlagNames, keepUnknown, requireUint, writeUnknown, type ExpressionCodec, type KeepsUnknown } from './codec.js';

/** Syslog level of a kernel-log message (NFTA_LOG_LEVEL, `log level warn`); `audit` sends the record to the audit subsystem instead. */
export type LogLevel = 'emerg' | 'alert' | 'crit' | 'err' | 'warn' | 'notice' | 'info' | 'debug' | 'audit';
export const logLevels = new EnumNames<LogLevel>('log level', {
  emerg: NFT_LOGLEVEL_EMERG,
  alert: NFT_LOGLEVEL_ALERT,
  crit: NFT_LOGLEVEL_CRIT,
  err: NFT_LOGLEVEL_ERR,
  warn: NFT_LOGLEVEL_WARNING,
  notice: NFT_LOGLEVEL_NOTICE,
  info: NFT_LOGLEVEL_INFO,
  debug: NFT_LOGLEVEL_DEBUG,
  audit: NFT_LOGLEVEL_AUDIT,
});

/** Extra details in a kernel-log line (NFTA_LOG_FLAGS): TCP sequence numbers, TCP and IP options, the socket's UID (`skuid`), the link-layer header (`ether`). */
export type LogFlag = 'tcp sequence' | 'tcp options' | 'ip options' | 'skuid' | 'ether';
export const logFlags = new FlagNames<LogFlag>('log', {
  'tcp sequence': NF_LOG_TCPSEQ,
  'tcp options': NF_LOG_TCPOPT,
  'ip options': NF_LOG_IPOPT,
  skuid: NF_LOG_UID,
  ether: NF_LOG_MACDECODE,
});

/** `[ log prefix x ]`: logs the packet to the kernel log (level) or to an nflog group (group). */
export interface LogExpression extends KeepsUnknown {
  /** The kernel's `log` expression (nft_log). */
  kind: 'log';
  /** Text put before the log line (NFTA_LOG_PREFIX, `log prefix "drop: "`), at most 127 bytes. */
  prefix?: string;
  /** Kernel-log level; absent uses the kernel default (`warn`). Not with `group`. */
  level?: LogLevel | number;
  /** Extra details to log; unnamed bits appear as hex strings. */
  flags?: (LogFlag | `0x${string}`)[];
  /** nflog group (NFTA_LOG_GROUP, 0-65535, `log group 2`): the packet goes to userspace listeners (ulogd) instead of the kernel log. */
  group?: number;
  /** Bytes of the packet copied to the nflog group (NFTA_LOG_SNAPLEN); absent copies the whole packet. Only with `group`. */
  snaplen?: number;
  /** Packets queued in the kernel before an nflog batch goes to userspace (NFTA_LOG_QTHRESHOLD). Only with `group`. */
  qthreshold?: number;
}

export const logCodec: ExpressionCodec<LogExpression> = {
  kind: 'log',
  encode(w, e) {
    if (e.prefix !== undefined) {
      if (typeof e.prefix !== 'string' || Buffer.byteLength(e.prefix) >= NF_LOG_PREFIXLEN) {
        throw new InvalidArgumentError(`log prefix must be a string shorter than ${NF_LOG_PREFIXLEN} bytes`);
      }
      w.string(NFTA_LOG_PREFIX, e.prefix);
    }
    if (e.group !== undefined) {
      if (e.level !== undefined) throw new InvalidArgumentError('log takes either group (nflog) or level (kernel log), not both');
      w.be16(NFTA_LOG_GROUP, requireUint(e.group, 'log group', 0xffff));
      if (e.snaplen !== undefined) w.be32(NFTA_LOG_SNAPLEN, requireUint(e.snaplen, 'log snaplen'));
      if (e.qthreshold !== undefined) w.be16(NFTA_LOG_QTHRESHOLD, requireUint(e.qthreshold, 'log qthreshold', 0xffff));
    }
    if (e.level !== undefined) w.be32(NFTA_LOG_LEVEL, logLevels.encode(e.level));
    if (e.flags !== undefined) w.be32(NFTA_LOG_FLAGS, logFlags.encode(e.flags));
    writeUnknown(w, e.unknown);
  },
  decode(c) {
    const e: LogExpression = { kind: 'log' };
    while (c.next()) {
      switch (c.type) {
        case NFTA_LOG_PREFIX: e.prefix = c.string(); break;
        case NFTA_LOG_GROUP: e.group = c.be16(); break;
        case NFTA_LOG_SNAPLEN: e.snaplen = c.be32(); break;
        case NFTA_LOG_QTHRESHOLD: e.qthreshold = c.be16(); break;
        case NFTA_LOG_LEVEL: e.level = logLevels.decode(c.be32()); break;
        case NFTA_LOG_FLAGS: e.flags = logFlags.decode(c.be32()); break;
        default: keepUnknown(e, c);
      }
    }
    return e;
  },
};
