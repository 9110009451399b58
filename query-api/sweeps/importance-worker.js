// Entry of the importance worker thread (importance-pool.ts). Plain JavaScript: a new thread
// starts without the tsx loader the CLI registered on the main thread (and without vitest's
// transform), so it registers tsx itself before loading the TypeScript task.
import { register } from 'tsx/esm/api';

register();
const { runImportance } = await import('./importance-task.ts');

export default runImportance;
