// The figures one `npm run bench` measured, written to .runlens/bench/latest.json beside what it
// prints: each part (pipeline, latency, queries, mlflow, …) records its headline figures as it
// prints them; at the end the file gets this run's parts, with the machine, the versions and the
// time, and keeps the parts this run did not measure (`--only queries` replaces only "queries").
// Figures, not verdicts: nothing here compares them with a target.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

export interface Figure {
  /** What was measured, as the bench prints it. */
  name: string;
  value: number;
  /** 'points/s', 'ms', 's', 'MB', '×', '%'… */
  unit: string;
}

export interface Machine {
  cores: number;
  cpu: string;
  memoryGiB: number;
  node: string;
  clickhouse: string | null;
  /** The checkout measured (git's short hash), when it is one. */
  commit: string | null;
}

/** A part's figures, with where and when they were measured (parts of one file may come from different runs). */
export interface PartReport {
  measuredAt: string;
  machine: Machine;
  /** Set when the bench run that measured this part stopped on an error: its figures may be partial. */
  stoppedEarly?: string;
  figures: Figure[];
}

export interface BenchReport {
  parts: Record<string, PartReport>;
}

const measured = new Map<string, Figure[]>();

/** Whether any figure was recorded in this process. */
export const anyFigures = (): boolean => measured.size > 0;

/** Records one figure of a part (a figure recorded twice under one name keeps the last). */
export function recordFigure(part: string, name: string, value: number, unit: string): void {
  const figures = measured.get(part) ?? [];
  const same = figures.findIndex((f) => f.name === name);
  if (same >= 0) figures.splice(same, 1);
  figures.push({ name, value, unit });
  measured.set(part, figures);
}

function gitCommit(cwd: string): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null; // not a git checkout
  }
}

/**
 * Writes `<repoRoot>/.runlens/bench/latest.json`: this run's parts over those of the file
 * already there (a file that cannot be read is replaced); `stoppedEarly` (the error that stopped
 * the run) marks them as possibly partial. Returns its path, or null when nothing was measured.
 */
export function writeBenchReport(repoRoot: string, clickhouse: string | null, stoppedEarly?: string): string | null {
  if (measured.size === 0) return null;
  const dir = join(repoRoot, '.runlens', 'bench');
  const path = join(dir, 'latest.json');
  let parts: Record<string, PartReport> = {};
  try {
    parts = (JSON.parse(readFileSync(path, 'utf8')) as BenchReport).parts ?? {};
  } catch {
    /* no earlier report */
  }
  const machine: Machine = { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.versions.node, clickhouse, commit: gitCommit(repoRoot) };
  const measuredAt = new Date().toISOString();
  for (const [part, figures] of measured) parts[part] = { measuredAt, machine, ...(stoppedEarly === undefined ? {} : { stoppedEarly }), figures };
  const report: BenchReport = { parts };
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${path}.tmp`, `${JSON.stringify(report, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
  return path;
}
