// The tools that check deploy/: helm and kubeconform built from their Go modules (go install,
// into .runlens/go-bin, kept between runs), Kubernetes' JSON schemas made from the OpenAPI
// document in the k8s.io/kubernetes module (kubeconform fetches its schemas from GitHub, which
// this machine cannot reach), and the Compose loader in compose-config/. Only the Go toolchain
// and its module proxy are needed.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO } from '../helpers/python.ts';

export const HELM_VERSION = 'v3.22.0';
export const KUBECONFORM_VERSION = 'v0.8.0';
/** The Kubernetes release whose API the manifests are checked against. */
export const KUBERNETES_VERSION = 'v1.34.2';

const BIN = join(REPO, '.runlens', 'go-bin');
const run = promisify(execFile);
const MINUTES = 60_000;

async function goInstall(pkg: string, version: string, name: string): Promise<string> {
  const dir = join(BIN, `${name}-${version}`);
  const bin = join(dir, name);
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  await run('go', ['install', `${pkg}@${version}`], { env: { ...process.env, GOBIN: dir, CGO_ENABLED: '0' }, timeout: 20 * MINUTES, maxBuffer: 16 * 2 ** 20 });
  return bin;
}

export const helm = () => goInstall('helm.sh/helm/v3/cmd/helm', HELM_VERSION, 'helm');
export const kubeconform = () => goInstall('github.com/yannh/kubeconform/cmd/kubeconform', KUBECONFORM_VERSION, 'kubeconform');

/** Runs a tool; resolves with its output, or rejects with its stderr in the message. */
export async function tool(bin: string, args: string[], opts: { cwd?: string; input?: string } = {}): Promise<string> {
  const child = execFile(bin, args, { cwd: opts.cwd ?? REPO, timeout: 10 * MINUTES, maxBuffer: 64 * 2 ** 20 });
  if (opts.input !== undefined) child.stdin!.end(opts.input);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`${bin} ${args.join(' ')} exited with ${code}: ${err || out}`);
  return out;
}

/** The directory of a Go module's files, downloaded through the module proxy. */
async function goModuleDir(module: string, version: string): Promise<string> {
  const { stdout } = await run('go', ['mod', 'download', '-json', `${module}@${version}`], { timeout: 10 * MINUTES, maxBuffer: 16 * 2 ** 20 });
  return (JSON.parse(stdout) as { Dir: string }).Dir;
}

type Schema = Record<string, unknown>;

/**
 * Kubernetes' JSON schemas as kubeconform reads them with -strict, one file per kind and version
 * (`deployment-apps-v1.json`), made from the API's OpenAPI v2 document as kubeconform's own
 * openapi2jsonschema does: each file the kind's definition with every definition beside it, an
 * object with declared properties closed to others, int-or-string and quantities as either.
 * Returns the schema-location template for kubeconform.
 */
export async function kubernetesSchemas(): Promise<string> {
  const dir = join(REPO, '.runlens', 'k8s-schemas', `${KUBERNETES_VERSION}-strict`);
  const template = join(dir, '{{ .ResourceKind }}{{ .KindSuffix }}.json');
  if (existsSync(join(dir, 'deployment-apps-v1.json'))) return template;
  const swagger = JSON.parse(readFileSync(join(await goModuleDir('k8s.io/kubernetes', KUBERNETES_VERSION), 'api', 'openapi-spec', 'swagger.json'), 'utf8')) as { definitions: Record<string, Schema> };
  const definitions: Record<string, Schema> = {};
  for (const [name, def] of Object.entries(swagger.definitions)) definitions[name] = strict(def);
  definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString'] = { oneOf: [{ type: 'string' }, { type: 'integer' }] };
  definitions['io.k8s.apimachinery.pkg.api.resource.Quantity'] = { oneOf: [{ type: 'string' }, { type: 'number' }] };
  mkdirSync(dir, { recursive: true });
  for (const [name, def] of Object.entries(swagger.definitions)) {
    for (const gvk of (def['x-kubernetes-group-version-kind'] as { group: string; version: string; kind: string }[] | undefined) ?? []) {
      const file = `${gvk.kind.toLowerCase()}${gvk.group ? `-${gvk.group.split('.')[0]}` : ''}-${gvk.version}.json`;
      writeFileSync(join(dir, file), JSON.stringify({ ...definitions[name], definitions }));
    }
  }
  return template;
}

/** A definition closed to undeclared properties (kubeconform's -strict), nested ones too. */
function strict(def: Schema): Schema {
  const out: Schema = { ...def };
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  if (out.properties) out.properties = Object.fromEntries(Object.entries(out.properties as Record<string, Schema>).map(([k, v]) => [k, strict(v)]));
  if (out.items && typeof out.items === 'object') out.items = strict(out.items as Schema);
  // A nullable array or object may be null (kubectl accepts it).
  if (out.type === 'array' || out.type === 'object') out.type = [out.type, 'null'];
  return out;
}

/** `go run` of compose-config/ (the Compose loader): the resolved project, or the loader's error. */
export async function composeConfig(file: string, envFile: string): Promise<Record<string, unknown>> {
  const { stdout } = await run('go', ['run', '.', file, envFile], { cwd: join(REPO, 'test', 'deploy', 'compose-config'), timeout: 20 * MINUTES, maxBuffer: 16 * 2 ** 20 });
  return JSON.parse(stdout) as Record<string, unknown>;
}
