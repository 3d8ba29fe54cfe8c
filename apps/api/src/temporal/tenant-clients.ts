import { Injectable } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { KeyRing, tenantDataConverter } from '@warden/crypto';
import { ApiConfig } from '../config/api.config';

/**
 * One Temporal client per tenant, all on the API's one connection, each with that tenant's data
 * converter: what the API sends (run inputs, approvals) is encrypted with the tenant's key, and
 * what it reads back (states, results, failures) decrypts only with it. Every call that carries
 * payloads goes through `forTenant`; the plain Client is for health checks only.
 */
@Injectable()
export class TenantClients {
  private readonly clients = new Map<string, Client>();

  constructor(
    private readonly connection: Connection,
    private readonly config: ApiConfig,
    private readonly ring: KeyRing,
  ) {}

  forTenant(tenantId: string): Client {
    let client = this.clients.get(tenantId);
    if (client === undefined) {
      // Cheap to keep: a client is a few objects over the shared connection.
      client = new Client({
        connection: this.connection,
        namespace: this.config.temporalNamespace,
        dataConverter: tenantDataConverter(this.ring, tenantId),
      });
      this.clients.set(tenantId, client);
    }
    return client;
  }
}
