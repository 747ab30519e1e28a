import type { CiEnvironment } from '../ci/index.js';
import { problem, type Problem } from '../problems.js';
import type { ProvenanceVia } from '../report/types.js';
import {
  NPM_PROVENANCE_MIN,
  YARN_PROVENANCE_MIN,
  npmSupportsProvenance,
  provenanceSwitches,
  publishesThroughNpm,
  type PublisherVersion,
} from '../publish/switches.js';
import { GITHUB_PERMISSIONS_YAML, GITLAB_ID_TOKENS_YAML, RELEASE_COMMAND } from './hints.js';

export type CheckMode = 'check' | 'release';

export interface EnvironmentFacts {
  /** `check` reports a missing CI as a warning, `release` as an error. */
  mode: CheckMode;
  ci: CiEnvironment;
  /** null when it could not be detected (PUBLISHER_NOT_FOUND is detection's finding). */
  publisher: PublisherVersion | null;
  npmVersion: string | null;
  /** `--provenance-via`; `auto` by default. */
  requestedVia?: ProvenanceVia | 'auto';
  registry: string;
}

const NPMJS_HOST = 'registry.npmjs.org';

export function isNpmjsRegistry(registry: string): boolean {
  try {
    return new URL(registry).hostname.toLowerCase() === NPMJS_HOST;
  } catch {
    return false;
  }
}

function ciRules(facts: EnvironmentFacts): Problem[] {
  const { ci } = facts;
  switch (ci.ci) {
    case 'none':
      return [
        problem(
          'CI_NOT_DETECTED',
          facts.mode === 'release' ? 'error' : 'warning',
          "No CI detected: npm generates provenance only inside GitHub Actions or GitLab CI, from the job's OIDC identity.",
          `Run \`${RELEASE_COMMAND}\` in a GitHub Actions job with\n${GITHUB_PERMISSIONS_YAML}\nor in a GitLab CI job with\n${GITLAB_ID_TOKENS_YAML}`,
        ),
      ];
    case 'other':
      return [
        problem(
          'CI_UNSUPPORTED',
          'error',
          `${ci.provider ?? 'This CI'} cannot sign npm provenance: npm supports only GitHub Actions and GitLab CI.`,
          'Move the publishing job to GitHub Actions (github.com) or GitLab CI (gitlab.com).',
        ),
      ];
    case 'github-actions': {
      const out: Problem[] = [];
      if (ci.serverUrl !== null && ci.serverUrl.toLowerCase() !== 'https://github.com') {
        out.push(
          problem(
            'CI_UNSUPPORTED',
            'error',
            `GitHub Enterprise Server (${ci.serverUrl}) cannot sign npm provenance: npm accepts only github.com's OIDC issuer.`,
            'Publish from a workflow on github.com (or GitLab.com).',
          ),
        );
      }
      if (!ci.oidc) {
        out.push(
          problem(
            'ID_TOKEN_PERMISSION_MISSING',
            'error',
            'This GitHub Actions job cannot request an OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN are not set): the workflow lacks `id-token: write`.',
            `Add to the publishing job (or the workflow) in ${ci.workflow?.path || '.github/workflows/<release>.yml'}:\n${GITHUB_PERMISSIONS_YAML}`,
          ),
        );
      }
      if (ci.runner === 'self-hosted') {
        out.push(
          problem(
            'RUNNER_NOT_GITHUB_HOSTED',
            'error',
            'The job runs on a self-hosted runner; npm accepts provenance only from GitHub-hosted runners.',
            'Set the publishing job to a GitHub-hosted runner, e.g.\nruns-on: ubuntu-latest',
          ),
        );
      }
      return out;
    }
    case 'gitlab-ci': {
      const out: Problem[] = [];
      const host = ci.gitlab?.serverHost ?? null;
      if (host !== null && host.toLowerCase() !== 'gitlab.com') {
        out.push(
          problem(
            'CI_UNSUPPORTED',
            'error',
            `Self-managed GitLab (${host}) cannot sign npm provenance: npm accepts only gitlab.com's OIDC issuer.`,
            'Publish from a pipeline on gitlab.com (or GitHub Actions).',
          ),
        );
      }
      if (!ci.gitlab?.sigstoreToken) {
        out.push(
          problem(
            'GITLAB_SIGSTORE_TOKEN_MISSING',
            'error',
            'SIGSTORE_ID_TOKEN is not set: npm signs provenance on GitLab CI with this ID token.',
            `Add to the publishing job in ${ci.workflow?.path ?? '.gitlab-ci.yml'}:\n${GITLAB_ID_TOKENS_YAML}`,
          ),
        );
      }
      if (ci.runner === 'self-hosted') {
        out.push(
          problem(
            'RUNNER_NOT_GITHUB_HOSTED',
            'warning',
            'The job does not seem to run on a GitLab.com hosted runner; npm accepts provenance only from hosted runners.',
            'Run the publishing job on GitLab.com hosted runners (no `tags:` pinning it to your own runner).',
          ),
        );
      }
      return out;
    }
  }
}

