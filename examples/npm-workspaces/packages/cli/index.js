#!/usr/bin/env node
import { shout } from 'provenant-example-npm-workspaces-utils';

console.log(shout(process.argv[2] ?? 'world'));
