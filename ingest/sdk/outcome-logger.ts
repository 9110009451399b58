// What a deployed model (or the service in front of it) calls to feed an online experiment:
// expose(unit, variant) when a unit is assigned, record(unit, variant, metric, value) for each
// outcome. Records are buffered column by column and sealed into OutcomeBatch messages by size
// and by time (the client's timer), each with the client's identity so a re-send is stored
// once. Checks each record at the call, so a bad one throws there and nothing buffered is lost.
// A failed send never throws into the serving path: the client's onError hears it at once, and
// flush() rejects with it.
import type { OutcomeBatch } from '../../schemas/events.ts';
import { unicodeProblem } from '../../schemas/text.ts';
import { checkId, checkKey } from '../../schemas/validate.ts';

/** What the logger needs of the client: a way to send a sealed batch. */
export interface OutcomeSink {
  emit(type: 'OutcomeBatch', batch: OutcomeBatch): Promise<void>;
  readonly maxBatchPoints: number;
  /** Hears a failed send (the client's onError, else its logger). */
  reportError(err: Error): void;
}

export interface OutcomeLoggerOptions {
  /**
   * Ratio metrics: those whose records are a unit's requests (the unit a user). Their totals
   * are kept per unit too, so the analysis can use the delta method over units (declare them
   * with kind "ratio").
   */
  perUnit?: string[];
}

export interface RecordOptions {
  /** The unit's pre-period value of the metric, for CUPED (0 for a unit with no pre-period activity). */
  covariate?: number;
  /** Epoch ms (default now). */
  at?: number;
}

class Dictionary {
  readonly names: string[] = [];
  private readonly ids = new Map<string, number>();
  index(name: string): number {
    let i = this.ids.get(name);
    if (i === undefined) {
      i = this.names.push(name) - 1;
      this.ids.set(name, i);
    }
    return i;
  }
}

/** Records column by column until sealed into one OutcomeBatch. */
class Columns {
  variants = new Dictionary();
  metrics = new Dictionary();
  unitIds: string[] = [];
  variantIndex: number[] = [];
  metricIndex: number[] = [];
  values: number[] = [];
  covariates: number[] = [];
  times: number[] = [];
}

export class OutcomeLogger {
  /** Two buffers: a batch carries covariates on every record or on none. */
  private plain = new Columns();
  private withCovariates = new Columns();
  /** Batches sent and not yet settled; each resolves to its failure, or null. */
  private readonly pending = new Set<Promise<Error | null>>();
  private failure: Error | null = null;
  private readonly checkedNames = new Set<string>();
  private readonly perUnit: ReadonlySet<string>;

  /** @internal — use RunlensClient.outcomeLogger. */
  constructor(
    private readonly sink: OutcomeSink,
    readonly project: string,
    readonly experimentId: string,
    opts: OutcomeLoggerOptions = {},
  ) {
    const bad = checkId('project', project) ?? checkId('experimentId', experimentId) ?? (opts.perUnit ?? []).reduce<string | null>((r, m) => r ?? checkKey('perUnit metric', m), null);
    if (bad) throw new TypeError(bad);
    this.perUnit = new Set(opts.perUnit ?? []);
  }

  /** The unit was served the variant. The sample-ratio check counts each unit once: once per unit is enough (and cheapest), more are harmless. Throws on invalid input. */
  expose(unit: string, variant: string, at: number = Date.now()): void {
    this.add(unit, variant, null, 0, undefined, at);
  }

  /** One outcome of the unit in the variant. Throws on invalid input. */
  record(unit: string, variant: string, metric: string, value: number, opts: RecordOptions = {}): void {
    this.checkName('metric', metric);
    if (!Number.isFinite(value)) throw new TypeError(`metric "${metric}": value ${value} is not a finite number`);
    if (opts.covariate !== undefined && !Number.isFinite(opts.covariate)) throw new TypeError(`metric "${metric}": covariate ${opts.covariate} is not a finite number`);
    this.add(unit, variant, metric, value, opts.covariate, opts.at ?? Date.now());
  }

  private checkName(what: 'metric' | 'variant', name: string): void {
    const key = `${what}\u0000${name}`;
    if (this.checkedNames.has(key)) return;
    const bad = checkKey(what, name);
    if (bad) throw new TypeError(bad);
    this.checkedNames.add(key);
  }

  private add(unit: string, variant: string, metric: string | null, value: number, covariate: number | undefined, at: number): void {
    if (unit.length === 0 || unit.length > 256) throw new TypeError(`unit id is ${unit.length === 0 ? 'empty' : 'longer than 256 characters'}`);
    const notText = unicodeProblem(unit);
    if (notText) throw new TypeError(`unit id ${JSON.stringify(unit.slice(0, 40))}: not valid Unicode (${notText})`);
    if (!Number.isSafeInteger(at) || at < 0) throw new TypeError(`time ${at} is not a non-negative integer of milliseconds`);
    this.checkName('variant', variant);
    const c = covariate === undefined ? this.plain : this.withCovariates;
    c.unitIds.push(unit);
    c.variantIndex.push(c.variants.index(variant));
    c.metricIndex.push(metric === null ? -1 : c.metrics.index(metric));
    c.values.push(value);
    if (covariate !== undefined) c.covariates.push(covariate);
    c.times.push(at);
    if (c.unitIds.length >= this.sink.maxBatchPoints) this.sealColumns(c === this.plain ? 'plain' : 'withCovariates');
  }

  get buffered(): number {
    return this.plain.unitIds.length + this.withCovariates.unitIds.length;
  }

  /** Sends what is buffered (the client's timer calls it too). */
  seal(): void {
    this.sealColumns('plain');
    this.sealColumns('withCovariates');
  }

  private sealColumns(which: 'plain' | 'withCovariates'): void {
    const c = this[which];
    if (c.unitIds.length === 0) return;
    this[which] = new Columns();
    const batch: OutcomeBatch = {
      project: this.project, experimentId: this.experimentId, variants: c.variants.names, metrics: c.metrics.names, unitIds: c.unitIds,
      variantIndex: c.variantIndex, metricIndex: c.metricIndex, values: c.values, covariates: c.covariates, times: c.times,
      metricsPerUnit: c.metrics.names.some((m) => this.perUnit.has(m)) ? c.metrics.names.map((m) => this.perUnit.has(m)) : [],
    };
    const p: Promise<Error | null> = this.sink.emit('OutcomeBatch', batch).then(
      () => null,
      (err: Error) => {
        this.sink.reportError(err);
        return err;
      },
    );
    this.pending.add(p);
    void p.then((err) => {
      this.pending.delete(p);
      // Settled before any flush awaited it: the next flush reports it.
      if (err) this.failure ??= err;
    });
  }

  /** Seals the buffers and waits until Kafka acknowledged everything; rejects with the first send that failed since the last flush. */
  async flush(): Promise<void> {
    this.seal();
    // The failures of the batches this flush waits for, else one that settled earlier unreported.
    const own = (await Promise.all([...this.pending])).find((e) => e !== null);
    const failure = own ?? this.failure;
    this.failure = null;
    if (failure) throw failure;
  }
}
