// Moved to the one e2e rig helper, test/helpers/rig.ts: import from there. This re-export keeps
// branches written against the old path compiling until they merge.
export * from './helpers/rig.js';
