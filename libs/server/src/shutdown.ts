import type { Provider } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import { closeConnection } from '@shekara/messaging';

/**
 * A provider that closes the connections an app was given (NATS, and its database if any) once
 * everything else has shut down.
 */
export function closeOnShutdown(nc: NatsConnection, ds?: DataSource): Provider {
  return {
    provide: Symbol('CLOSE_CONNECTIONS_ON_SHUTDOWN'),
    useValue: {
      async onApplicationShutdown(): Promise<void> {
        await closeConnection(nc);
        if (ds?.isInitialized) await ds.destroy().catch(() => undefined);
      },
    },
  };
}
