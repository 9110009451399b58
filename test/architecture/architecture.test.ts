// The import rules between top-level folders (rules.ts), checked on the working tree with
// dependency-cruiser: no services, about a second.
import { fileURLToPath } from 'node:url';
import { getAvailableTranspilers } from 'dependency-cruiser';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkArchitecture, dashboardTsxImports, FOLDER_CYCLE_RULE, RULES, type ArchitectureReport } from './rules.ts';

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

  it("keeps the dashboard's .tsx files (which swc does not parse here) to imports of dashboard/ and npm packages", () => {
    expect(dashboardTsxImports(ROOT)).toEqual([]);
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
