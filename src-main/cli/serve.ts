// `raptr serve [--port 7860] [--host 127.0.0.1] [--db PATH] [--open]`: the app for a browser, for a
// headless GPU box and for end-to-end tests. Runs train in this process's run manager, exactly as in the
// desktop app; SIGINT or SIGTERM (a service manager's stop) stops them with a checkpoint before exiting.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { startServer, type RunningServer } from '../server/index.js';
import { defaultStaticDir } from '../server/static-files.js';
import { EXIT, InputError } from './input-error.js';
import { openManager, withDbOption, type StoreFlags } from './store-access.js';

interface ServeFlags extends StoreFlags {
  port: string;
  host: string;
  open?: boolean;
  json?: boolean;
}

export function registerServe(program: Command): void {
  withDbOption(
    program
      .command('serve')
      .description(
        'serve the app and its API to a browser (loopback only unless --host; then a token is required)',
      )
      .option('--port <port>', 'the port to listen on (0: any free port)', '7860')
      .option(
        '--host <address>',
        'the address to bind; not loopback (e.g. 0.0.0.0) requires a token',
        '127.0.0.1',
      )
      .option('--open', 'open the page in the default browser')
      .option(
        '--json',
        'print where it serves as one JSON line (url, page, token, database) instead of the banner',
      ),
  ).action(async (flags: ServeFlags) => {
    const port = parsePort(flags.port);
    const { manager, path } = openManager(flags);
    let server: RunningServer;
    try {
      server = await startServer({ manager, databasePath: path, host: flags.host, port });
    } catch (error) {
      await manager.shutdown();
      throw explainListenError(error, flags.host, port);
    }
    const page = server.token ? `${server.url}?token=${server.token}` : server.url;
    if (flags.json)
      process.stdout.write(
        `${JSON.stringify({ url: server.url, page, host: server.host, port: server.port, token: server.token ?? null, database: path })}\n`,
      );
    else printBanner(server, page, path);
    if (flags.open) openBrowser(page);

    await firstSignal();
    const training = manager.trainingCount;
    const progress = training === 1 ? '1 run in progress writes' : `${training} runs in progress write`;
    process.stderr.write(
      training > 0 ? `stopping: ${progress} a checkpoint first (Ctrl-C again to abort)\n` : 'stopping\n',
    );
    await server.close();
    await manager.shutdown();
    process.exitCode = EXIT.ok;
  });
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535)
    throw new InputError([`--port: "${text}" is not a port (0-65535)`]);
  return port;
}

function explainListenError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    return new InputError([`port ${port} on ${host} is in use; choose another with --port (or --port 0)`]);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return new InputError([`--host: ${host} is not an address of this machine`]);
  if (code === 'EACCES') return new InputError([`port ${port} needs privileges; choose one above 1023`]);
  return error;
}

function printBanner(server: RunningServer, page: string, databasePath: string): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`RaPTr Studio is serving ${page}`);
  if (server.token) {
    out(`  bound to ${server.host}:${server.port}; every API call needs the access token:`);
    out(`  token: ${server.token}`);
    out(`  (the link above sets it for the browser; scripts send "Authorization: Bearer <token>")`);
  }
  out(`  runs database: ${databasePath}`);
  if (!existsSync(join(defaultStaticDir(), 'index.html')))
    out('  note: the renderer is not built; run `npm run build` for the web app (the API works already)');
  out('  Ctrl-C or SIGTERM stops the server');
}

/** Resolves on the first SIGINT or SIGTERM; a second one exits at once (a checkpoint that hangs). */
function firstSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) process.exit(EXIT.interrupted);
      received = true;
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/** Best effort: a headless box has no browser, and that is fine; the URL is printed anyway. */
function openBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { detached: true, stdio: 'ignore' });
    child.on('error', () => process.stderr.write(`could not open a browser; open ${url} yourself\n`));
    child.unref();
  } catch {
    process.stderr.write(`could not open a browser; open ${url} yourself\n`);
  }
}
