// The import rules between top-level folders (rules.ts), checked on the working tree with
// dependency-cruiser: no services, about a second.
import { fileURLToPath } from 'node:url';
import { getAvailableTranspilers } from 'dependency-cruiser';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkArchitecture, dashboardBundleInputs, FOLDER_CYCLE_RULE, RULES, type ArchitectureReport } from './rules.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('architecture', () => {
  let report: ArchitectureReport;
  beforeAll(async () => {
    report = await checkArchitecture(ROOT);
  });

  it('parses TypeScript with swc (typescript@7 has no compiler API for dependency-cruiser)', () => {
    expect(getAvailableTranspilers().find((t) => t.name === 'swc')?.available).toBe(true);
    expect(report.result.summary.totalCruised).toBeGreaterThan(0);
    expect(report.result.summary.totalDependenciesCruised).toBeGreaterThan(0);
  });

  it("builds the dashboard's bundle from dashboard/ and npm packages only (its .tsx files, which swc does not parse here, included)", async () => {
    const inputs = await dashboardBundleInputs(ROOT);
    expect(inputs).toContain('dashboard/src/views/sweep-view.tsx');
    expect(inputs.filter((f) => !f.startsWith('dashboard/') && !f.startsWith('node_modules/'))).toEqual([]);
  });

  it('resolves every relative import (an unresolved one is an edge no rule can see)', () => {
    expect(report.unresolved).toEqual([]);
  });

  it.for([FOLDER_CYCLE_RULE.name, ...RULES.map((r) => r.name!)])('%s', (name) => {
    const finding = report.findings.find((f) => f.rule === name)!;
    if (finding.lines.length > 0) {
      expect.fail(`${finding.comment}\n${finding.lines.length} violation(s):\n  ${finding.lines.join('\n  ')}`);
    }
  });
});
