/**
 * HTTP Basic with the connection's username and password, read when a request
 * needs them (so a preview without credentials never fails here). A refused
 * password stays refused: there is nothing to renew after a 401.
 */
import { requireCredential, type ResolvedConnection } from "./connection";
import type { Authenticator } from "./http";

export function basicAuthenticator(connection: ResolvedConnection): Authenticator {
  return {
    async header() {
      const username = requireCredential(connection, "username");
      const password = requireCredential(connection, "password");
      return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
    },
    renew: () => false,
  };
}
