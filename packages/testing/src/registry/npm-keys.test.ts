import { describe, expect, it } from 'vitest';
import { npmKeyId } from './npm-keys.js';

describe('npmKeyId', () => {
  it("gives registry.npmjs.org's own id for its key", () => {
    const npmKey =
      'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE1Olb3zMAFFxXKHiIkQO5cJ3Yhl5i6UPp+IhuteBJbuHcA5UogKo0EWtlWwW6KSaKoTNEYL7JlCQiVnkhBktUgg==';
    expect(npmKeyId(Buffer.from(npmKey, 'base64'))).toBe(
      'SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA',
    );
  });
});
