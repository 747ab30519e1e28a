export * from './client.js';
export * from './http-retry.js';
export * from './npm-config.js';
export * from './packument.js';
export * from './public-first-reads.js';
