import { greet } from '@provenant-example/pnpm-core';

export function shout(name) {
  return greet(name).toUpperCase();
}
