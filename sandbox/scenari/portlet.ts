/**
 * The chain portlet: `{portlet}/{execFrame}/u/{service}?cdaction=…`, every
 * request authenticated with HTTP Basic, the operation chosen by `cdaction`.
 */
import type { Reply, RequestContext } from "../core/router";
import { Router } from "../core/router";
import { effectiveGlobalRoles, findLogin, isDisabledAt, passwordMatches } from "./accounts";
import { adminUsers } from "./adminUsers";
import { adminWsp } from "./adminWsp";
import { basicCredentials, CallParams, ScenariHttpError, textReply } from "./http";
import { ping } from "./ping";
import type { Method, Service } from "./service";
import type { ScenariState, StoredAccount } from "./state";
import { wspMetaEditor } from "./wspMetaEditor";
import { wspSrc } from "./wspSrc";

/**
 * Where the portlet lives under the server root, after the system
 * configuration's `{webapp.system.url}/{webapp.code}` (INFERRED code).
 */
export const PORTLET_PATH = "/scenarichain-server";

/** `script` is what the Python clients use, `web` the browser's; `public` needs no credentials and offers none of these services. */
const EXEC_FRAMES: ReadonlySet<string> = new Set(["script", "web"]);

const SERVICES: Readonly<Record<string, Service>> = { adminUsers, adminWsp, wspMetaEditor, wspSrc, ping };

/** Roles that may administer users and workspaces (INFERRED for `main:manager`, the functional administrator). */
const ADMIN_ROLES = ["main:admin", "main:manager"];

const AUTH_CHALLENGE = { "www-authenticate": 'Basic realm="Scenari"' };

export function portletRouter(): Router<ScenariState> {
  const router = new Router<ScenariState>();
  // The web client addresses some services with a trailing slash (`u/adminWsp/`).
  for (const pattern of [`${PORTLET_PATH}/:frame/u/:svc`, `${PORTLET_PATH}/:frame/u/:svc/`]) {
    for (const method of ["GET", "POST", "PUT"] as const) router.on(method, pattern, serve);
  }
  return router;
}

export function notFound(_ctx: RequestContext, allowed: readonly string[]): Reply {
  if (allowed.length > 0) return textReply(405, "Method Not Allowed", { allow: [...new Set(allowed)].join(", ") });
  return textReply(404, "Not Found");
}

function serve(ctx: RequestContext, state: ScenariState): Reply {
  try {
    const frame = ctx.params.frame ?? "";
    const name = ctx.params.svc ?? "";
    const service = Object.hasOwn(SERVICES, name) ? SERVICES[name] : undefined;
    if (!EXEC_FRAMES.has(frame) || !service) return textReply(404, "Not Found");

    const caller = authenticate(ctx, state);
    if (service.adminOnly && !isAdministrator(state, caller)) {
      throw new ScenariHttpError(403, `Account '${caller.account}' may not use ${name}`);
    }
    const params = new CallParams(ctx);
    const cdaction = params.get("cdaction");
    if (!cdaction) throw new ScenariHttpError(400, "Parameter 'cdaction' is required");
    const action = Object.hasOwn(service.actions, cdaction) ? service.actions[cdaction] : undefined;
    if (!action) throw new ScenariHttpError(400, `Unknown cdaction '${cdaction}' for service ${name}`);
    if (!action.methods.includes(ctx.method as Method)) {
      throw new ScenariHttpError(405, `${cdaction} does not accept ${ctx.method}`, { allow: action.methods.join(", ") });
    }
    return action.run({ ctx, params, state, caller, now: Date.now() });
  } catch (error) {
    if (error instanceof ScenariHttpError) return error.toReply();
    throw error;
  }
}

/** Users log in with their account or a nick name; groups, disabled accounts and passwordless system accounts cannot. */
function authenticate(ctx: RequestContext, state: ScenariState): StoredAccount {
  const credentials = basicCredentials(ctx);
  if (!credentials) throw new ScenariHttpError(401, "Authentication required", AUTH_CHALLENGE);
  const account = findLogin(state, credentials.user);
  if (account?.userType !== "user" || !passwordMatches(account.password, credentials.password) || isDisabledAt(account, Date.now())) {
    throw new ScenariHttpError(401, "Invalid credentials", AUTH_CHALLENGE);
  }
  return account;
}

function isAdministrator(state: ScenariState, account: StoredAccount): boolean {
  if (account.isSuperAdmin) return true;
  const roles = effectiveGlobalRoles(state, account);
  return ADMIN_ROLES.some((role) => roles.has(role));
}
