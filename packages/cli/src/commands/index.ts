import { auditCommand } from './audit.js';
import { checkCommand } from './check.js';
import type { Command } from './command.js';
import { releaseCommand } from './release.js';
import { restoreCommand } from './restore.js';
import { verifyCommand } from './verify.js';

/** Every command, in the order help lists them. */
export const COMMANDS: Command[] = [
  checkCommand,
  releaseCommand,
  verifyCommand,
  auditCommand,
  restoreCommand,
];
