/** A sysctl of a pod could not be written; the pod was undone. */
export class PodSysctlError extends Error {
  /** Always `'PodSysctlError'`. */
  override readonly name = 'PodSysctlError';

  constructor(
    /** The setting, dotted (`net.ipv4.conf.eth0.arp_notify`). */
    readonly setting: string,
    /** The value that was to be written. */
    readonly value: string,
    /** errno name from the write: `ENOENT` (no such setting), `EINVAL` (value refused), `EACCES`... */
    readonly code: string,
    /** The pod's namespace, e.g. `netns pod1`. */
    readonly netns: string,
    detail: string,
  ) {
    super(`sysctl ${setting} = ${value} in ${netns}: ${code === 'ENOENT' ? 'no such setting' : detail}`);
  }
}
