import { Command, CommanderError } from 'commander';
import { registerAdminCommands } from './admin.command.js';
import { registerAuditCommands } from './audit.command.js';
import { registerBlobsCommands } from './blobs.command.js';
import { registerBackupCommands } from './backup.command.js';
import { registerDoctorCommand } from './doctor.command.js';
import { registerEvalCommands } from './eval.command.js';
import { registerExportCommand } from './export.command.js';
import { registerFixityCommand } from './fixity.command.js';
import { registerGcCommand } from './gc.command.js';
import { registerImportCommand } from './import.command.js';
import { registerLicenseCommands } from './license.command.js';
import { registerPrivacyCommands } from './privacy.command.js';
import { registerProtectCommands } from './protect.command.js';
import { registerRegistryCommands } from './registry.command.js';
import { registerReindexCommand } from './reindex.command.js';
import { registerReviewCommands } from './review.command.js';
import { registerServeCommand } from './serve.command.js';
import { registerSetupCommand } from './setup.command.js';
import { registerTransferCommands } from './transfer.command.js';
import { registerWitnessCommand } from './witness.command.js';

/** Builds the `wenyuan` command line. */
export function buildProgram(): Command {
  const program = new Command('wenyuan').description('Wenyuan (文渊): archive, catalogue and protect cultural works').version('0.1.0');
  program.exitOverride();
  registerServeCommand(program);
  registerSetupCommand(program);
  registerAdminCommands(program);
  registerFixityCommand(program);
  registerBlobsCommands(program);
  registerExportCommand(program);
  registerReindexCommand(program);
  registerGcCommand(program);
  registerRegistryCommands(program);
  registerDoctorCommand(program);
  registerImportCommand(program);
  registerWitnessCommand(program);
  registerProtectCommands(program);
  registerEvalCommands(program);
  registerLicenseCommands(program);
  registerReviewCommands(program);
  registerAuditCommands(program);
  registerPrivacyCommands(program);
  registerTransferCommands(program);
  registerBackupCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    console.error(`wenyuan: ${message}`);
    process.exitCode = 1;
  }
}
