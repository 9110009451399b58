// The training-job SDK: startRun → run.log / run.logArtifact → run.finish. Points are buffered
// per run and sealed into MetricBatch messages by size and by time; everything a run emits is
// keyed by its run id so it stays ordered in one partition. The producer is idempotent with
// acks=-1. A failed send is never dropped: it rejects flush()/finish() and the next log() call
// throws it, and onError (if given) hears it at once. Every MetricBatch, ArtifactLogged and
// ParamsLogged carries the client's identity (producerId, sequence), so a re-send is stored once
// (so do tables, samples and console lines);
// while a run is open the client sends a RunHeartbeat every heartbeatIntervalMs.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Producer } from 'kafkajs';
import { createIdempotentProducer, createKafka, ensureTopics } from '../../common/kafka.ts';
import { topicsFor } from '../../common/config.ts';
import type { Logger } from '../../common/logger.ts';
import { loadCatalogue, type SchemaCatalogue } from '../../schemas/catalogue.ts';
import { eventKey, type ArtifactKind, type EventIdentity, type EventMap, type EventType, type Lineage, type LogLevel, type LogLines, type ParamValue, type RunStatus, type Sample, type TableLogged } from '../../schemas/events.ts';
import { checkKey, checkPoint, validateEvent } from '../../schemas/validate.ts';
import { MetricBuffer } from './metric-buffer.ts';
import { Sender, SendError } from './sender.ts';
import { OutcomeLogger, type OutcomeLoggerOptions } from './outcome-logger.ts';

export { SendError };

/** The largest event the SDK sends: the gateway's limit (4 MiB), well under the events topic's 8 MiB. */
export const MAX_EVENT_BYTES = 4 * 1024 * 1024;

/** Events that carry the client's identity, so a re-send is stored once. */
const IDENTIFIED: ReadonlySet<EventType> = new Set(['MetricBatch', 'ArtifactLogged', 'ParamsLogged', 'TableLogged', 'SamplesLogged', 'LogLines', 'OutcomeBatch']);

/** A generic table: column names and rows of numbers, strings, booleans or nulls. */
export interface TableSpec {
  columns: string[];
  rows: (number | string | boolean | null)[][];
}

export interface ClientOptions {
  brokers: string[];
  topicPrefix?: string;
  clientId?: string;
  /** Points per MetricBatch message before it is sealed and sent (default 5,000). */
  maxBatchPoints?: number;
  /**
   * Longest time a point waits in the buffer (default 200 ms). At a trickle this is most of the
   * time until a point is queryable (`npm run bench -- --only latency`: p99 1.03 s at 1,000 ms);
   * at a high rate batches fill to maxBatchPoints first.
   */
  flushIntervalMs?: number;
  /** Flush on the process's beforeExit (default true). Signals are the caller's to handle: call close(). */
  flushOnExit?: boolean;
  onError?: (err: Error) => void;
  /** Hears every MetricBatch's fate: acknowledged by Kafka, or failed with the error. */
  onDelivery?: (delivery: { runId: string; points: number; error?: Error }) => void;
  logger?: Logger;
  /** How often an open run says it is alive (RunHeartbeat; default 30,000 ms; 0: never). */
  heartbeatIntervalMs?: number;
  /** Create the topics if they do not exist (default true). */
  createTopics?: boolean;
  catalogue?: SchemaCatalogue;
}

export interface StartRunSpec {
  project: string;
  experiment: string;
  runId?: string;
  sweepId?: string | null;
  name?: string;
  user?: string;
  startedAt?: number;
  params?: Record<string, ParamValue>;
  tags?: Record<string, string>;
  lineage?: Partial<Omit<Lineage, 'environment'>> & { environment?: Partial<Lineage['environment']> };
  workerRank?: number | null;
}

export interface ArtifactSpec {
  name: string;
  kind?: ArtifactKind;
  uri: string;
  digest: string;
  sizeBytes: number;
  step?: number | null;
  metadata?: Record<string, string>;
}

