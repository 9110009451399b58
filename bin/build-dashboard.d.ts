// Types of bin/build-dashboard.js (plain JavaScript: it runs before TypeScript tooling is known to be installed).
export function buildDashboard(opts?: { force?: boolean; quiet?: boolean }): Promise<{ built: boolean; dir: string }>;
