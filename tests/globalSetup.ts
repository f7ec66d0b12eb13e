// Builds the CLI bundle once before any test, so every test that spawns
// `bin/abstractruntime.mjs` runs the bundle users run, built from the sources under test.
import { buildCli } from '../scripts/build-cli.mjs';

export default async function setup(): Promise<void> {
  await buildCli();
}