export interface LogOptions {
  segment?: string;
  wallTime?: number;
}

export class RunlensClient {
  private readonly runs = new Set<Run>();
  private readonly outcomeLoggers = new Set<OutcomeLogger>();
  private readonly timer: NodeJS.Timeout;
  private readonly heartbeat: NodeJS.Timeout | null;
  private readonly exitHook: () => void;
  /** This client's name in the identity of its events: a re-sent event keeps (producerId, sequence). */
  readonly producerId = randomUUID();
  private sequence = 0;
  private closed = false;
  readonly maxBatchPoints: number;

  private constructor(
    private readonly producer: Producer,
    readonly sender: Sender,
    readonly catalogue: SchemaCatalogue,
    private readonly opts: ClientOptions,
  ) {
    this.maxBatchPoints = opts.maxBatchPoints ?? 5_000;
    this.timer = setInterval(() => this.flushBuffers(), opts.flushIntervalMs ?? 200);
    this.timer.unref();
    const beat = opts.heartbeatIntervalMs ?? 30_000;
    this.heartbeat = beat > 0 ? setInterval(() => this.sendHeartbeats(), beat) : null;
    this.heartbeat?.unref();
    this.exitHook = () => void this.close().catch((err) => this.reportError(err as Error));
    if (opts.flushOnExit ?? true) process.once('beforeExit', this.exitHook);
  }

  static async connect(opts: ClientOptions): Promise<RunlensClient> {
    const kafka = createKafka(opts.brokers, opts.clientId ?? 'runlens-sdk', opts.logger);
    const topics = topicsFor({ topicPrefix: opts.topicPrefix ?? 'runlens.' });
    if (opts.createTopics ?? true) {
      const admin = kafka.admin();
      await admin.connect();
      try {
        await ensureTopics(admin, topics);
      } finally {
        await admin.disconnect();
      }
    }
    const producer = createIdempotentProducer(kafka);
    await producer.connect();
    return RunlensClient.fromProducer(producer, opts);
  }

  /** A client over an already connected producer (tests, or jobs that share one producer). */
  static fromProducer(producer: Producer, opts: Omit<ClientOptions, 'brokers'> & { brokers?: string[] }): RunlensClient {
    const topics = topicsFor({ topicPrefix: opts.topicPrefix ?? 'runlens.' });
    const sender = new Sender(producer, topics.events, { maxRequestBytes: 4 * 1024 * 1024, maxQueuedBytes: 64 * 1024 * 1024 });
    return new RunlensClient(producer, sender, opts.catalogue ?? loadCatalogue(), { brokers: [], ...opts });
  }

  /**
   * A logger of an online experiment's outcomes (expose, record), batched like metric points:
   * a deployed model's service calls it. Declare the experiment first (POST /v1/online/experiments).
   */
  outcomeLogger(project: string, experimentId: string, opts: OutcomeLoggerOptions = {}): OutcomeLogger {
    this.assertOpen();
    const logger = new OutcomeLogger(this, project, experimentId, opts);
    this.outcomeLoggers.add(logger);
    return logger;
  }

  async startRun(spec: StartRunSpec): Promise<Run> {
    this.assertOpen();
    const runId = spec.runId ?? randomUUID();
    const env = spec.lineage?.environment ?? {};
    const event: EventMap['RunStarted'] = {
      project: spec.project,
      runId,
      experiment: spec.experiment,
      sweepId: spec.sweepId ?? null,
      name: spec.name ?? runId,
      user: spec.user ?? process.env.USER ?? 'unknown',
      startedAt: spec.startedAt ?? Date.now(),
      params: spec.params ?? {},
      tags: spec.tags ?? {},
      lineage: {
        gitCommit: spec.lineage?.gitCommit ?? null,
        gitDirty: spec.lineage?.gitDirty ?? false,
        dataVersion: spec.lineage?.dataVersion ?? null,
        environment: {
          language: env.language ?? 'node',
          languageVersion: env.languageVersion ?? process.versions.node,
          libraries: env.libraries ?? {},
          hardware: env.hardware ?? null,
        },
        seed: spec.lineage?.seed ?? null,
        host: spec.lineage?.host ?? hostname(),
        parentRunId: spec.lineage?.parentRunId ?? null,
      },
    };
    const run = new Run(this, event.project, runId, event.startedAt, spec.workerRank ?? null);
    await this.emit('RunStarted', event);
    this.runs.add(run);
    return run;
  }

