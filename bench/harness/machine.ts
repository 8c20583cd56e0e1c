// What the figures depend on, recorded with them.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, release } from 'node:os';

export interface MachineInfo {
  kernel: string;
  cpus: number;
  cpuModel: string;
  node: string;
  iproute2: string;
  nft?: string;
  /** 1, 5 and 15 minute load averages when the bench started: other work on the machine skews every figure. */
  loadAverage: number[];
}

function versionOf(command: string, args: string[], pattern: RegExp): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  const text = `${result.stdout}${result.stderr}`;
  return pattern.exec(text)?.[1] ?? text.trim();
}

export function machineInfo(): MachineInfo {
  const info: MachineInfo = {
    kernel: release(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    // "ip utility, iproute2-6.1.0, libbpf 1.1.2"
    iproute2: versionOf('ip', ['-V'], /iproute2-([\w.]+)/) ?? 'not installed',
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
  // "nftables v1.0.6 (Lester Gooch #5)"
  const nft = versionOf('nft', ['--version'], /nftables v([\w.]+)/);
  if (nft !== undefined) info.nft = nft;
  return info;
}
