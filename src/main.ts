import { ConfigError, parseServerConfig, USAGE } from './config.js';
import { serve } from './serve.js';

/** Parses the command line and runs the webhook server. */
async function main(argv: readonly string[]): Promise<void> {
  const args = argv[0] === 'serve' ? argv.slice(1) : argv;
  let config;
  try {
    config = parseServerConfig(args, process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`sidecar-injector: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  if (config.help) {
    process.stdout.write(USAGE);
    return;
  }
  try {
    await serve(config);
  } catch (error) {
    // Start-up failures (a missing certificate file, a port in use) end the
    // process with one line, not a stack trace, because the message names the cause.
    process.stderr.write(`sidecar-injector: cannot start: ${(error as Error).message}\n`);
    process.exit(1);
  }
}

await main(process.argv.slice(2));