  /**
   * Validates, encodes and sends one event; resolves when Kafka acknowledged it. Validation
   * comes first: encoding would silently turn a lone surrogate in a name into other bytes.
   */
  emit<K extends EventType>(type: K, event: EventMap[K]): Promise<void> {
    if (IDENTIFIED.has(type) && (event as EventIdentity).producerId == null) {
      Object.assign(event, { producerId: this.producerId, sequence: this.sequence++ } satisfies EventIdentity);
    }
    const invalid = validateEvent({ type, value: event } as never);
    if (invalid) return Promise.reject(new TypeError(`${type}: ${invalid}`));
    let value: Buffer;
    try {
      value = this.catalogue.encode(type, event);
    } catch (err) {
      return Promise.reject(new TypeError(`${type} does not match its schema: ${(err as Error).message}`));
    }
    // Kafka would refuse it for good (the topic takes 8 MiB): said here, with the size.
    if (value.length > MAX_EVENT_BYTES) return Promise.reject(new TypeError(`${type}: ${value.length.toLocaleString('en-US')} bytes encoded, more than ${MAX_EVENT_BYTES.toLocaleString('en-US')}; log it in smaller parts`));
    return this.sender.send(eventKey(event), value);
  }

  /** Waits until the send queue has room; a fast producer (a simulator) calls this between steps. */
  waitForCapacity(): Promise<void> {
    return this.sender.waitForCapacity();
  }

  /** Seals every run's buffered points and waits until Kafka acknowledged all of them. */
  async flush(): Promise<void> {
    this.flushBuffers();
    await this.sender.drain();
    for (const run of this.runs) run.throwIfFailed();
    for (const logger of this.outcomeLoggers) await logger.flush();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
    } finally {
      this.closed = true;
      clearInterval(this.timer);
      if (this.heartbeat) clearInterval(this.heartbeat);
      process.removeListener('beforeExit', this.exitHook);
      await this.producer.disconnect();
    }
  }

  /** @internal */
  forget(run: Run): void {
    this.runs.delete(run);
  }

  /** @internal */
  reportDelivery(delivery: { runId: string; points: number; error?: Error }): void {
    this.opts.onDelivery?.(delivery);
  }

  /** @internal */
  reportError(err: Error): void {
    if (this.opts.onError) this.opts.onError(err);
    else this.opts.logger?.error({ err }, 'runlens send failed');
  }

  private sendHeartbeats(): void {
    for (const run of this.runs) run.sendHeartbeat();
  }

  private flushBuffers(): void {
    for (const run of this.runs) run.sealBuffer();
    for (const logger of this.outcomeLoggers) logger.seal();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('RunlensClient is closed');
  }
}

export class Run {
  private readonly buffer: MetricBuffer;
  private readonly pending = new Set<Promise<void>>();
  private failure: Error | null = null;
  private finished = false;
  /** The next line number per stream (logLines): a resumed process starts again from 0 only in a new run. */
  private readonly lineSeq = { stdout: 0, stderr: 0 };

  /** @internal — use RunlensClient.startRun. */
  constructor(
    private readonly client: RunlensClient,
    readonly project: string,
    readonly id: string,
    private readonly startedAt: number,
    private readonly workerRank: number | null,
  ) {
    this.buffer = new MetricBuffer(project, id, workerRank);
  }

