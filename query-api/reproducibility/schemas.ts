// A reproducibility verdict as JSON (verdict.ts's RunReproducibility), for its routes and the registry's trail.
import { Type } from '@sinclair/typebox';

export const Verdict = Type.Object({
  runId: Type.String(),
  reproducible: Type.Boolean({ description: 'A git commit on a clean tree, a data version, language and library versions, and a seed are all recorded' }),
  reasons: Type.Array(Type.String(), { description: 'Why not' }),
  missing: Type.Array(Type.String(), { description: 'Lineage fields not recorded' }),
  caveats: Type.Array(Type.String()),
});
