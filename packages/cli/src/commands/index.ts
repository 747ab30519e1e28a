import type { Command } from './command.js';
import { releaseCommand } from './release.js';
import { restoreCommand } from './restore.js';

/** Every command, in the order help lists them. */
export const COMMANDS: Command[] = [releaseCommand, restoreCommand];
