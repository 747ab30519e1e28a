export * from './context.js';
export * from './errors.js';
export * from './problems.js';
export * from './redact.js';
export * from './report/types.js';
export * from './report/build-report.js';
export * from './registry/index.js';
export * from './verify/index.js';
