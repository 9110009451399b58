import { describe, expect, it } from 'vitest';
import type { MetricNames, ParamNames, ParamType } from '../../storage/project-names.ts';
import { compileFilter } from '../filter/compile.ts';
import { parseFilter } from '../filter/parser.ts';
import { alreadyExists, invalidParameter, MlflowError, notFound } from './errors.ts';
import { parseMlflowParamValue } from './param-values.ts';
import { MATCH_NOTHING, RUN_STATUS, translateFilter, translateOrderBy, type SearchNames } from './search.ts';

const types = (...t: ParamType[]) => new Set<ParamType>(t);
const params: ParamNames = new Map([
  ['lr', types('number')],
  ['model', types('string')],
  ['mixed', types('number', 'string')],
  ['flag', types('bool')],
  ['any', types('number', 'bool', 'string')],
  ['val/dropout', types('number')],
]);
const metrics: MetricNames = new Map([
  ['rmse', new Set([''])],
  ['loss.max', new Set([''])],
  ['val/acc', new Set([''])],
  ['per_class', new Set(['class=cat'])],
]);
const names: SearchNames = { params };
const withMetrics: SearchNames = { params, metrics };

/** The translation, after checking that runlens parses, checks and compiles it with the same names. */
function t(filter: string, n: SearchNames = names): string {
  const out = translateFilter(filter, n);
  if (out !== '') {
    parseFilter(out);
    compileFilter(parseFilter(out), { project: 'p', input: out, params: n.params, metrics: n.metrics ?? metrics });
  }
  return out;
}

/** The MlflowError a call throws. */
function error(f: () => unknown): MlflowError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(MlflowError);
    return e as MlflowError;
  }
  throw new Error('did not throw');
}
const filterError = (filter: string, n: SearchNames = names) => error(() => translateFilter(filter, n));

