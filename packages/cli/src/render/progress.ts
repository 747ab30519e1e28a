import {
  Listr,
  ListrLogger,
  ProcessOutput,
  type DefaultRenderer,
  type ListrTaskWrapper,
  type SimpleRenderer,
} from 'listr2';

type Wrapper = ListrTaskWrapper<unknown, typeof DefaultRenderer, typeof SimpleRenderer>;
import type { PackageReport, PublishRecord, ReleaseEvent } from '@provenant/core';
import { painter, type Output } from '../output.js';

/** Renders `release` progress: listr2 on a terminal, one plain line per event elsewhere. */
export interface ReleaseProgress {
  onEvent(event: ReleaseEvent): void;
  /** Ends the display (every task settled). */
  close(): Promise<void>;
}

export interface ProgressOptions {
  output: Output;
  env: Readonly<Record<string, string | undefined>>;
  /** Whether published packages go on to verification. */
  verify: boolean;
  /** The stream human output goes to is an interactive terminal. */
  interactive: boolean;
}

export function createProgress(options: ProgressOptions): ReleaseProgress {
  const ci = options.env.CI !== undefined && options.env.CI !== '' && options.env.CI !== 'false';
  if (options.interactive && !ci && options.env.TERM !== 'dumb') return listrProgress(options);
  return plainProgress(options);
}

/** What a final publish record means for display. */
function publishLine(record: PublishRecord): { ok: boolean; text: string } {
  const codes = record.problems.filter((p) => p.severity !== 'info').map((p) => p.code);
  const suffix = codes.length ? ` [${codes.join(', ')}]` : '';
  switch (record.state) {
    case 'published':
      return {
        ok: true,
        text: `published (${record.attempts} attempt${record.attempts === 1 ? '' : 's'}, ${record.durationMs} ms)${suffix}`,
      };
    case 'already-published':
      return { ok: true, text: 'already published with the same content: skipped' };
    case 'failed':
      return { ok: false, text: `failed${suffix}` };
    case 'blocked':
      return { ok: false, text: `blocked${suffix}` };
    case 'cancelled':
      return { ok: false, text: 'cancelled' };
  }
}

function verifyLine(report: PackageReport): { ok: boolean; text: string } {
  const codes = report.problems.filter((p) => p.severity === 'error').map((p) => p.code);
  return report.status === 'verified'
    ? { ok: true, text: 'verified' }
    : { ok: false, text: `unverified [${codes.join(', ')}]` };
}

export function plainProgress(options: ProgressOptions): ReleaseProgress {
  const p = painter(options.output.color);
  const say = (text: string) => options.output.human(text);
  return {
    onEvent(event) {
      switch (event.type) {
        case 'stage':
          say(p.dim(`» ${event.detail}`));
          break;
        case 'file-changed':
          say(`  changed ${event.path} (provenance via ${event.via}; restored afterwards)`);
          break;
        case 'publishing':
          say(
            `  ${event.names.join(', ')}: publishing${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''} — ${event.command}`,
          );
          break;
        case 'retrying':
          say(
            p.yellow(
              `  ${event.name}: retrying in ${Math.round(event.delayMs / 100) / 10} s (attempt ${event.attempt})`,
            ),
          );
          break;
        case 'published': {
          const line = publishLine(event.record);
          say(`${line.ok ? p.green('✔') : p.red('✖')} ${event.record.name}: ${line.text}`);
          break;
        }
        case 'verified': {
          const line = verifyLine(event.report);
          say(
            `${line.ok ? p.green('✔') : p.red('✖')} ${event.report.name}@${event.report.version}: ${line.text}`,
          );
          break;
        }
        case 'restored':
          if (event.paths.length > 0) say(`  restored ${event.paths.join(', ')}`);
          break;
        case 'dry-run':
          say(p.bold('Dry run — nothing is changed or published. Provenant would:'));
          for (const change of event.fileChanges) {
            say(`  edit ${change.path} (journaled, restored afterwards):`);
            for (const line of diffLines(change.before, change.after)) say(`    ${line}`);
          }
          for (const command of event.commands) say(`  $ ${command}`);
          break;
        case 'planned':
        case 'packing':
        case 'verifying':
          break;
      }
    },
    close: () => Promise.resolve(),
  };
}

/** The lines that differ, as `-`/`+` (enough for a config switch). */
export function diffLines(before: string | null, after: string): string[] {
  const a = (before ?? '').split(/\r?\n/);
  const b = after.split(/\r?\n/);
  const removed = a.filter((line) => !b.includes(line)).map((l) => `- ${l}`);
  const added = b.filter((line) => !a.includes(line)).map((l) => `+ ${l}`);
  return [...removed, ...added];
}

interface Deferred {
  task: Wrapper | null;
  settle: (error?: Error) => void;
  settled: boolean;
  title: string;
}

function listrProgress(options: ProgressOptions): ReleaseProgress {
  const plain = plainProgress(options);
  const tasks = new Map<string, Deferred>();
  let run: Promise<unknown> | null = null;
  const stream = options.output.json ? process.stderr : process.stdout;

  const update = (name: string, text: string) => {
    const d = tasks.get(name);
    if (d?.task) d.task.title = `${name} ${text}`;
    if (d) d.title = `${name} ${text}`;
  };
  const settle = (name: string, ok: boolean, text: string) => {
    const d = tasks.get(name);
    if (!d || d.settled) return;
    update(name, text);
    d.settled = true;
    d.settle(ok ? undefined : new Error(`${name} ${text}`));
  };

  return {
    onEvent(event) {
      switch (event.type) {
        case 'planned': {
          const list = new Listr<unknown, 'default', 'simple'>(
            event.names.map((name) => ({
              title: `${name} waiting`,
              task: (_ctx: unknown, task: Wrapper) =>
                new Promise<void>((resolve, reject) => {
                  const d = tasks.get(name);
                  if (!d) return resolve();
                  d.task = task;
                  task.title = d.title;
                  d.settle = (error) => (error ? reject(error) : resolve());
                  if (d.settled) resolve();
                }),
            })),
            {
              concurrent: true,
              exitOnError: false,
              registerSignalListeners: false,
              renderer: 'default',
              rendererOptions: {
                collapseErrors: false,
                logger: new ListrLogger({
                  processOutput: new ProcessOutput(stream, process.stderr),
                }),
              },
            },
          );
          for (const name of event.names)
            tasks.set(name, { task: null, settle: () => {}, settled: false, title: `${name} waiting` });
          run = list.run().catch(() => undefined);
          break;
        }
        case 'packing':
          for (const name of event.names) update(name, 'packing');
          break;
        case 'publishing':
          for (const name of event.names)
            update(name, event.attempt > 1 ? `publishing (attempt ${event.attempt})` : 'publishing');
          break;
        case 'retrying':
          update(event.name, `retrying in ${Math.round(event.delayMs / 100) / 10} s`);
          break;
        case 'published': {
          const line = publishLine(event.record);
          if (event.record.state === 'published' && options.verify)
            update(event.record.name, 'published, waiting to verify');
          else settle(event.record.name, line.ok, line.text);
          break;
        }
        case 'verifying':
          for (const name of event.names) update(name, 'verifying');
          break;
        case 'verified': {
          const line = verifyLine(event.report);
          settle(event.report.name, line.ok, line.text);
          break;
        }
        default:
          if (run === null) plain.onEvent(event);
      }
    },
    async close() {
      for (const [name, d] of tasks) if (!d.settled) settle(name, false, 'not finished');
      await run;
    },
  };
}
