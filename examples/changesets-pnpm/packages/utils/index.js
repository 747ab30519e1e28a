import { greet } from '@provenant-example/changesets-pnpm-core';

export function shout(name) {
  return greet(name).toUpperCase();
}
