import type { RequestContext } from "../core/router";
import { ADMIN_API_PERMISSION, type FessState } from "./state";

/**
 * `AccessTokenHelper#getAccessTokenFromRequest`: `Bearer <token>` or the raw
 * token; any other shape of the header is an invalid token. With no header the
 * token would come from `api.access.token.request.parameter`, empty by default.
 */
export function tokenOf(ctx: RequestContext): string | undefined {
  const header = ctx.headers.authorization;
  if (header === undefined) return undefined;
  const parts = header.trim().split(" ");
  if (parts.length === 2 && parts[0] === "Bearer") return parts[1];
  if (parts.length === 1) return parts[0];
  return undefined;
}

/**
 * `FessApiAdminAction#isAccessAllowed`: the token must exist, must not have
 * expired, and must carry `admin-api` among its permissions (its own, plus the
 * values of its `parameter_name` request parameter). The sandbox's own admin
 * token is always valid.
 */
export function hasAdminApiAccess(ctx: RequestContext, state: FessState, adminToken: string, now = Date.now()): boolean {
  const token = tokenOf(ctx);
  if (token === undefined || token === "") return false;
  if (token === adminToken) return true;
  const record = state.accessTokens.find((t) => t.token === token);
  if (!record) return false;
  if (record.expiresAt !== undefined && record.expiresAt > 0 && record.expiresAt < now) return false;
  const permissions = [...record.permissions, ...(record.parameterName ? ctx.query.getAll(record.parameterName) : [])];
  return permissions.includes(ADMIN_API_PERMISSION);
}