  /** Buffers one value per key at `step`. Throws on invalid input or an earlier failed send. */
  log(values: Record<string, number>, step: number, opts: LogOptions = {}): void {
    this.throwIfFailed();
    if (this.finished) throw new Error(`run ${this.id} is finished`);
    const wallTime = opts.wallTime ?? Date.now();
    if (opts.segment !== undefined) {
      const r = checkKey('segment', opts.segment);
      if (r) throw new TypeError(r);
    }
    for (const key in values) {
      const value = values[key]!;
      const r = checkKey('metric key', key) ?? checkPoint(key, step, value, wallTime);
      if (r) throw new TypeError(r);
    }
    for (const key in values) this.buffer.add(key, step, values[key]!, wallTime, opts.segment);
    if (this.buffer.size >= this.client.maxBatchPoints) this.sealBuffer();
  }

  async logArtifact(a: ArtifactSpec): Promise<void> {
    this.throwIfFailed();
    await this.client.emit('ArtifactLogged', {
      project: this.project,
      runId: this.id,
      name: a.name,
      kind: a.kind ?? 'other',
      uri: a.uri,
      digest: a.digest,
      sizeBytes: a.sizeBytes,
      step: a.step ?? null,
      loggedAt: Date.now(),
      metadata: a.metadata ?? {},
    });
  }

  /** A confusion matrix (TableLogged): counts[actual][predicted] over the classes in labels. */
  async logConfusionMatrix(name: string, labels: string[], counts: number[][], step: number | null = null): Promise<void> {
    await this.logTableEvent({ name, kind: 'confusionMatrix', step, labels, values: counts.flat() }, counts.some((r) => r.length !== labels.length) || counts.length !== labels.length ? `counts must be ${labels.length} rows of ${labels.length}` : null);
  }

  /** A PR curve: precision and recall at each threshold. */
  async logPrCurve(name: string, curve: { thresholds: number[]; precision: number[]; recall: number[] }, step: number | null = null): Promise<void> {
    await this.logCurve(name, 'prCurve', curve.thresholds, curve.precision, curve.recall, step);
  }

  /** A ROC curve: false and true positive rates at each threshold. */
  async logRocCurve(name: string, curve: { thresholds: number[]; fpr: number[]; tpr: number[] }, step: number | null = null): Promise<void> {
    await this.logCurve(name, 'rocCurve', curve.thresholds, curve.fpr, curve.tpr, step);
  }

  /** Per-class metrics: values[class][metric] for the classes in labels and the metrics in columns. */
  async logPerClass(name: string, labels: string[], columns: string[], values: number[][], step: number | null = null): Promise<void> {
    await this.logTableEvent({ name, kind: 'perClass', step, labels, columns, values: values.flat() }, values.some((r) => r.length !== columns.length) ? `every row holds ${columns.length} values` : null);
  }

  /** A small generic table (columns and rows of numbers, strings, booleans or nulls). */
  async logTable(name: string, table: TableSpec, step: number | null = null): Promise<void> {
    const ragged = table.rows.findIndex((r) => r.length !== table.columns.length);
    await this.logTableEvent({ name, kind: 'table', step, columns: table.columns, cells: table.rows.flat().map((c) => JSON.stringify(c)) }, ragged >= 0 ? `row ${ragged} holds ${table.rows[ragged]!.length} cells, not ${table.columns.length}` : null);
  }

  /** Generated outputs keyed by input id (SamplesLogged): text, or an uri to media with its digest, and scores. */
  async logSamples(name: string, samples: Sample[], step: number | null = null): Promise<void> {
    this.throwIfFailed();
    await this.client.emit('SamplesLogged', { project: this.project, runId: this.id, name, step, loggedAt: Date.now(), samples });
  }

