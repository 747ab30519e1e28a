// Runs Verdaccio in a child process started by startRegistry(). It listens on a free
// port, reports it over IPC, and exits as soon as the parent goes away (the IPC channel
// closes), so a crashed or killed test run leaves no orphan registry behind.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runServer } from 'verdaccio';
import { delayAnswer, registryLatencyKind, rigLatencyFromEnv } from '../latency.js';

const configPath = process.argv[2];
if (!configPath || !process.send) {
  console.error('usage: verdaccio-child <config.yaml> (started with an IPC channel)');
  process.exit(2);
}

process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));

// runServer is typed `any`; it resolves to a Node HTTP server that is not listening yet.
const server = (await runServer(configPath)) as Server;
const latency = rigLatencyFromEnv();
// WAN-like answers (PROVENANT_RIG_LATENCY): runs before Verdaccio's own handler.
server.prependListener('request', (req, res) => delayAnswer(res, latency[registryLatencyKind(req.method)]));
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.send?.({ type: 'listening', port });
});
