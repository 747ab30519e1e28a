import type { Problem } from '../problems.js';

/** The JSON report of SPEC §3 (`schemaVersion: 1`). */
export type CommandName = 'check' | 'release' | 'verify' | 'audit';
export type CiName = 'github-actions' | 'gitlab-ci' | 'other' | 'none';
export type RunnerKind = 'github-hosted' | 'self-hosted';
export type PublisherName = 'npm' | 'pnpm' | 'yarn' | 'changesets';
export type ProvenanceVia = 'flag' | 'env' | 'publish-config' | 'npmrc' | 'yarnrc';
export type PackageStatus =
  'ready' | 'blocked' | 'skipped' | 'published' | 'failed' | 'verified' | 'unverified';
export type AttestationVerdict = 'verified' | 'missing' | 'invalid';

export interface EnvironmentReport {
  ci: CiName;
  repository: string | null;
  runner: RunnerKind | null;
  publisher: { name: PublisherName; version: string } | null;
  npmVersion: string | null;
  provenanceVia: ProvenanceVia | null;
  problems: Problem[];
}

/** How a package authenticates to the registry: an exchanged OIDC token, or a stored token. */
export type AuthPath = 'oidc' | 'token';

/** `_npmUser.trustedPublisher` of a version published with an exchanged token (SPEC §7). */
export interface TrustedPublisher {
  id: string;
  [key: string]: unknown;
}

export interface SignerIdentity {
  issuer: string | null;
  repository: string | null;
  workflow: string | null;
  ref: string | null;
  commit: string | null;
  runUrl: string | null;
  logIndex: number | null;
  /** From `_npmUser.trustedPublisher`; null when the version was published with a stored token. */
  trustedPublisher?: TrustedPublisher | null;
}

export interface VerificationReport {
  provenance: AttestationVerdict;
  publishAttestation: AttestationVerdict;
  registrySignature: AttestationVerdict;
  identity: SignerIdentity | null;
}

export interface PublishReport {
  attempts: number;
  durationMs: number;
  integrity: string | null;
}

export interface PackageReport {
  name: string;
  version: string;
  dir: string | null;
  status: PackageStatus;
  problems: Problem[];
  /** check: how it will authenticate; release: how it did. `buildReport` fills null when unset. */
  auth?: AuthPath | null;
  publish: PublishReport | null;
  verification: VerificationReport | null;
}

export interface ReportSummary {
  total: number;
  ready: number;
  blocked: number;
  skipped: number;
  published: number;
  failed: number;
  verified: number;
  unverified: number;
}

export interface Report {
  schemaVersion: 1;
  tool: { name: 'provenant'; version: string };
  command: CommandName;
  registry: string;
  environment: EnvironmentReport;
  packages: PackageReport[];
  summary: ReportSummary;
}
