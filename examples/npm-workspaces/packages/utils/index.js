import { greet } from '@provenant-example/npm-workspaces-core';

export function shout(name) {
  return greet(name).toUpperCase();
}
