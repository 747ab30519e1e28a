import { describe, expect, it } from 'vitest';
import { execReal } from './context.js';

describe('execReal', () => {
  it('hands over each stderr line as it comes, split across chunks, and still returns the whole', async () => {
    const lines: Array<{ line: string; at: number }> = [];
    const t0 = Date.now();
    // the second line arrives in two writes, 300 ms apart; the last has no newline
    const script =
      "process.stderr.write('first\\nsec'); setTimeout(() => { process.stderr.write('ond\\nlast'); }, 300);";
    const result = await execReal(process.execPath, ['-e', script], {
      cwd: process.cwd(),
      onStderrLine: (line) => lines.push({ line, at: Date.now() - t0 }),
    });
    expect(result.exitCode).toBe(0);
    expect(lines.map((l) => l.line)).toEqual(['first', 'second', 'last']);
    // 'first' came before the process ended, not with the result
    expect(lines[0]?.at).toBeLessThan(lines[1]?.at ?? 0);
    expect(result.stderr).toBe('first\nsecond\nlast');
  });
});
