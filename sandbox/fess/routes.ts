import { BadBody, Router, type Handler, type RequestContext } from "../core/router";
import { hasAdminApiAccess } from "./auth";
import { readCreateBody, readEditBody, readSearchBody } from "./bodies";
import { FessApiError, FessMessages, FessStatus, fessReply } from "./envelope";
import {
  FESS_RESOURCES,
  buildRecord,
  checkAttributes,
  checkStorable,
  recordsOf,
  stripMembership,
  toSetting,
  type FessResource,
} from "./resources";
import { fessId, ownRecord, type FessState } from "./state";

export interface FessServerInfo {
  /** 14 swaps the verbs: PUT creates and POST updates (changed in 15.0.0, #2884). */
  readonly major: 14 | 15;
  /** `SystemHelper#getProductVersion()`: "major.minor". */
  readonly productVersion: string;
  readonly adminToken: string;
}

/** `index.max_result_window`: a page reaching past it is an OpenSearch error, hence a 500. */
const MAX_RESULT_WINDOW = 10_000;
const DEFAULT_PAGE_SIZE = 25;

/** `settings` has no HTTP-method prefix in its action, so any verb reaches it. */
const ANY_VERB = ["GET", "POST", "PUT", "DELETE", "PATCH"] as const;

type Result = Readonly<Record<string, unknown>>;

export function fessRouter(server: FessServerInfo): Router<FessState> {
  const router = new Router<FessState>();
  const createVerb = server.major === 14 ? "PUT" : "POST";
  const updateVerb = server.major === 14 ? "POST" : "PUT";

  /**
   * `FessApiAction#godHandPrologue` refuses a bad token with a normal 200
   * answer; a failure inside the action becomes the error envelope.
   */
  const api =
    (action: (ctx: RequestContext, state: FessState) => Result): Handler<FessState> =>
    (ctx, state) => {
      if (!hasAdminApiAccess(ctx, state, server.adminToken)) {
        return fessReply(200, server.productVersion, FessStatus.UNAUTHORIZED, { message: FessMessages.unauthorized });
      }
      try {
        return fessReply(200, server.productVersion, FessStatus.OK, action(ctx, state));
      } catch (error) {
        if (!(error instanceof FessApiError)) throw error;
        return fessReply(error.httpStatus, server.productVersion, error.status, { message: error.message });
      }
    };

  for (const resource of FESS_RESOURCES) {
    const base = `/api/admin/${resource.path}`;
    for (const verb of ANY_VERB)
      router.on(
        verb,
        `${base}/settings`,
        api((ctx, state) => list(resource, ctx, state)),
      );
    router.on(
      "GET",
      `${base}/setting/:id`,
      api((ctx, state) => get(resource, ctx, state)),
    );
    router.on(
      createVerb,
      `${base}/setting`,
      api((ctx, state) => create(resource, ctx, state)),
    );
    router.on(
      updateVerb,
      `${base}/setting`,
      api((ctx, state) => update(resource, ctx, state)),
    );
    router.on(
      "DELETE",
      `${base}/setting/:id`,
      api((ctx, state) => remove(resource, ctx, state)),
    );
  }
  return router;
}

function list(resource: FessResource, ctx: RequestContext, state: FessState): Result {
  // Paging comes from the JSON body only: `?size=50` is ignored, as on a real Fess.
  const body = readSearchBody(jsonBody(ctx));
  const size = body.size !== undefined && body.size > 0 ? body.size : DEFAULT_PAGE_SIZE;
  const page = body.page !== undefined && body.page > 0 ? body.page : 1;
  if (page * size > MAX_RESULT_WINDOW) throw FessApiError.systemError();
  const matching = Object.entries(recordsOf(state, resource))
    .filter(([id]) => body.id === undefined || id === body.id)
    .sort(([idA, a], [idB, b]) => compareCodePoints(a.name, b.name) || compareCodePoints(idA, idB));
  const settings = matching.slice((page - 1) * size, page * size).map(([id, record]) => toSetting(id, record));
  return { settings, total: matching.length };
}

function get(resource: FessResource, ctx: RequestContext, state: FessState): Result {
  const id = ctx.params.id ?? "";
  const record = ownRecord(recordsOf(state, resource), id);
  if (!record) throw FessApiError.validation(FessMessages.notFound(id));
  return { setting: toSetting(id, record) };
}

/**
 * An upsert: the id is computed from the name and the document indexed under
 * it, so an existing record of that name is overwritten without complaint.
 */
function create(resource: FessResource, ctx: RequestContext, state: FessState): Result {
  const body = readCreateBody(jsonBody(ctx), resource.form);
  checkAttributes(resource, "create", body.attributes);
  const id = fessId(body.name);
  const record = buildRecord(resource, body, undefined);
  checkStorable(resource, id, record, "create");
  recordsOf(state, resource)[id] = record;
  return { id, created: true };
}

/** The id must exist; `version_no` must be sent but is never compared: last write wins. */
function update(resource: FessResource, ctx: RequestContext, state: FessState): Result {
  const body = readEditBody(jsonBody(ctx), resource.form);
  checkAttributes(resource, "edit", body.attributes);
  const records = recordsOf(state, resource);
  const previous = ownRecord(records, body.id);
  if (!previous) throw FessApiError.validation(FessMessages.notFound(body.id));
  const record = buildRecord(resource, body, previous);
  checkStorable(resource, body.id, record, "edit");
  records[body.id] = record;
  return { id: body.id, created: false };
}

function remove(resource: FessResource, ctx: RequestContext, state: FessState): Result {
  const id = ctx.params.id ?? "";
  const records = recordsOf(state, resource);
  if (!ownRecord(records, id)) throw FessApiError.validation(FessMessages.notFound(id));
  delete records[id];
  stripMembership(state, resource, id);
  return { id, created: false };
}

/** An empty body binds to the defaults, as `GsonJsonEngine#fromJson` does. */
function jsonBody(ctx: RequestContext): unknown {
  if (ctx.body.toString("utf8").trim() === "") return undefined;
  try {
    return ctx.json();
  } catch (error) {
    if (error instanceof BadBody) throw FessApiError.badRequest();
    throw error;
  }
}

/** OpenSearch sorts keywords by their UTF-8 bytes, that is by code point, not by UTF-16 unit. */
function compareCodePoints(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const diff = (left[i]?.codePointAt(0) ?? 0) - (right[i]?.codePointAt(0) ?? 0);
    if (diff !== 0) return diff;
  }
  return left.length - right.length;
}
