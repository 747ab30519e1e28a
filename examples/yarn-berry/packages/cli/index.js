#!/usr/bin/env node
import { shout } from 'provenant-example-yarn-berry-utils';

console.log(shout(process.argv[2] ?? 'world'));
