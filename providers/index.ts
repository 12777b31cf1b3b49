/**
 * pulumi-access-as-code: Pulumi resources for the access configuration of
 * ScoDoc 9, Fess, dRofus and Scenari.
 *
 * @module pulumi-access-as-code
 */
export type { ConnectionArgs } from "./core/connection";
export {
  AccessError,
  BadRequest,
  Unauthorized,
  Forbidden,
  NotFound,
  Conflict,
  RateLimited,
  ServerError,
  InvalidResponse,
  ConnectionFailed,
  ConfigurationError,
  InvalidInput,
} from "./core/errors";
export { ScodocDepartement, type ScodocDepartementArgs } from "./scodoc/departement";
export { ScodocRole, type ScodocRoleArgs } from "./scodoc/role";
export { ScodocUser, type ScodocUserArgs, type ScodocGrantArgs } from "./scodoc/user";
export { FessRole, type FessRoleArgs } from "./fess/role";
export { FessGroup, type FessGroupArgs } from "./fess/group";
export { FessUser, type FessUserArgs } from "./fess/user";
export { DrofusProject, type DrofusProjectArgs, type DrofusDatabaseArgs } from "./drofus/project";
export { DrofusProjectUser, type DrofusProjectUserArgs, type DrofusRightsArgs, type DrofusRightsLevel } from "./drofus/projectUser";
export {
  ScenariWorkspace,
  type ScenariWorkspaceArgs,
  type ScenariModelArgs,
  type ScenariRoleEntryArgs,
  type ScenariModel,
  type ScenariModelRef,
  type ScenariRoleEntry,
} from "./scenari/workspace";
export { ScenariUser, type ScenariUserArgs } from "./scenari/user";
export { ScenariGroup, type ScenariGroupArgs } from "./scenari/group";
