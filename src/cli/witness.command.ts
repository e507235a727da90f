import fs from 'node:fs';
import type { Command } from 'commander';
import { openWitness } from '../registry/witness.js';
import { buildWitnessServer } from '../registry/witness-server.js';

const collect = (value: string, previous: string[]) => [...previous, value];
/** A vkey given inline or as a file holding it. */
const readKey = (value: string) => (fs.existsSync(value) ? fs.readFileSync(value, 'utf8').trim() : value.trim());

/** `wenyuan witness`: a small c2sp.org/tlog-witness server that cosigns other logs' checkpoints. */
export function registerWitnessCommand(program: Command): void {
  program
    .command('witness')
    .description("run a witness: cosign the watched logs' checkpoints after checking each is consistent with the last one cosigned")
    .requiredOption('--state-dir <dir>', 'folder for the witness key (created on first start) and its record of each log')
    .option('--log <vkey-or-file>', "a watched log's verifier key (repeatable)", collect, [] as string[])
    .option('--name <name>', "the witness key's name when it is first created (default <hostname>/wenyuan-witness)")
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port', '7380')
    .action(async (options: { stateDir: string; log: string[]; name?: string; host: string; port: string }) => {
      if (options.log.length === 0) throw new Error('give at least one --log <vkey> to watch');
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error('--port must be a port number');
      const witness = await openWitness(options.stateDir, options.log.map(readKey), options.name ? { name: options.name } : {});
      const server = buildWitnessServer(witness, { logger: true });
      const address = await server.listen({ host: options.host, port });
      console.log(`witness key: ${witness.verifierKey}`);
      console.log(`watching ${witness.origins().join(', ')}; add-checkpoint at ${address}/add-checkpoint`);
      const stop = () => void server.close().then(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
}
