/**
 * What every ScoDoc API view shares: the two URL prefixes, bearer
 * authentication, the departement context and the permission decorator.
 */
import type { Reply, RequestContext, Router } from "../core/router";
import { authenticateBearer, deptsWithPermission, hasPermission, permissionName } from "./auth";
import { ApiError, badRequest, forbidden, notFound } from "./errors";
import { findDepartement, type ScodocState, type UserRecord } from "./model";
import type { Capability } from "./permissions";

export const API_PREFIX = "/ScoDoc/api";
/** The departement-scoped copy of every view: `g.scodoc_dept` is set from the URL. */
export const DEPT_API_PREFIX = "/ScoDoc/:scodoc_dept/api";

/** The sandbox's notion of now, in epoch milliseconds. */
export type Clock = () => number;

export interface ApiCall {
  readonly ctx: RequestContext;
  readonly state: ScodocState;
  readonly caller: UserRecord;
  /** `g.scodoc_dept`: the departement of a `/ScoDoc/<dept>/api` URL, null under `/ScoDoc/api`. */
  readonly dept: string | null;
  readonly now: number;
  /** A URL parameter declared in `ints`, already checked to be digits. */
  int(name: string): number;
  param(name: string): string;
  /** The body as a JSON object, as `request.get_json(force=True)` requires: 400 otherwise. */
  body(): Record<string, unknown>;
  /** The same, except that an empty body reads as `{}`. */
  optionalBody(): Record<string, unknown>;
  /** `has_permission` in the current departement context. */
  can(capability: Capability): boolean;
  /** `get_depts_with_permission`: null in the set means every departement. */
  depts(capability: Capability): ReadonlySet<string | null>;
}

export interface ApiRoute {
  readonly method: "GET" | "POST";
  /** Relative to the API prefix, e.g. `/user/:uid/edit`. */
  readonly path: string;
  /** What the view's `permission_required` decorator demands; null for login only. */
  readonly permission: Capability | null;
  /** Parameters declared `<int:...>` in Flask: anything but digits does not match the route at all. */
  readonly ints?: readonly string[];
  /** Answers 200 with this JSON body, or throws {@link ApiError}. */
  handle(call: ApiCall): unknown;
}

export function mountApi(router: Router<ScodocState>, routes: readonly ApiRoute[], clock: Clock): void {
  for (const route of routes) {
    router.on(route.method, API_PREFIX + route.path, (ctx, state) => serve(route, ctx, state, clock, false));
    router.on(route.method, DEPT_API_PREFIX + route.path, (ctx, state) => serve(route, ctx, state, clock, true));
  }
}

/** Flask's own answer for a URL no rule matches. */
export const URL_NOT_FOUND = "The requested URL was not found on the server.";

function serve(route: ApiRoute, ctx: RequestContext, state: ScodocState, clock: Clock, scoped: boolean): Reply {
  try {
    // Converter failures happen while routing, before any view decorator runs.
    for (const name of route.ints ?? []) {
      if (!/^\d+$/.test(ctx.params[name] ?? "")) throw notFound(URL_NOT_FOUND);
    }
    const now = clock();
    const caller = authenticateBearer(state, ctx.headers, now);
    const dept = scoped ? (ctx.params.scodoc_dept ?? null) : null;
    if (dept !== null && !findDepartement(state, dept)) throw notFound(`departement ${dept} inexistant`);
    if (route.permission && !hasPermission(state, caller, route.permission, dept)) {
      throw forbidden(`permission ${permissionName(state, route.permission)} required`);
    }
    const call = makeCall(ctx, state, caller, dept, now);
    return { status: 200, body: route.handle(call) };
  } catch (error) {
    if (error instanceof ApiError) return error.toReply();
    throw error;
  }
}

function makeCall(ctx: RequestContext, state: ScodocState, caller: UserRecord, dept: string | null, now: number): ApiCall {
  const body = (optional: boolean): Record<string, unknown> => {
    if (optional && ctx.body.length === 0) return {};
    // An empty body is not JSON either: get_json(force=True) refuses it. BadBody propagates
    // to the sandbox's badBody answer.
    const parsed = ctx.json();
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw badRequest("the JSON body must be an object");
    }
    return parsed as Record<string, unknown>;
  };
  return {
    ctx,
    state,
    caller,
    dept,
    now,
    int: (name) => Number(ctx.params[name]),
    param: (name) => {
      const value = ctx.params[name];
      if (value === undefined) throw new Error(`route has no parameter ${name}`);
      return value;
    },
    body: () => body(false),
    optionalBody: () => body(true),
    can: (capability) => hasPermission(state, caller, capability, dept),
    depts: (capability) => deptsWithPermission(state, caller, capability),
  };
}
