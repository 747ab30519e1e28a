import type { CiEnvironment, EnvironmentReport } from '@provenant/core';

/** The report's environment for commands that read the registry only (verify, audit): no publisher, no switch. */
export function ciOnlyEnvironment(ci: CiEnvironment): EnvironmentReport {
  return {
    ci: ci.ci,
    repository: ci.repository,
    runner: ci.runner,
    publisher: null,
    npmVersion: null,
    provenanceVia: null,
    problems: [],
  };
}
