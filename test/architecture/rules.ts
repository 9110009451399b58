// The architecture rules of the tree, checked by architecture.test.ts with dependency-cruiser.
// Every rule is a path pattern, so a rule about a folder that does not exist yet passes until the
// folder appears. Paths are relative to the repository root, with forward slashes.
//
// Parser: dependency-cruiser's swc parser (@swc/core). Its TypeScript parser needs the classic
// `typescript` compiler API (< 7), which typescript@7 (tsgo) does not ship. swc reports every
// `import`, `import type`, `import { type X }`, `export … from`, `import x = require()` and
// string-literal `import()` as an edge: type-only imports count, on purpose (a type import couples
// two folders as surely as a value import: moving or renaming the target breaks the build).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cruise, type ICruiseResult, type IForbiddenRuleType } from 'dependency-cruiser';

/** The top-level folders of the tree (cruised when they exist). */
export const TOP_LEVEL = ['common', 'schemas', 'storage', 'ingest', 'processors', 'query-api', 'cli', 'test', 'bin', 'dashboard'];

// A colocated unit test, or a helper only tests use (e.g. engines/statistics/test-util.ts).
const TEST_SUPPORT = '(\\.test\\.ts|(^|/)test-[^/]+\\.ts)$';

export const RULES: IForbiddenRuleType[] = [
  // Rule 1, file level. Rule 1 at the folder level (no cycle between top-level folders) is
  // folderCycles() below: dependency-cruiser's folder scope compares every nested folder, not
  // top-level ones only.
  {
    name: 'no-circular',
    comment: 'No import cycle between files (type-only imports count).',
    severity: 'error',
    from: {},
    to: { circular: true },
  },
  // Rule 2: the query API and the processors meet only through storage/, common/ and schemas/.
  {
    name: 'query-api-not-to-processors',
    comment: 'query-api/ must not import processors/ (they meet through storage/, common/, schemas/).',
    severity: 'error',
    from: { path: '^query-api/' },
    to: { path: '^processors/' },
  },
  {
    name: 'processors-not-to-query-api',
    comment: 'processors/ must not import query-api/ (they meet through storage/, common/, schemas/).',
    severity: 'error',
    from: { path: '^processors/' },
    to: { path: '^query-api/' },
  },
  // Rule 3: no edge either way. The shared HTTP layer (auth, error mapping, validation) lives in
  // common/http/, and cli/ registers the gateway plugin (ingest/gateway/) on the API.
  {
    name: 'ingest-not-to-query-api',
    comment: 'ingest/ must not import query-api/ (shared HTTP code belongs in common/http/).',
    severity: 'error',
    from: { path: '^ingest/' },
    to: { path: '^query-api/' },
  },
  {
    name: 'query-api-not-to-ingest',
    comment: 'query-api/ must not import ingest/ (cli/ composes the gateway plugin into the API).',
    severity: 'error',
    from: { path: '^query-api/' },
    to: { path: '^ingest/' },
  },
  // The dashboard runs in a browser and talks to the API over HTTP only (the documented /v1).
  {
    name: 'dashboard-imports-only-dashboard',
    comment: 'dashboard/ imports only dashboard/ (and its npm packages): it knows the API by its HTTP contract, not its code.',
    severity: 'error',
    from: { path: '^dashboard/' },
    to: { pathNot: '^dashboard/|node_modules/' },
  },
  {
    name: 'nothing-imports-dashboard',
    comment: 'Nothing imports dashboard/: the API serves its build (dist/dashboard) as files.',
    severity: 'error',
    from: { path: '^(common|schemas|storage|ingest|processors|query-api|cli|bin)/' },
    to: { path: '^dashboard/' },
  },
  // Rule 4.
  {
    name: 'only-test-imports-test',
    comment: 'Only test/ imports test/: shipped code (cli/ and bin/ included) and colocated unit tests never do.',
    severity: 'error',
    from: { pathNot: '^test/' },
    to: { path: '^test/' },
  },
  // Rule 5. `local` is a file of this repository (not a package, not a Node built-in).
  {
    name: 'common-imports-only-common',
    comment: 'common/ imports nothing of ours but common/.',
    severity: 'error',
    from: { path: '^common/' },
    to: { dependencyTypes: ['local'], pathNot: '^common/' },
  },
  {
    name: 'schemas-imports-only-schemas-common',
    comment: 'schemas/ imports only schemas/ and common/ of ours.',
    severity: 'error',
    from: { path: '^schemas/' },
    to: { dependencyTypes: ['local'], pathNot: '^(schemas|common)/' },
  },
  {
    name: 'storage-imports-only-storage-common-schemas',
    comment: 'storage/ imports only storage/, common/ and schemas/ of ours.',
    severity: 'error',
    from: { path: '^storage/' },
    to: { dependencyTypes: ['local'], pathNot: '^(storage|common|schemas)/' },
  },
  // Rule 6: the pure engines (statistics, sweep analytics).
  {
    name: 'engines-import-only-engines',
    comment: 'query-api/engines/ imports nothing of ours outside query-api/engines/.',
    severity: 'error',
    from: { path: '^query-api/engines/' },
    to: { dependencyTypes: ['local'], pathNot: '^query-api/engines/' },
  },
  {
    name: 'engines-are-pure',
    comment:
      'query-api/engines/ code uses no Node built-in and no package but @stdlib/* (no fastify, ' +
      '@clickhouse/client, kafkajs, pino, piscina…); its tests and test-*.ts helpers may use vitest, fast-check, node:fs.',
    severity: 'error',
    from: { path: '^query-api/engines/', pathNot: TEST_SUPPORT },
    to: { dependencyTypesNot: ['local'], pathNot: '(^|/)node_modules/@stdlib/|^@stdlib/' },
  },
  // Follows from cli/ being the composition root: nothing depends on it but its launchers and tests.
  {
    name: 'nothing-imports-cli',
    comment: 'cli/ is the composition root: only bin/ and test/ import it.',
    severity: 'error',
    from: { pathNot: '^(cli|bin|test)/' },
    to: { path: '^cli/' },
  },
];

