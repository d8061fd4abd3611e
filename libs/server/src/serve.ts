import type { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigError } from '@shekara/common';
import type { JsonLogger } from '@shekara/common';
import { JetStreamServer, NatsRpcServer } from '@shekara/messaging';
import type { JetStreamServerOptions, NatsRpcServerOptions } from '@shekara/messaging';

/** The bus transports of an app: its JetStream consumers and its NATS request/reply methods. */
export interface BusTransports {
  jetstream: JetStreamServerOptions;
  rpc: NatsRpcServerOptions;
}

/**
 * Connects an app's bus transports, starts them, then serves HTTP. The bus and RPC transports do
 * not inherit the HTTP app's global pipes and filters: its ValidationPipe would "transform" a bus
 * payload (a Uint8Array) into an empty one. Their controllers hand errors back to the transport as
 * thrown (@UseFilters(PassThroughErrors)).
 */
export async function serveWithBus(app: NestExpressApplication, bus: BusTransports, http: { port: number; host: string }): Promise<void> {
  app.connectMicroservice({ strategy: new JetStreamServer(bus.jetstream) });
  app.connectMicroservice({ strategy: new NatsRpcServer(bus.rpc) });
  await app.startAllMicroservices();
  await app.listen(http.port, http.host);
  keepIdleConnectionsLongerThanClients(app);
}

/**
 * The server closes an idle keep-alive connection only after its clients have stopped reusing it
 * (they take the hint of the Keep-Alive header, minus a margin): with Node's 5 s a client under load
 * could send a request on a socket the server was closing at that instant ("other side closed", a
 * report neither refused nor answered). Shutdown still closes idle connections at once.
 */
export function keepIdleConnectionsLongerThanClients(app: NestExpressApplication): void {
  const server = app.getHttpServer() as { keepAliveTimeout: number; headersTimeout: number };
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
}

/**
 * Loads a service's configuration (`load` reads the environment), or exits with a clear message
 * naming the bad setting (EX_CONFIG) when it is invalid.
 */
export function loadConfigOrExit<T>(service: string, load: () => T): T {
  try {
    return load();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${service}: ${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}

/**
 * Starts a service (`start` resolves with what to log of it), or logs why it could not and exits
 * with 1, or 78 (EX_CONFIG, the message on stderr too) for a configuration found wrong only at start
 * (a database schema behind the code: its migration step did not run).
 */
export async function startOrExit(logger: JsonLogger, what: string, start: () => Promise<Record<string, unknown>>): Promise<void> {
  try {
    logger.log({ msg: `${what} started`, ...(await start()) });
  } catch (err) {
    logger.fatal({ msg: `${what} failed to start`, err });
    logger.pino.flush();
    if (err instanceof ConfigError) process.stderr.write(`${what}: ${err.message}\n`);
    setTimeout(() => process.exit(err instanceof ConfigError ? 78 : 1), 100);
  }
}
