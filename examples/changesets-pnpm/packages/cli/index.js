#!/usr/bin/env node
import { shout } from 'provenant-example-changesets-pnpm-utils';

console.log(shout(process.argv[2] ?? 'world'));