  /** Console lines (LogLines), numbered in order per stream from the run's start; the caller chooses what to capture. */
  async logLines(lines: (string | { text: string; level?: LogLevel; at?: number })[], stream: 'stdout' | 'stderr' = 'stdout'): Promise<void> {
    this.throwIfFailed();
    if (lines.length === 0) return;
    const first = this.lineSeq[stream];
    const numbered = lines.map((l, i) => {
      const line = typeof l === 'string' ? { text: l } : l;
      return { seq: first + i, at: line.at ?? Date.now(), level: line.level ?? (stream === 'stderr' ? 'warning' : 'info'), text: line.text };
    });
    const event: LogLines = { project: this.project, runId: this.id, workerRank: this.workerRank, stream, lines: numbered };
    // Numbers are taken only by lines that will be sent: a refused call leaves no gap.
    const invalid = validateEvent({ type: 'LogLines', value: event });
    if (invalid) throw new TypeError(`LogLines: ${invalid}`);
    this.lineSeq[stream] = first + lines.length;
    await this.client.emit('LogLines', event);
  }

  private async logCurve(name: string, kind: 'prCurve' | 'rocCurve', thresholds: number[], y: number[], z: number[], step: number | null): Promise<void> {
    const columns = kind === 'prCurve' ? ['threshold', 'precision', 'recall'] : ['threshold', 'fpr', 'tpr'];
    const mismatch = y.length !== thresholds.length || z.length !== thresholds.length ? `${columns.join(', ')} must be as long as each other` : null;
    await this.logTableEvent({ name, kind, step, columns, values: thresholds.flatMap((t, i) => [t, y[i]!, z[i]!]) }, mismatch);
  }

  private async logTableEvent(t: Pick<TableLogged, 'name' | 'kind' | 'step' | 'labels' | 'columns' | 'values' | 'cells'>, shapeError: string | null): Promise<void> {
    this.throwIfFailed();
    if (shapeError) throw new TypeError(`TableLogged (${t.name}): ${shapeError}`);
    await this.client.emit('TableLogged', { project: this.project, runId: this.id, loggedAt: Date.now(), ...t });
  }

  /** Sets params after start (ParamsLogged): merged into the run's params, the latest value winning per key. */
  async logParams(params: Record<string, ParamValue>, step: number | null = null): Promise<void> {
    this.throwIfFailed();
    await this.client.emit('ParamsLogged', { project: this.project, runId: this.id, params, loggedAt: Date.now(), step });
  }

  /** @internal — the client's heartbeat timer; a failed heartbeat only goes to onError. */
  sendHeartbeat(): void {
    this.client.emit('RunHeartbeat', { project: this.project, runId: this.id, workerRank: this.workerRank, at: Date.now() }).catch((err: Error) => this.client.reportError(err));
  }

  /** Sends buffered points and waits for every earlier send of this run. */
  async flush(): Promise<void> {
    this.sealBuffer();
    await Promise.allSettled([...this.pending]);
    this.throwIfFailed();
  }

  /** Flushes, then records the end of the run. Metrics logged before finish() are never lost. */
  async finish(opts: { status?: RunStatus; summary?: Record<string, number>; endedAt?: number } = {}): Promise<void> {
    await this.flush();
    const endedAt = opts.endedAt ?? Date.now();
    await this.client.emit('RunFinished', {
      project: this.project,
      runId: this.id,
      status: opts.status ?? 'finished',
      endedAt,
      durationMs: Math.max(0, endedAt - this.startedAt),
      summary: opts.summary ?? {},
    });
    this.finished = true;
    this.client.forget(this);
  }

  /** @internal */
  sealBuffer(): void {
    if (this.buffer.size === 0) return;
    const points = this.buffer.size;
    const p = this.client.emit('MetricBatch', this.buffer.seal()).then(
      () => this.client.reportDelivery({ runId: this.id, points }),
      (err: Error) => {
        this.failure ??= err;
        this.client.reportDelivery({ runId: this.id, points, error: err });
        this.client.reportError(err);
      },
    );
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** @internal */
  throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}
