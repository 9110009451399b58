// Accumulates one run's points column by column until they are sealed into a MetricBatch.
// Keys and segments are dictionary-encoded per batch, so a point costs four numbers.
import type { MetricBatch } from '../../schemas/events.ts';

export class MetricBuffer {
  private keys: string[] = [];
  private keyIds = new Map<string, number>();
  private segments: string[] = [];
  private segmentIds = new Map<string, number>();
  private keyIndex: number[] = [];
  private segmentIndex: number[] = [];
  private steps: number[] = [];
  private values: number[] = [];
  private wallTimes: number[] = [];

  constructor(
    private readonly project: string,
    private readonly runId: string,
    private readonly workerRank: number | null,
  ) {}

  get size(): number {
    return this.steps.length;
  }

  add(key: string, step: number, value: number, wallTime: number, segment: string | undefined): void {
    let ki = this.keyIds.get(key);
    if (ki === undefined) {
      ki = this.keys.push(key) - 1;
      this.keyIds.set(key, ki);
    }
    let si = -1;
    if (segment !== undefined) {
      const known = this.segmentIds.get(segment);
      if (known === undefined) {
        si = this.segments.push(segment) - 1;
        this.segmentIds.set(segment, si);
      } else si = known;
    }
    this.keyIndex.push(ki);
    this.segmentIndex.push(si);
    this.steps.push(step);
    this.values.push(value);
    this.wallTimes.push(wallTime);
  }

  /** Returns the buffered points as a batch and starts a new one. */
  seal(): MetricBatch {
    const batch: MetricBatch = {
      project: this.project,
      runId: this.runId,
      workerRank: this.workerRank,
      keys: this.keys,
      segments: this.segments,
      keyIndex: this.keyIndex,
      segmentIndex: this.segmentIndex,
      steps: this.steps,
      values: this.values,
      wallTimes: this.wallTimes,
    };
    this.keys = [];
    this.keyIds = new Map();
    this.segments = [];
    this.segmentIds = new Map();
    this.keyIndex = [];
    this.segmentIndex = [];
    this.steps = [];
    this.values = [];
    this.wallTimes = [];
    return batch;
  }
}
