// vitest globalSetup for the e2e project: fills the tool cache (Node 22/24 and the publisher
// generations, versions.ts) once per run, before any file starts. Idempotent and lock-protected,
// so a cached run costs a fraction of a second and two concurrent runs never fetch twice. A
// failure is printed, not thrown: only the files that need the tools fail, each with the error.
import { ProvisionError, provisionTools, TOOL_IDS } from '../packages/testing/dist/index.js';

export default async function provisionToolCache(): Promise<void> {
  const started = Date.now();
  try {
    const tools = await provisionTools(TOOL_IDS);
    const fetched = tools.filter((tool) => tool.fetched).map((tool) => tool.id);
    if (fetched.length > 0) {
      process.stdout.write(
        `[provision] fetched ${fetched.join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
      );
    }
  } catch (error) {
    const message = error instanceof ProvisionError ? error.message : String(error);
    process.stderr.write(`[provision] tools not provisioned; the matrix tests will fail:\n${message}\n`);
  }
}
