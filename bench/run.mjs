// `pnpm bench`: every benchmark in turn, each with its fixed inputs. Pass a
// name (check, verify, release, scale) to run one. Figures only — no benchmark
// fails the run for being slow; compare the printed ratios with the targets in
// each script's header.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHES = {
  check: 'check.mjs',
  verify: 'verify.js',
  release: 'release.js',
  scale: 'scale.mjs',
  install: 'install.mjs',
  audit: 'audit.mjs',
  // issue 11's targets in one run (release, scale and verify together); not in the default list
  speed: 'speed.mjs',
};
const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : Object.keys(BENCHES).filter((name) => name !== 'speed');
let failed = 0;
for (const name of names) {
  const file = BENCHES[name];
  if (!file) {
    console.error(`Unknown benchmark "${name}". Known: ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n=== bench/${file} ===`);
  const result = spawnSync(process.execPath, [fileURLToPath(new URL(file, import.meta.url))], {
    stdio: 'inherit',
  });
  if (result.status !== 0) failed++;
}
process.exitCode = failed === 0 ? 0 : 1;
