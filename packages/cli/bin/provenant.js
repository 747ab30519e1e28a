#!/usr/bin/env node
import { main } from '../dist/main.js';

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Exit once our own output is flushed: a publisher's child scripts may keep
// pipes or timers open, and a release must not wait on them (SPEC: exit 130
// right after restoring files).
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