export const FOLDER_CYCLE_RULE = {
  name: 'no-top-level-folder-cycle',
  comment: 'No cycle between top-level folders (e.g. query-api → ingest → query-api), even without a file-level cycle.',
};

export interface Finding {
  rule: string;
  comment: string;
  /** One line per offending edge or cycle, e.g. "query-api/_probe.ts → processors/rows.ts". */
  lines: string[];
}

export interface ArchitectureReport {
  result: ICruiseResult;
  findings: Finding[];
  /** Relative imports that resolved to no file: an edge the rules cannot see. */
  unresolved: string[];
}

/**
 * What the dashboard's bundle is made of (esbuild's own list of its inputs, JSX included, which
 * the cruise cannot parse here), as paths from the repository root.
 */
export async function dashboardBundleInputs(root: string): Promise<string[]> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(root, 'dashboard', 'src', 'main.tsx')], bundle: true, write: false, metafile: true, outdir: join(root, '.runlens', 'arch-check'),
    jsx: 'automatic', jsxImportSource: 'preact', absWorkingDir: root, logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
}

/** Cruises the top-level folders of `root` and checks every rule. */
export async function checkArchitecture(root: string): Promise<ArchitectureReport> {
  const roots = TOP_LEVEL.filter((folder) => existsSync(join(root, folder)));
  if (roots.length === 0) throw new Error(`none of ${TOP_LEVEL.join(', ')} under ${root}`);
  const { output } = await cruise(
    roots,
    {
      baseDir: root,
      parser: 'swc',
      validate: true,
      ruleSet: { forbidden: RULES },
      // swc parses no JSX here: the dashboard's .tsx files are checked by dashboardBundleInputs.
      exclude: { path: '(^|/)\\.runlens/|\\.tsx$' },
      doNotFollow: { path: '(^|/)node_modules/' },
      moduleSystems: ['es6', 'cjs'],
      enhancedResolveOptions: {
        exportsFields: ['exports'],
        conditionNames: ['import', 'require', 'node', 'default', 'types'],
        extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
      },
    },
  );
  if (typeof output === 'string') throw new Error('dependency-cruiser returned a report, not a cruise result');

  const findings: Finding[] = RULES.map((rule) => ({
    rule: rule.name ?? '?',
    comment: rule.comment ?? '',
    lines: output.summary.violations
      .filter((v) => v.rule.name === rule.name)
      .map((v) => (v.cycle ? [v.from, ...v.cycle.map((step) => step.name)].join(' → ') : `${v.from} → ${v.to}`))
      .sort(),
  }));
  findings.unshift({ rule: FOLDER_CYCLE_RULE.name, comment: FOLDER_CYCLE_RULE.comment, lines: folderCycles(output) });

  const unresolved = output.modules.flatMap((m) =>
    m.dependencies
      .filter((d) => d.couldNotResolve && d.module.startsWith('.'))
      .map((d) => `${m.source} imports '${d.module}'`),
  );
  return { result: output, findings, unresolved };
}

function topFolder(path: string): string | undefined {
  const slash = path.indexOf('/');
  if (slash < 0 || path.startsWith('node_modules/') || path.startsWith('../')) return undefined;
  return path.slice(0, slash);
}

/**
 * The cycles of the graph whose nodes are the top-level folders (an edge A → B when a file under
 * A imports a file under B): one line per strongly connected component of two or more folders,
 * naming each folder-to-folder edge in it with the file imports that make it.
 */
export function folderCycles(result: ICruiseResult): string[] {
  const edges = new Map<string, Map<string, string[]>>();
  for (const m of result.modules) {
    const from = topFolder(m.source);
    if (!from) continue;
    for (const d of m.dependencies) {
      const to = d.dependencyTypes.includes('local') ? topFolder(d.resolved) : undefined;
      if (!to || to === from) continue;
      const out = edges.get(from) ?? new Map<string, string[]>();
      edges.set(from, out);
      out.set(to, [...(out.get(to) ?? []), `${m.source} → ${d.resolved}`]);
    }
  }

  // Tarjan's strongly connected components.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) visit(v);

  return components.map((component) => {
    const inside = new Set(component);
    const parts: string[] = [];
    for (const from of component) {
      for (const [to, imports] of [...(edges.get(from) ?? new Map<string, string[]>())].sort()) {
        if (!inside.has(to)) continue;
        const shown = imports.slice(0, 3).join(', ');
        parts.push(`    ${from} → ${to}: ${shown}${imports.length > 3 ? `, … (${imports.length} imports)` : ''}`);
      }
    }
    const example = shortestCycle(component[0]!, (v) => [...(edges.get(v)?.keys() ?? [])].filter((w) => inside.has(w)));
    return `cycle among ${component.join(', ')} (e.g. ${example.join(' → ')}); the edges among them:\n${parts.join('\n')}`;
  });
}

/** A shortest path start → … → start, by breadth-first search. */
function shortestCycle(start: string, next: (v: string) => string[]): string[] {
  const parent = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of next(v).sort()) {
      if (w === start) {
        const path = [start];
        for (let u: string | undefined = v; u !== undefined && u !== start; u = parent.get(u)) path.splice(1, 0, u);
        return [...path, start];
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}