describe('translateFilter: the frame', () => {
  it('translates an empty or blank filter to no filter', () => {
    expect(t('')).toBe('');
    expect(t('  \n\t ')).toBe('');
  });

  it('joins clauses with and, the keyword in any case', () => {
    const out = t("metrics.rmse < 1 and params.model = 'LR' AND tags.x = 'y' AnD attributes.status = 'FINISHED'");
    expect(out).toBe("metrics.rmse.last < 1 and params.model = 'LR' and tags.x = 'y' and status in ('finished')");
    expect(t("metrics.rmse<1 and\nparams.model='LR'")).toBe("metrics.rmse.last < 1 and params.model = 'LR'");
  });

  it.each([
    ["metrics.rmse < 1 or params.model = 'LR'", /OR is not supported: MLflow joins conditions with AND only \(at position 18\)/],
    ["(metrics.rmse < 1 and params.model = 'LR')", /parentheses only enclose an IN list/],
    ['metrics.rmse < 1 and', /expected an identifier/],
    ['metrics.rmse < 1 metrics.rmse > 0', /expected AND or the end of the filter/],
    ['metrics.rmse', /expected a comparator/],
    ['metrics.rmse == 1', /'==' is not a comparator; use '='/],
    ['metrics.rmse <> 1', /'<>' is not a comparator; use '!='/],
    ["params.model NOT LIKE 'a%'", /MLflow has no NOT LIKE/],
    ["params.model NOT 'a'", /expected IN after NOT/],
    ["params.model = 'open", /unterminated '…'/],
    ['metrics.`open > 1', /unterminated `…`/],
    ['metrics.rmse > ', /expected a number or a quoted string/],
    ['metrics.rmse > 1abc', /expected a number or a quoted string/],
    ['metrics.rmse > 1e999', /the number 1e999 is out of range/],
    ['foo.bar = 1', /unknown entity type 'foo'/],
    ['metrics. > 1', /expected a name after 'metrics.'/],
    ["'rmse' > 1", /expected an identifier/],
    ['run_id IN', /expected '\(' and a list of quoted strings after IN/],
    ['run_id IN (1, 2)', /expected a quoted string in the IN list/],
    ["run_id IN ('a' 'b')", /expected ',' or '\)' in the IN list/],
  ])('refuses the malformed %j with INVALID_PARAMETER_VALUE', (filter, message) => {
    const e = filterError(filter);
    expect(e.errorCode).toBe('INVALID_PARAMETER_VALUE');
    expect(e.statusCode).toBe(400);
    expect(e.message).toMatch(/^invalid filter "/);
    expect(e.message).toMatch(message);
  });

  it('refuses a filter longer than runlens takes once translated', () => {
    const long = Array.from({ length: 400 }, (_, i) => `tags.t${i} = 'value-${i}'`).join(' and ');
    expect(filterError(long).message).toMatch(/the filter is too long: as runlens filter text it takes \d+ characters, more than 10000/);
  });
});

describe('translateFilter: metrics', () => {
  it('compares the latest value, always spelling .last', () => {
    for (const op of ['=', '!=', '<', '<=', '>', '>=']) expect(t(`metrics.rmse ${op} 0.5`)).toBe(`metrics.rmse.last ${op} 0.5`);
    expect(t('metric.rmse > 1')).toBe('metrics.rmse.last > 1');
    // A key ending like an aggregate stays the key.
    expect(t('metrics.loss.max >= 0.5')).toBe('metrics.loss.max.last >= 0.5');
    expect(parseFilter(t('metrics.loss.max >= 0.5'))).toMatchObject({ field: { kind: 'metric', key: 'loss.max', segment: '', aggregate: 'last' } });
  });

  it('reads quoted keys: backticks and double quotes', () => {
    expect(t('metrics.`val/acc` > 0.9')).toBe('metrics.val/acc.last > 0.9');
    expect(t('metrics."val/acc" > 0.9')).toBe('metrics.val/acc.last > 0.9');
    expect(t('`metrics`.`rmse` < 2')).toBe('metrics.rmse.last < 2');
    expect(t('metrics.val/acc > 0.9')).toBe('metrics.val/acc.last > 0.9');
  });

  it.each([
    ['1', '1'], ['42', '42'], ['-1', '-1'], ['+3', '3'], ['0.5', '0.5'], ['.5', '0.5'], ['5.', '5'], ['-2.25', '-2.25'],
    ['1e-3', '0.001'], ['1E3', '1000'], ['-2.5E+4', '-25000'], ['6.02e23', '6.02e+23'], ['1e-7', '1e-7'],
  ])('reads the number %s', (text, written) => {
    expect(t(`metrics.rmse > ${text}`)).toBe(`metrics.rmse.last > ${written}`);
  });

  it('refuses a metric runlens filters cannot name, naming the clause', () => {
    const e = filterError("metrics.`my metric` > 1 and params.model = 'x'");
    expect(e.errorCode).toBe('INVALID_PARAMETER_VALUE');
    expect(e.message).toBe(
      'unsupported filter clause: metrics.`my metric` > 1 (runlens filters cannot name the metric "my metric": names in a runlens filter are ASCII letters, digits and _ . / : - (brackets name a segment))',
    );
    expect(filterError('metrics.`acc[0]` > 1').message).toMatch(/cannot name the metric "acc\[0\]"/);
    expect(filterError('metrics."précision" > 1').message).toMatch(/cannot name the metric "précision"/);
    expect(filterError('metrics.`a,b` > 1').message).toMatch(/cannot name the metric "a,b"/);
  });

  it('matches nothing for a metric no run of the project has logged (as MLflow) when given the metric names', () => {
    expect(t('metrics.nope > 1', withMetrics)).toBe(MATCH_NOTHING);
    expect(t('metrics.per_class > 1', withMetrics)).toBe(MATCH_NOTHING); // logged per segment only
    expect(t('metrics.rmse > 1 and metrics.nope > 1', withMetrics)).toBe(MATCH_NOTHING);
    expect(t('metrics.rmse > 1', withMetrics)).toBe('metrics.rmse.last > 1');
    expect(t('metrics.nope > 1', { params, metrics: new Map() })).toBe('metrics.nope.last > 1'); // a project with no metrics checks nothing
    expect(translateFilter('metrics.nope > 1', names)).toBe('metrics.nope.last > 1'); // no names: runlens's check decides
  });

  it('refuses what MLflow refuses for metrics', () => {
    expect(filterError("metrics.rmse > '1'").message).toBe("invalid filter clause: metrics.rmse > '1' (metrics compare with a number, not a quoted string)");
    expect(filterError("metrics.rmse LIKE '1%'").message).toMatch(/metrics take =, !=, <, <=, > or >=, not LIKE/);
    expect(filterError("metrics.rmse IN ('1')").message).toMatch(/metrics take =, !=, <, <=, > or >=, not IN/);
  });
});

describe('translateFilter: params', () => {
  it('compares text params as text', () => {
    expect(t("params.model = 'LogisticRegression'")).toBe("params.model = 'LogisticRegression'");
    expect(t('params.model = "LR"')).toBe("params.model = 'LR'");
    expect(t("param.model != 'LR'")).toBe("params.model != 'LR'");
    expect(t("parameter.model = 'LR'")).toBe("params.model = 'LR'");
    expect(t("parameters.model = 'LR'")).toBe("params.model = 'LR'");
    expect(t("params.model = '0.01'")).toBe("params.model = '0.01'"); // the project holds it as text
  });

  it('writes a literal as the number or bool the MLflow surface stored it as', () => {
    expect(t("params.lr = '0.01'")).toBe('params.lr = 0.01');
    expect(t("params.lr = '1e-3'")).toBe('params.lr = 0.001');
    expect(t("params.lr = '-5'")).toBe('params.lr = -5');
    expect(t("params.`val/dropout` = '0.1'")).toBe('params.val/dropout = 0.1');
    expect(t("params.flag = 'True'")).toBe('params.flag = true');
    expect(t("params.flag = 'true'")).toBe('params.flag = true');
    expect(t("params.flag = 'False'")).toBe('params.flag = false');
    // Text no run of these types can hold: nothing matches (MLflow: no run's text is 'adam').
    expect(t("params.lr = 'adam'")).toBe(MATCH_NOTHING);
    expect(t("params.flag = 'yes'")).toBe(MATCH_NOTHING);
  });

  it('covers every type the project holds the param as', () => {
    expect(t("params.mixed = '0.01'")).toBe("(params.mixed = 0.01 or params.mixed = '0.01')");
    expect(t("params.mixed = 'adam'")).toBe("params.mixed = 'adam'");
    expect(t("params.any = 'true'")).toBe("(params.any = true or params.any = 'true')");
    expect(t("params.any = '2'")).toBe("(params.any = 2 or params.any = '2')");
  });

  it('!= keeps runs that have the param with another value, as in MLflow', () => {
    expect(t("params.lr != '0.01'")).toBe('params.lr != 0.01');
    expect(t("params.lr != 'adam'")).toBe('exists params.lr');
    expect(t("params.model != 'LR'")).toBe("params.model != 'LR'");
    expect(t("params.mixed != '0.01'")).toBe("(exists params.mixed and not (params.mixed = 0.01 or params.mixed = '0.01'))");
    expect(t("params.flag != 'True'")).toBe('params.flag != true');
  });

  it('IN and NOT IN lists, grouped by type', () => {
    expect(t("params.model IN ('LR', 'SVM')")).toBe("params.model in ('LR', 'SVM')");
    expect(t("params.model in ('LR')")).toBe("params.model = 'LR'");
    expect(t("params.lr in ('0.01', '1e-3', 'adam')")).toBe('params.lr in (0.01, 0.001)');
    expect(t("params.lr in ('0.010', '0.01')")).toBe('params.lr = 0.01'); // the same number once
    expect(t("params.lr in ('x', 'y')")).toBe(MATCH_NOTHING);
    expect(t("params.flag IN ('True', 'true')")).toBe('params.flag = true');
    expect(t("params.mixed in ('0.01', 'adam')")).toBe("(params.mixed = 0.01 or params.mixed in ('0.01', 'adam'))");
    expect(t("params.model NOT IN ('LR', 'SVM')")).toBe("params.model not in ('LR', 'SVM')");
    expect(t("params.lr not in ('0.01', '0.1')")).toBe('params.lr not in (0.01, 0.1)');
    expect(t("params.lr not in ('adam')")).toBe('exists params.lr');
    expect(t("params.mixed not in ('0.01', 'adam')")).toBe("(exists params.mixed and not (params.mixed = 0.01 or params.mixed in ('0.01', 'adam')))");
  });

  it('LIKE and ILIKE on text params; refused on params held as numbers or bools', () => {
    expect(t("params.model LIKE 'Log%'")).toBe("params.model like 'Log%'");
    expect(t("params.model like 'L_'")).toBe("params.model like 'L_'");
    expect(t("params.model ILIKE 'log%'")).toBe("params.model ilike 'log%'");
    expect(t("params.model ilike 'log%'")).toBe("params.model ilike 'log%'");
    const e = filterError("params.lr LIKE '0.0%'");
    expect(e.errorCode).toBe('INVALID_PARAMETER_VALUE');
    expect(e.message).toBe(
      "unsupported filter clause: params.lr LIKE '0.0%' (in this project params.lr holds numbers (MLflow param values that parse as numbers or bools are stored as such), and LIKE matches text only; use = or IN)",
    );
    expect(filterError("params.mixed ILIKE 'a%'").message).toMatch(/in this project params.mixed holds numbers as well as text \(.*\), and ILIKE matches text only/);
    expect(filterError("params.any LIKE 'a%'").message).toMatch(/params.any holds numbers and bools as well as text/);
    expect(filterError("params.flag LIKE 'T%'").message).toMatch(/params.flag holds bools \(/);
  });

  it('matches nothing for a param no run of the project has (MLflow: no run has it)', () => {
    expect(t("params.nope = 'x'")).toBe(MATCH_NOTHING);
    expect(t("params.nope != 'x'")).toBe(MATCH_NOTHING);
    expect(t("params.nope LIKE 'x%'")).toBe(MATCH_NOTHING);
    expect(t("metrics.rmse < 1 and params.nope = 'x'")).toBe(MATCH_NOTHING);
    // A project with no params yet checks nothing: the text is kept (and matches nothing).
    expect(t("params.nope = '0.5'", { params: new Map() })).toBe("params.nope = '0.5'");
  });

  it('refuses what MLflow refuses for params', () => {
    expect(filterError('params.lr = 0.01').message).toBe("invalid filter clause: params.lr = 0.01 (params compare with a quoted string, e.g. '0.01')");
    expect(filterError("params.lr > '0.01'").message).toMatch(/params compare as text: use =, !=, LIKE, ILIKE, IN or NOT IN, not >/);
    expect(filterError("params.`my param` = 'x'").message).toMatch(/^unsupported filter clause: params.`my param` = 'x' \(runlens filters cannot name the param "my param"/);
  });
});

describe('translateFilter: quoting', () => {
  it('reads single, double and escaped quotes and writes them back for the runlens lexer', () => {
    const value = (filter: string) => (parseFilter(t(filter)) as { value: { value: unknown } }).value.value;
    expect(t('params.model = "it\'s"')).toBe("params.model = 'it\\'s'");
    expect(value('params.model = "it\'s"')).toBe("it's");
    expect(value("params.model = 'it''s'")).toBe("it's");
    expect(value("params.model = 'it\\'s'")).toBe("it's");
    expect(value('params.model = "say ""hi"""')).toBe('say "hi"');
    expect(value('params.model = "say \\"hi\\""')).toBe('say "hi"');
    // Other backslashes are text, as in MLflow (Windows paths).
    expect(t("tags.path = 'C:\\data\\x'")).toBe("tags.path = 'C:\\\\data\\\\x'");
    expect(value("tags.path = 'C:\\data\\x'")).toBe('C:\\data\\x');
    expect(value("tags.q = 'a'' OR 1=1 --'")).toBe("a' OR 1=1 --");
    expect(value("tags.u = 'ünïcødé ✓'")).toBe('ünïcødé ✓');
    // Keys: a doubled backtick is a backtick (and then not a name runlens can write).
    expect(filterError('tags.`a``b` = \'x\'').message).toMatch(/cannot name the tag "a`b"/);
    expect(t('tags."model-type" = \'cnn\'')).toBe("tags.model-type = 'cnn'");
  });

  it('keeps LIKE patterns and IN lists intact', () => {
    expect(t("tags.note LIKE '%it''s%'")).toBe("tags.note like '%it\\'s%'");
    const e = parseFilter(t("run_id IN ('a,b', 'c)', \"d'e\")"));
    expect(e).toMatchObject({ kind: 'in', values: [{ value: 'a,b' }, { value: 'c)' }, { value: "d'e" }] });
  });
});

describe('translateFilter: tags', () => {
  it('maps MLflow system tags to runlens fields and other tags to tags', () => {
    expect(t("tags.mlflow.user = 'alice'")).toBe("user = 'alice'");
    expect(t("tags.mlflow.runName = 'baseline'")).toBe("name = 'baseline'");
    expect(t("tags.mlflow.source.git.commit = 'abc123'")).toBe("lineage.git_commit = 'abc123'");
    expect(t("tags.mlflow.parentRunId = 'p1'")).toBe("lineage.parent_run_id = 'p1'");
    expect(t("tags.`mlflow.parentRunId` != 'p1'")).toBe("lineage.parent_run_id != 'p1'");
    expect(t("tags.mlflow.source.name = 'train.py'")).toBe("tags.mlflow.source.name = 'train.py'");
    expect(t("tags.team = 'vision'")).toBe("tags.team = 'vision'");
    expect(t("tag.team != 'vision'")).toBe("tags.team != 'vision'");
    // Names of Object.prototype are names like any other.
    expect(t("tags.constructor = 'x' and tags.__proto__ = 'y'")).toBe("tags.constructor = 'x' and tags.__proto__ = 'y'");
    expect(filterError("constructor = 'x'").message).toMatch(/unknown attribute 'constructor'/);
    expect(filterError("attributes.toString = 'x'").message).toMatch(/unknown attribute 'toString'/);
    expect(filterError('constructor.x = 1').message).toMatch(/unknown entity type 'constructor'/);
  });

  it('takes =, !=, LIKE, ILIKE, IN and NOT IN', () => {
    expect(t("tags.team LIKE 'vis%'")).toBe("tags.team like 'vis%'");
    expect(t("tags.team ILIKE 'VIS%'")).toBe("tags.team ilike 'VIS%'");
    expect(t("tags.team IN ('a', 'b')")).toBe("tags.team in ('a', 'b')");
    expect(t("tags.team NOT IN ('a')")).toBe("tags.team not in ('a')");
    expect(t("tags.mlflow.user ILIKE 'ALI%'")).toBe("user ilike 'ALI%'");
    expect(filterError("tags.team < 'b'").message).toMatch(/tags compare as text/);
    expect(filterError('tags.team = 1').message).toMatch(/tags compare with a quoted string/);
    expect(filterError("tags.`a b` = 'x'").message).toMatch(/^unsupported filter clause: tags.`a b` = 'x' \(runlens filters cannot name the tag "a b"/);
  });
});

describe('translateFilter: attributes', () => {
  it('maps run_id, run_name and user_id, with or without attributes.', () => {
    expect(t("attributes.run_id = 'abc'")).toBe("run_id = 'abc'");
    expect(t("run_id IN ('a', 'b')")).toBe("run_id in ('a', 'b')");
    expect(t("attr.run_id NOT IN ('a')")).toBe("run_id not in ('a')");
    expect(t("run.run_id != 'a'")).toBe("run_id != 'a'");
    expect(t("attributes.run_name = 'baseline'")).toBe("name = 'baseline'");
    expect(t("run_name LIKE 'res%'")).toBe("name like 'res%'");
    expect(t("run_name ILIKE 'RES%'")).toBe("name ilike 'RES%'");
    expect(t('"run name" = \'x\'')).toBe("name = 'x'");
    expect(t("`Run Name` = 'x'")).toBe("name = 'x'");
    expect(t("attributes.`Run name` = 'x'")).toBe("name = 'x'");
    expect(t("attributes.user_id = 'alice'")).toBe("user = 'alice'");
    expect(t("user_id in ('alice', 'bob')")).toBe("user in ('alice', 'bob')");
  });

  it('maps each MLflow status to the runlens statuses shown as it', () => {
    expect(RUN_STATUS).toEqual({ running: 'RUNNING', finished: 'FINISHED', failed: 'FAILED', killed: 'KILLED', crashed: 'FAILED', orphaned: 'FAILED' });
    expect(t("attributes.status = 'RUNNING'")).toBe("status in ('running')");
    expect(t("status = 'FINISHED'")).toBe("status in ('finished')");
    expect(t("status = 'FAILED'")).toBe("status in ('failed', 'crashed', 'orphaned')");
    expect(t("status = 'KILLED'")).toBe("status in ('killed')");
    expect(t("status = 'SCHEDULED'")).toBe(MATCH_NOTHING);
    expect(t("status != 'FAILED'")).toBe("status in ('running', 'finished', 'killed')");
    expect(t("status != 'SCHEDULED'")).toBe("status in ('running', 'finished', 'failed', 'killed', 'crashed', 'orphaned')");
    expect(t("status IN ('FINISHED', 'KILLED')")).toBe("status in ('finished', 'killed')");
    expect(t("status NOT IN ('RUNNING')")).toBe("status in ('finished', 'failed', 'killed', 'crashed', 'orphaned')");
    expect(t("status LIKE 'F%'")).toBe("status in ('finished', 'failed', 'crashed', 'orphaned')");
    expect(t("status LIKE 'f%'")).toBe(MATCH_NOTHING);
    expect(t("status ILIKE 'f%'")).toBe("status in ('finished', 'failed', 'crashed', 'orphaned')");
    expect(t("status LIKE 'KILLE_'")).toBe("status in ('killed')");
    // MLflow compares the text: lowercase is no MLflow status.
    expect(t("status = 'finished'")).toBe(MATCH_NOTHING);
  });

  it('compares start_time (ms since the epoch) as a timestamp', () => {
    expect(t('attributes.start_time > 1767225600000')).toBe("started_at > '2026-01-01T00:00:00.000Z'");
    expect(t('start_time <= 1767225600123')).toBe("started_at <= '2026-01-01T00:00:00.123Z'");
    expect(t('attributes.created >= 0')).toBe("started_at >= '1970-01-01T00:00:00.000Z'");
    expect(t('Created < 1e12')).toBe("started_at < '2001-09-09T01:46:40.000Z'");
    for (const op of ['=', '!=', '<', '<=', '>', '>=']) expect(t(`start_time ${op} 5`)).toBe(`started_at ${op} '1970-01-01T00:00:00.005Z'`);
    // The timestamp is exact to the millisecond.
    expect(parseFilter(t('start_time > 1767225600123'))).toMatchObject({ value: { value: '2026-01-01T00:00:00.123Z' } });
    expect(Date.parse('2026-01-01T00:00:00.123Z')).toBe(1767225600123);
  });

  it('compares a fractional start_time as whole milliseconds give the same answer', () => {
    expect(t('start_time > 1.5')).toBe("started_at > '1970-01-01T00:00:00.001Z'");
    expect(t('start_time <= 1.5')).toBe("started_at <= '1970-01-01T00:00:00.001Z'");
    expect(t('start_time >= 1.5')).toBe("started_at >= '1970-01-01T00:00:00.002Z'");
    expect(t('start_time < 1.5')).toBe("started_at < '1970-01-01T00:00:00.002Z'");
    expect(t('start_time = 1.5')).toBe(MATCH_NOTHING);
    expect(t('start_time != 1.5')).toBe('');
    expect(t("start_time != 1.5 and tags.a = 'b'")).toBe("tags.a = 'b'");
    expect(filterError('start_time > 1e16').message).toMatch(/^invalid filter clause: start_time > 1e16 \(start_time is in milliseconds/);
    expect(filterError("start_time > '2026-01-01'").message).toMatch(/start_time compares with a number, not a quoted string/);
    expect(filterError("start_time LIKE '1%'").message).toMatch(/start_time takes =, !=, <, <=, > or >=, not LIKE/);
  });

  it('refuses what runlens cannot search and what MLflow does not know, naming the clause', () => {
    const cases: [string, string][] = [
      ['attributes.end_time < 5', "unsupported filter clause: attributes.end_time < 5 (runlens can search a run's start time (attributes.start_time), not its end time)"],
      ["attributes.artifact_uri = 's3://b/x'", "unsupported filter clause: attributes.artifact_uri = 's3://b/x' (runlens does not store artifact URIs; a run's artifact_uri is derived from RUNLENS_MLFLOW_ARTIFACT_ROOT and its id)"],
      ["datasets.name = 'mnist'", "unsupported filter clause: datasets.name = 'mnist' (runlens does not record datasets (MLflow log-inputs is a no-op here))"],
      ["dataset.digest IN ('a')", "unsupported filter clause: dataset.digest IN ('a') (runlens does not record datasets (MLflow log-inputs is a no-op here))"],
    ];
    for (const [filter, message] of cases) {
      const e = filterError(`metrics.rmse < 1 and ${filter}`);
      expect(e.errorCode).toBe('INVALID_PARAMETER_VALUE');
      expect(e.statusCode).toBe(400);
      expect(e.message).toBe(message);
    }
    expect(filterError("attributes.lifecycle_stage = 'active'").message).toMatch(/^invalid filter clause: attributes.lifecycle_stage = 'active' \(unknown attribute 'lifecycle_stage'/);
    expect(filterError("experiment_id = '1'").message).toMatch(/unknown attribute 'experiment_id'/);
    expect(filterError("status > 'A'").message).toMatch(/status compares as text/);
    expect(filterError('status = 1').message).toMatch(/status compares with a quoted string/);
  });
});

describe('translateFilter: every translation is runlens filter text', () => {
  it('parses with runlens\'s own parser and compiles against the same names', () => {
    const filters = [
      "metrics.rmse < 1 and params.model = 'LR' and tags.x = 'y' and attributes.status = 'FINISHED'",
      "metrics.`val/acc` >= 0.9 AND params.lr IN ('0.01', '0.1') AND params.mixed != '3' AND tags.mlflow.user LIKE 'a%'",
      "params.model ILIKE '%reg%' and run_name ILIKE 'RES%' and status ILIKE 'fail%' and start_time > 1767225600000",
      "tags.mlflow.source.git.commit = 'abc' and tags.mlflow.parentRunId IN ('p1', 'p2') and run_id NOT IN ('x')",
      "params.flag = 'True' and params.any in ('1', 'true', 'x') and params.any not in ('2')",
      "status = 'SCHEDULED'",
    ];
    for (const f of filters) {
      const out = translateFilter(f, names);
      expect(() => parseFilter(out), `${f} → ${out}`).not.toThrow();
      expect(() => compileFilter(parseFilter(out), { project: 'p', input: out, params, metrics }), `${f} → ${out}`).not.toThrow();
    }
  });
});

describe('translateOrderBy', () => {
  it('translates metrics, params and attributes, ascending unless DESC', () => {
    expect(translateOrderBy(['metrics.rmse DESC', 'params.lr', 'attributes.start_time ASC', 'run_name desc', 'attributes.run_id'])).toEqual([
      { kind: 'metric', key: 'rmse', aggregate: 'last', segment: '', direction: 'desc' },
      { kind: 'param', key: 'lr', direction: 'asc' },
      { kind: 'attribute', field: 'started_at', direction: 'asc' },
      { kind: 'attribute', field: 'name', direction: 'desc' },
      { kind: 'attribute', field: 'run_id', direction: 'asc' },
    ]);
    expect(translateOrderBy([])).toEqual([]);
  });

  it('reads quoted keys, aliases and any case', () => {
    expect(translateOrderBy(['metrics.`my metric` desc'])).toEqual([{ kind: 'metric', key: 'my metric', aggregate: 'last', segment: '', direction: 'desc' }]);
    expect(translateOrderBy(['metric."loss.max"  Desc '])).toEqual([{ kind: 'metric', key: 'loss.max', aggregate: 'last', segment: '', direction: 'desc' }]);
    expect(translateOrderBy(['metrics.val/acc'])).toEqual([{ kind: 'metric', key: 'val/acc', aggregate: 'last', segment: '', direction: 'asc' }]);
    expect(translateOrderBy(['param.`batch size` ASC'])).toEqual([{ kind: 'param', key: 'batch size', direction: 'asc' }]);
    expect(translateOrderBy(['start_time DESC', 'created', 'attr.`Run Name`'])).toEqual([
      { kind: 'attribute', field: 'started_at', direction: 'desc' },
      { kind: 'attribute', field: 'started_at', direction: 'asc' },
      { kind: 'attribute', field: 'name', direction: 'asc' },
    ]);
  });

  it('refuses orders runlens cannot sort by and malformed clauses with INVALID_PARAMETER_VALUE', () => {
    const cases: [string, RegExp][] = [
      ['tags.team', /^unsupported order_by clause: tags.team \(runlens sorts by metrics, params, start_time, run_name and run_id, not by tags\)$/],
      ['attributes.end_time DESC', /^unsupported order_by clause: attributes.end_time DESC \(.*not by end_time\)$/],
      ['status', /not by status/],
      ['attributes.user_id', /not by user_id/],
      ['artifact_uri', /not by artifact_uri/],
      ['datasets.name', /^invalid order_by clause: datasets.name \(runs cannot be ordered by datasets\)$/],
      ['attributes.nope', /unknown attribute 'nope'/],
      ['metrics.rmse DOWN', /expected ASC, DESC or the end of the clause/],
      ['metrics.rmse DESC ASC', /expected the end of the clause after DESC/],
      ['', /empty; expected e.g. metrics.rmse DESC/],
      ['foo.bar', /unknown entity type 'foo'/],
      ['metrics.`x', /unterminated `…`/],
    ];
    for (const [clause, message] of cases) {
      const e = error(() => translateOrderBy(['metrics.rmse', clause]));
      expect(e.errorCode).toBe('INVALID_PARAMETER_VALUE');
      expect(e.statusCode).toBe(400);
      expect(e.message).toMatch(message);
    }
  });
});

describe('parseMlflowParamValue', () => {
  it.each([
    ['0.01', 0.01], ['1e-4', 0.0001], ['-3', -3], ['+2', 2], ['.5', 0.5], ['10', 10], ['1.0', 1],
    ['True', true], ['true', true], ['False', false], ['false', false],
    ['TRUE', 'TRUE'], ['nan', 'nan'], ['inf', 'inf'], ['1e999', '1e999'], ['0x10', '0x10'], ['1_000', '1_000'], [' 1', ' 1'], ['', ''], ['adam', 'adam'],
  ])('%j → %j', (text, value) => {
    expect(parseMlflowParamValue(text)).toBe(value);
  });
});

describe('MlflowError', () => {
  it('carries MLflow\'s error code and HTTP status', () => {
    expect(invalidParameter('bad')).toMatchObject({ errorCode: 'INVALID_PARAMETER_VALUE', statusCode: 400, message: 'bad' });
    expect(notFound('no run')).toMatchObject({ errorCode: 'RESOURCE_DOES_NOT_EXIST', statusCode: 404 });
    expect(alreadyExists('taken')).toMatchObject({ errorCode: 'RESOURCE_ALREADY_EXISTS', statusCode: 400 });
    expect(new MlflowError('PERMISSION_DENIED', 'no', 403)).toBeInstanceOf(Error);
    expect(JSON.stringify(notFound('Run x not found'))).toBe('{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Run x not found"}');
  });
});
