#!/usr/bin/env node
import { shout } from 'provenant-example-pnpm-utils';

console.log(shout(process.argv[2] ?? 'world'));