function publisherRules(facts: EnvironmentFacts): Problem[] {
  const { publisher } = facts;
  if (publisher === null) return [];
  const out: Problem[] = [];
  const label = `${publisher.name} ${publisher.version}`;
  const npmTooOld =
    publishesThroughNpm(publisher) && facts.npmVersion !== null && !npmSupportsProvenance(facts.npmVersion);
  if (npmTooOld) {
    out.push(
      problem(
        'NPM_TOO_OLD',
        'error',
        `npm ${facts.npmVersion} cannot generate provenance (it needs ${NPM_PROVENANCE_MIN} or later)${publisher.name === 'npm' ? '' : `, and ${publisher.name} publishes through it`}.`,
        'Upgrade npm in the publishing job: `npm install -g npm@latest` (or use Node 20+ with actions/setup-node).',
      ),
    );
  }
  const honoured = provenanceSwitches(publisher);
  if (honoured.length === 0 && !(publisher.name === 'npm' && npmTooOld)) {
    out.push(
      problem(
        'PUBLISHER_NO_PROVENANCE',
        'error',
        publisher.name === 'yarn'
          ? `${label} cannot publish with provenance (yarn supports it from ${YARN_PROVENANCE_MIN}).`
          : `${label} cannot publish with provenance.`,
        publisher.name === 'yarn'
          ? 'Upgrade yarn: `yarn set version stable` (4.9 or later), or publish with `--publisher npm`.'
          : 'Choose another --publisher.',
      ),
    );
  } else if (
    honoured.length > 0 &&
    facts.requestedVia &&
    facts.requestedVia !== 'auto' &&
    !honoured.includes(facts.requestedVia)
  ) {
    out.push(
      problem(
        'PUBLISHER_NO_PROVENANCE',
        'error',
        `${label} ignores --provenance-via ${facts.requestedVia}: the package would be published without provenance.`,
        `Use --provenance-via ${honoured.join(' | ')} (or auto).`,
      ),
    );
  }
  return out;
}

function registryRules(facts: EnvironmentFacts): Problem[] {
  const out: Problem[] = [];
  const npmjs = isNpmjsRegistry(facts.registry);
  if (!npmjs) {
    out.push(
      problem(
        'REGISTRY_NO_PROVENANCE',
        'warning',
        `${facts.registry} is not registry.npmjs.org: only npm's public registry accepts and serves provenance attestations.`,
        'Publish to https://registry.npmjs.org/ for provenance (--registry https://registry.npmjs.org/).',
      ),
    );
  }
  return out;
}

/** Pure: every environment problem `check` can know before publishing. */
export function checkEnvironment(facts: EnvironmentFacts): Problem[] {
  return [...ciRules(facts), ...publisherRules(facts), ...registryRules(facts)];
}
