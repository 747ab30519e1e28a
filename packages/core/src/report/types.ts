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

export interface SignerIdentity {
  issuer: string | null;
  repository: string | null;
  workflow: string | null;
  ref: string | null;
  commit: string | null;
  runUrl: string | null;
  logIndex: number | null;
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
