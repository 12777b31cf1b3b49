import type { SandboxEndpoint } from "../../sandbox";

/** A stack config entry, as the Automation API's setAllConfig takes it. */
export type ConfigEntry = { value: string; secret?: boolean };

/** The stack config that points a stack at a server: `<app>:url` and its credentials, these as secrets. */
export function stackConfig(endpoint: SandboxEndpoint): Record<string, ConfigEntry> {
  const config: Record<string, ConfigEntry> = { [`${endpoint.app}:url`]: { value: endpoint.url } };
  if (endpoint.username !== undefined) config[`${endpoint.app}:username`] = { value: endpoint.username };
  if (endpoint.password !== undefined) config[`${endpoint.app}:password`] = { value: endpoint.password, secret: true };
  if (endpoint.token !== undefined) config[`${endpoint.app}:token`] = { value: endpoint.token, secret: true };
  return config;
}
