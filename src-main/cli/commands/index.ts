import type { Command } from '../command';
import { artifactCommands } from './artifacts';
import { controlCommands } from './control';
import { copyCommands } from './copy';
import { openCommands } from './open';
import { provenanceCommands } from './provenance';
import { runCommands } from './runs';
import { serveCommands } from './serve';
import { snapshotCommands } from './snapshots';

export const COMMANDS: Command[] = [
  ...runCommands,
  ...controlCommands,
  ...snapshotCommands,
  ...provenanceCommands,
  ...copyCommands,
  ...artifactCommands,
  ...openCommands,
  ...serveCommands,
];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}
