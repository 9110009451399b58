// CPU per process during a benchmark's measurements (Linux /proc; elsewhere only this process
// and no machine total), to tell a slow process from a saturated machine. ClickHouse and Kafka
// are the whole local servers (other databases and topics on them included); "others" is the
// machine's busy time less the processes named: on a shared host, how loud the neighbours were.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../common/config.ts';
import { REPO_ROOT } from '../stack.ts';

export interface CpuSnapshot {
  at: number;
  /** CPU seconds used so far, per process name; null where unknown. */
  procs: Record<string, number | null>;
  /** /proc/stat: busy and all jiffies of the machine. */
  busy: number;
  total: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux this runs on

function processCpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

function machineJiffies(): { busy: number; total: number } {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: total - f[3]! - f[4]!, total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

export function readPid(file: string): number | undefined {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** The pids of the local stack's ClickHouse and Kafka (none for an external stack). */
export function localServerPids(config: Config): { ClickHouse?: number; Kafka?: number } {
  if (config.external) return {};
  const home = config.local.home ?? join(REPO_ROOT, '.runlens');
  return { ClickHouse: readPid(join(home, 'clickhouse', 'pid')), Kafka: readPid(join(home, 'kafka', 'pid')) };
}

export function cpuSnapshot(pids: Record<string, number | undefined>): CpuSnapshot {
  const self = process.cpuUsage();
  const procs: Record<string, number | null> = { 'this process (simulator)': (self.user + self.system) / 1e6 };
  for (const [name, pid] of Object.entries(pids)) procs[name] = processCpuSeconds(pid);
  return { at: performance.now(), procs, ...machineJiffies() };
}

/** Accumulated CPU of one kind of measurement: seconds per process and wall seconds. */
export class CpuTally {
  wall = 0;
  busy = 0;
  total = 0;
  readonly seconds: Record<string, number | null> = {};

  /** The processes to tally, by their names in the snapshots. */
  constructor(readonly names: readonly string[]) {}

  add(a: CpuSnapshot, b: CpuSnapshot): void {
    this.wall += (b.at - a.at) / 1000;
    this.busy += b.busy - a.busy;
    this.total += b.total - a.total;
    for (const name of this.names) {
      const x = a.procs[name];
      const y = b.procs[name];
      const prev = this.seconds[name];
      this.seconds[name] = x == null || y == null || prev === null ? null : (prev ?? 0) + (y - x);
    }
  }
  /** Cores kept busy by everything but the processes named (null without /proc/stat). */
  others(): number | null {
    if (this.total === 0 || this.wall === 0) return null;
    const known = this.names.reduce((a, n) => a + (this.seconds[n] ?? 0), 0) / this.wall;
    return Math.max(0, (this.busy / this.total) * cpus().length - known);
  }
  /** Cores busy on average, per process and for the whole machine. */
  line(): string {
    const cores = (s: number | null | undefined) => (s == null || this.wall === 0 ? '–' : (s / this.wall).toFixed(2));
    if (this.total === 0) return `${this.names.map((n) => cores(this.seconds[n]).padStart(n.length)).join('  ')}`;
    const machine = (this.busy / this.total) * cpus().length;
    return `${this.names.map((n) => cores(this.seconds[n]).padStart(n.length)).join('  ')}  ${(this.others() ?? 0).toFixed(2).padStart(6)}  ${`${machine.toFixed(2)} of ${cpus().length}`.padStart(9)}`;
  }
}

/** A process's peak resident memory so far in MB (Linux: VmHWM; 'self' for this one); null where /proc cannot tell. */
export function peakRssMbOf(pid: number | 'self' | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return hwm ? Number(hwm[1]) / 1024 : null;
  } catch {
    return null;
  }
}
