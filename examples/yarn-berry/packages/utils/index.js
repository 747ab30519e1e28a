import { greet } from '@provenant-example/yarn-berry-core';

export function shout(name) {
  return greet(name).toUpperCase();
}
