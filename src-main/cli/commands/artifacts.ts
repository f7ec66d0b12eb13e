/** Artifacts: the large values a run stores by hash, printed or saved exactly as stored. */
import type { Command } from '../command';
import { writeOutputFile } from '../outputFile';

export const artifactCommands: Command[] = [
  {
    name: 'artifact',
    usage: '<sha256:HASH> [-o FILE [--force]]',
    summary: 'print a stored artifact (a large value a run keeps by hash), or save it to a file',
    options: {
      output: { type: 'string', short: 'o', valueName: 'FILE', description: 'write the artifact bytes to FILE instead of printing them' },
      force: { type: 'boolean', description: 'replace FILE if it exists (never a database)' },
    },
    args: { min: 1, max: 1 },
    async run(ctx, { values, positionals }) {
      const content = await ctx.call('getArtifact', { ref: positionals[0]! });
      const bytes = content.encoding === 'utf8' ? Buffer.from(content.data, 'utf8') : Buffer.from(content.data, 'base64');
      const file = values.output as string | undefined;
      if (file) {
        const path = writeOutputFile(file, bytes, { force: values.force === true, dbPath: ctx.paths.dbPath });
        ctx.out.result({ ref: content.ref, mime: content.mime, size: content.size, file: path }, () => [
          `saved ${content.ref} (${content.mime}, ${content.size} bytes) to ${path}`,
        ]);
        return;
      }
      if (content.encoding === 'base64') {
        ctx.out.result(content, () => [`${content.ref}: ${content.mime}, ${content.size} bytes (binary: save it with -o FILE)`]);
        return;
      }
      ctx.out.result(content, () => [content.data]);
    },
  },
];
