/** `dtrn export --run <dir> --format onnx --out <file.onnx>`: a trained model for other runtimes. */
import { Command, Option } from 'commander';
import { EXPORT_FORMATS, type ExportFormat, runExport } from '../export/run-export.js';
import { addMessageOptions, type CliContext, type CommonFlags, reporterFor } from './common-options.js';

interface ExportFlags extends CommonFlags {
  readonly run: string;
  readonly format: ExportFormat;
  readonly out: string;
}

export function exportCommand(context: CliContext): Command {
  const command = new Command('export')
    .description(
      'Export the model of a trained run (dtrn train) as one ONNX graph, with <out>.json naming its inputs, outputs and raw-id vocabularies.',
    )
    .requiredOption('--run <dir>', 'run directory written by dtrn train')
    .addOption(new Option('--format <name>', 'export format').choices(EXPORT_FORMATS).default('onnx'))
    .requiredOption(
      '--out <file>',
      'the graph file to write, e.g. model.onnx (the metadata goes to <file>.json)',
    );
  return addMessageOptions(command, { backend: true })
    .addHelpText(
      'after',
      `
Examples:
  $ dtrn export --run runs/dtrn-ple --format onnx --out dtrn-ple.onnx
  $ python -c "import onnxruntime as ort; print([i.name for i in ort.InferenceSession('dtrn-ple.onnx').get_inputs()])"

The graph takes one int64 [batch] tensor per sparse field, int64 [batch, L] per behavior sequence
(<behavior>/item and <behavior>/<side field>, 0 = padding first) and float32 [batch] per dense
field, and returns one float32 [batch] probability per task, named after the task.`,
    )
    .action(async (flags: ExportFlags) => {
      await runExport({
        run: flags.run,
        format: flags.format,
        out: flags.out,
        backend: flags.backend,
        progress: reporterFor(flags, context),
      });
    });
}
