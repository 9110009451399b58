// The syntax tree of the run filter language (see parser.ts for the grammar).

export type Literal = { kind: 'number'; value: number } | { kind: 'string'; value: string } | { kind: 'bool'; value: boolean };

export type Comparator = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Aggregate = 'last' | 'min' | 'max' | 'mean' | 'count';

export type Field =
  | { kind: 'param'; name: string }
  | { kind: 'tag'; name: string }
  | { kind: 'metric'; key: string; segment: string; aggregate: Aggregate }
  | { kind: 'attribute'; name: AttributeName }
  | { kind: 'lineage'; name: LineageName }
  | { kind: 'library'; name: string };

export type AttributeName = 'run_id' | 'name' | 'experiment' | 'sweep' | 'user' | 'status' | 'started_at';
export type LineageName = 'git_commit' | 'git_dirty' | 'data_version' | 'seed' | 'host' | 'parent_run_id' | 'language' | 'language_version' | 'hardware';

export type Expr =
  | { kind: 'and'; left: Expr; right: Expr }
  | { kind: 'or'; left: Expr; right: Expr }
  | { kind: 'not'; expr: Expr }
  | { kind: 'compare'; field: Field; op: Comparator; value: Literal; at: number }
  | { kind: 'in'; field: Field; values: Literal[]; negated: boolean; at: number }
  /** `ilike` (caseInsensitive) compares lowercased text; absent means a case-sensitive `like`. */
  | { kind: 'like'; field: Field; pattern: string; negated: boolean; caseInsensitive?: boolean; at: number }
  | { kind: 'exists'; field: Field; at: number };
