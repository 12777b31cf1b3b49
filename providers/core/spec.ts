/**
 * A resource is a spec: a schema of its inputs, what identifies it, what
 * forces a replacement, how server values compare to inputs, and five calls
 * against a typed client. This module derives the Pulumi provider methods
 * from a spec once, for every resource: check (offline validation that names
 * the property), diff (offline, set-aware, unknown-tolerant), create with
 * adoption and partial-failure recording, read for refresh, update, delete.
 */
import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import { createOnce, released } from "./creates";
import { digestSecret, matchesDigest } from "./digest";
import {
  AccessError,
  ConfigurationError,
  ConnectionFailed,
  Forbidden,
  InvalidInput,
  NotFound,
  RateLimited,
  ServerError,
  Unauthorized,
  type AppName,
} from "./errors";
import {
  connectionProblem,
  connectionSchema,
  effectiveUrl,
  normalizeUrl,
  resolveConnection,
  stackUrlProblem,
  type ConnectionArgs,
  type ResolvedConnection,
} from "./connection";
import { HOLDER, heldByAnother, hold, isHeld, moved, newHolder } from "./holdings";
import { notice } from "./notice";
import { registerSecret, scrub } from "./secrets";

import { UNKNOWN } from "./unknown";

export { UNKNOWN };
const PROVIDER_KEY = "__provider";
const NAME_KEY = "__resourceName";
/** The output that records which server holds the object; compared canonically, never part of its identity. */
const SERVER_URL = "serverUrl";

type Fields<I> = Extract<keyof I, string>;

/** What a spec's calls receive: the typed client for the resource's server. */
export interface SpecContext<C> {
  readonly client: C;
  readonly connection: ResolvedConnection;
}

export interface CreateContext<C> extends SpecContext<C> {
  /**
   * Say that the object now exists on the server, before the next step of a
   * multi-step create. If a later step fails, the resource is recorded in the
   * state with this id and state, and the next `up` finishes the job.
   */
  created(id: string, state: object): void;
}

export interface Created<S> {
  readonly id: string;
  readonly state: S;
}

/**
 * The declaration of one resource.
 * @typeParam I its inputs after defaults (the machinery adds `adopt` and `connection`)
 * @typeParam S its live state, named like the inputs plus computed fields, plain JSON
 * @typeParam C the application's client
 */
export interface ResourceSpec<I extends object, S extends object, C> {
  readonly app: AppName;
  /** `scodoc:User`: the type token's module and type, and the runtime's dispatch key. */
  readonly kind: string;
  /** Bumped when the shape of the outputs changes; {@link migrate} reads every earlier one. */
  readonly schemaVersion: number;
  readonly inputs: z.ZodType<I>;
  /** Inputs that cannot change in place. */
  readonly replaceOn: readonly Fields<I>[];
  /**
   * For a server that derives the id from the natural key (Fess): the id
   * these inputs map to, or undefined while it cannot be told (a preview
   * unknown; the inputs arrive unvalidated). While it equals the current id,
   * a changed `replaceOn` field is updated in place: the object was renamed
   * behind Pulumi's back, and replacing it would create the new object under
   * the very id the replacement then deletes.
   */
  idFor?(input: Readonly<Record<string, unknown>>): string | undefined;
  /** Delete the old object before creating the new one: its natural key is unique on the server. */
  readonly deleteBeforeReplace?: boolean;
  /** Inputs that are never stored: a salted digest in the outputs detects a change. */
  readonly writeOnly?: readonly Fields<I>[];
  /** Inputs about the provider's own behaviour (deletion policy...): kept in outputs, never sent. */
  readonly behaviour?: readonly Fields<I>[];
  /**
   * Inputs only `create` reads (which invitation mail to send): never
   * compared, so changing one later shows no diff and sends nothing.
   */
  readonly createOnly?: readonly Fields<I>[];
  /**
   * Inputs that hold the id of an object of another kind (dRofus's `projectId`, a project's id), by
   * that kind. A preview does not know the outputs of a resource being updated, so such an input
   * arrives unknown; it is known unchanged when that resource's diff kept its object.
   */
  readonly references?: Partial<Record<Fields<I>, string>>;
  /** List inputs whose order does not matter. */
  readonly sets?: readonly Fields<I>[];
  /** A server's own spelling rules (case, defaults), applied to both sides before comparing. */
  canonical?(field: Fields<I>, value: unknown): unknown;
  /** What a human calls the object, for messages: `user alice`. */
  describe(input: I): string;
  client(connection: ResolvedConnection): C;
  create(ctx: CreateContext<C>, input: I): Promise<Created<S>>;
  /** The live state, or undefined when the object is gone. */
  read(ctx: SpecContext<C>, id: string, previous: Outputs<S>): Promise<S | undefined>;
  /** Apply `changed` (input names) and return the full new state. */
  update(ctx: SpecContext<C>, id: string, previous: Outputs<S>, input: I, changed: ReadonlySet<Fields<I>>): Promise<S>;
  delete(ctx: SpecContext<C>, id: string, previous: Outputs<S>): Promise<void>;
  /** Find an existing object by its natural key, for `adopt` and for telling "already exists" apart. */
  find(ctx: SpecContext<C>, input: I): Promise<Created<S> | undefined>;
  /** Bring outputs written by an earlier schemaVersion to this one. */
  migrate?(outputs: Record<string, unknown>, fromVersion: number): Record<string, unknown>;
}

/** What the engine stores as a resource's outputs. */
export type Outputs<S> = S & {
  readonly schemaVersion: number;
  /** The server the object lives on, canonical: where refresh, update and delete go. A new URL is recorded by an update. */
  readonly serverUrl: string;
  readonly connection?: ConnectionArgs;
} & Record<string, unknown>;

// biome-ignore lint/suspicious/noExplicitAny: a spec of any inputs, state and client
export type AnySpec = ResourceSpec<any, any, any>;

interface CheckFailure {
  property: string;
  reason: string;
}

const common = z.object({ adopt: z.boolean().optional(), connection: connectionSchema.optional() });

/** The same message for every programming error that escapes a spec: never a stack in the user's face. */
function wrap(spec: AnySpec, error: unknown): Error {
  if (error instanceof AccessError) return error;
  if (error instanceof PartialCreateError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new Error(scrub(`${spec.kind}: ${message}`));
}

function strip(props: Record<string, unknown> | undefined): Record<string, unknown> {
  const { [PROVIDER_KEY]: _provider, [NAME_KEY]: _name, ...rest } = props ?? {};
  return rest;
}

/** The resource's Pulumi name, which the resource class passes beside its inputs (0.1.0's states have none). */
function nameOf(props: Record<string, unknown> | undefined): string | undefined {
  const name = props?.[NAME_KEY];
  return typeof name === "string" ? name : undefined;
}

function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const key of path) {
    if (v === UNKNOWN) return UNKNOWN;
    if (!v || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function pathIsUnknown(root: unknown, path: readonly PropertyKey[]): boolean {
  for (let i = 0; i <= path.length; i++) if (valueAt(root, path.slice(0, i)) === UNKNOWN) return true;
  return false;
}

function propertyPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === "number" ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), "");
}

/** Outputs must be plain JSON: the engine rejects `undefined` and silently mangles a `Date`. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function fullSchema(spec: AnySpec): z.ZodType {
  const inputs = spec.inputs as unknown as z.ZodObject;
  return inputs instanceof z.ZodObject ? inputs.extend(common.shape).strict() : z.intersection(inputs, common);
}

function parseInputs<I>(spec: AnySpec, raw: Record<string, unknown>): I & { adopt?: boolean; connection?: ConnectionArgs } {
  const result = fullSchema(spec).safeParse(strip(raw));
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InvalidInput(spec.app, `${propertyPath(issue?.path ?? [])}: ${issue?.message ?? "invalid"}`);
  }
  return result.data as I & { adopt?: boolean; connection?: ConnectionArgs };
}

function canonicalOf(spec: AnySpec, field: string, value: unknown): unknown {
  let v: unknown = value === null ? undefined : value;
  if (spec.canonical) v = spec.canonical(field, v);
  if (Array.isArray(v) && spec.sets?.includes(field)) {
    v = [...new Map(v.map((item) => [JSON.stringify(item), item])).entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, item]) => item);
  }
  return v;
}

function inputFields(spec: AnySpec): string[] {
  const inputs = spec.inputs as unknown as z.ZodObject;
  return inputs instanceof z.ZodObject ? Object.keys(inputs.shape) : [];
}

function digestKey(field: string): string {
  return `${field}Digest`;
}

/** An input left unknown by a preview that is known to keep its value: the object it names stays. */
function knownToStay(spec: AnySpec, field: string, previous: unknown, next: unknown, serverUrl: unknown): boolean {
  const kind = (spec.references as Record<string, string> | undefined)?.[field];
  return next === UNKNOWN && kind !== undefined && previous !== undefined && isHeld(kind, serverUrl, String(previous));
}

interface Changes {
  changed: Set<string>;
  replaces: string[];
}

/** The pure comparison behind both `diff` and `update`; `id` (diff's) lets {@link ResourceSpec.idFor} rule out a replacement. */
async function compare(spec: AnySpec, olds: Record<string, unknown>, news: Record<string, unknown>, id?: string): Promise<Changes> {
  const changed = new Set<string>();
  const replaces: string[] = [];
  for (const field of inputFields(spec)) {
    // Own properties only: an input named like an Object member (dRofus's `constructor`) must not read the prototype's.
    const next = Object.hasOwn(news, field) ? news[field] : undefined;
    // An input the program does not set is not managed: the server keeps what it has.
    if (next === undefined || spec.createOnly?.includes(field)) continue;
    if (spec.writeOnly?.includes(field)) {
      if (containsUnknown(next) || typeof next !== "string" || !(await matchesDigest(next, olds[digestKey(field)]))) changed.add(field);
      continue;
    }
    const previous = Object.hasOwn(olds, field) ? olds[field] : undefined;
    if (knownToStay(spec, field, previous, next, olds.serverUrl)) continue;
    if (containsUnknown(next) || !isDeepStrictEqual(canonicalOf(spec, field, previous), canonicalOf(spec, field, next))) {
      changed.add(field);
    }
  }
  const sameObject = id !== undefined && spec.idFor !== undefined && spec.idFor(news) === id;
  if (!sameObject) for (const field of changed) if (spec.replaceOn.includes(field)) replaces.push(field);

  const newConnection = news.connection as ConnectionArgs | undefined;
  if (!containsUnknown(newConnection)) {
    // A URL is where to reach the server, not part of the object's identity: a new spelling or address
    // (a DNS rename, a move behind HTTPS) is an update that only records it. Replacing would create the
    // object where it already is, or, with `adopt`, take it over and then delete it as "the original".
    const url = effectiveUrl(spec.app, newConnection);
    if (url && typeof olds.serverUrl === "string" && normalizeUrl(olds.serverUrl) !== url) changed.add(SERVER_URL);
    // Only the stored copy changes (rotated credentials): an update that sends nothing.
    if (!isDeepStrictEqual(plain(olds.connection ?? null), plain(newConnection ?? null))) changed.add("connection");
  }
  return { changed, replaces };
}

/** What a change asks of the server: everything but where it is, how to reach it and the provider's own behaviour. */
function serverSideOf(spec: AnySpec, changed: ReadonlySet<string>): Set<string> {
  return new Set([...changed].filter((f) => f !== "connection" && f !== SERVER_URL && !spec.behaviour?.includes(f)));
}

/**
 * The server an update talks to: the one the program now names, so that a renamed URL takes effect
 * with the update that records it; the one in the state when nothing names one any more.
 */
function updateContext(spec: AnySpec, input: Record<string, unknown>, previous: Record<string, unknown>): SpecContext<unknown> {
  const named = effectiveUrl(spec.app, input.connection as ConnectionArgs | undefined);
  return contextFor(spec, input, named ?? (previous.serverUrl as string | undefined));
}

function migrate(spec: AnySpec, outputs: Record<string, unknown>): Record<string, unknown> {
  const version = typeof outputs.schemaVersion === "number" ? outputs.schemaVersion : 1;
  if (version > spec.schemaVersion) {
    throw new Error(`state written by a newer pulumi-access-as-code (schema ${version} > ${spec.schemaVersion}): upgrade the package`);
  }
  return version < spec.schemaVersion && spec.migrate ? spec.migrate(outputs, version) : outputs;
}

async function outputsOf(
  spec: AnySpec,
  state: object,
  input: Record<string, unknown>,
  previous: Record<string, unknown> | undefined,
  conn: ResolvedConnection,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = { ...state };
  for (const field of spec.behaviour ?? []) out[field] = input[field] ?? previous?.[field];
  for (const field of spec.writeOnly ?? []) {
    const value = input[field];
    const kept = previous?.[digestKey(field)];
    if (typeof value === "string") out[digestKey(field)] = (await matchesDigest(value, kept)) ? kept : await digestSecret(value);
    else if (kept !== undefined) out[digestKey(field)] = kept;
    delete out[field];
  }
  out.schemaVersion = spec.schemaVersion;
  out.serverUrl = conn.http.baseUrl;
  // Which resource holds the object: named at create, kept for the resource's life (core/holdings.ts).
  if (typeof previous?.[HOLDER] === "string") out[HOLDER] = previous[HOLDER];
  const connection = input.connection ?? previous?.connection;
  if (connection) out.connection = connection;
  return plain(out);
}

/**
 * Thrown from create when the object exists but a later step failed: the
 * engine records it (id and outputs) and the next `up` updates it to match.
 * The dynamic-provider server recognises it by its `id` property.
 */
export class PartialCreateError extends Error {
  readonly id: string;
  readonly properties: Record<string, unknown>;
  readonly reasons: string[];

  constructor(id: string, properties: Record<string, unknown>, cause: Error) {
    super(cause.message, { cause });
    this.name = "PartialCreateError";
    this.id = id;
    this.properties = properties;
    this.reasons = [cause.message];
  }
}

function contextFor(spec: AnySpec, input: Record<string, unknown>, pinnedUrl?: string): SpecContext<unknown> {
  const connection = resolveConnection(spec.app, input.connection as ConnectionArgs | undefined, pinnedUrl);
  return { connection, client: spec.client(connection) };
}

/** The seven provider methods for one spec. */
export function providerMethods(spec: AnySpec) {
  return {
    async check(
      _olds: Record<string, unknown>,
      news: Record<string, unknown>,
    ): Promise<{ inputs: Record<string, unknown>; failures: CheckFailure[] }> {
      const raw = strip(news);
      for (const field of spec.writeOnly ?? []) if (typeof raw[field] === "string") registerSecret(raw[field] as string);
      const conn = raw.connection as ConnectionArgs | undefined;
      registerSecret(conn?.password);
      registerSecret(conn?.token);
      // Where the requests would go, and with whose credentials, is known before any is sent.
      const serverFailures = [stackUrlProblem(spec.app), connectionProblem(spec.app, conn)]
        .filter((reason): reason is string => reason !== undefined)
        .map((reason) => ({ property: "connection", reason: scrub(reason) }));
      const result = fullSchema(spec).safeParse(raw);
      const name = nameOf(news);
      if (result.success) {
        const inputs = plain({ ...(result.data as Record<string, unknown>), ...(name === undefined ? {} : { [NAME_KEY]: name }) });
        return { inputs: serverFailures.length ? raw : inputs, failures: serverFailures };
      }
      const failures = result.error.issues
        .filter((issue) => !pathIsUnknown(raw, issue.path))
        .map((issue) => ({ property: propertyPath(issue.path) || spec.kind, reason: scrub(issue.message) }));
      // Failures that only concern unknown values are settled at `up`, when the values are known.
      return { inputs: raw, failures: [...failures, ...serverFailures] };
    },

    async diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
      try {
        const previous = migrate(spec, strip(olds));
        const { changed, replaces } = await compare(spec, previous, strip(news), id);
        if (replaces.length === 0) {
          // This resource keeps its object: record it before any delete runs (see core/holdings.ts).
          hold(spec.kind, previous.serverUrl, id, previous[HOLDER]);
          const url = changed.has(SERVER_URL) ? effectiveUrl(spec.app, news.connection as ConnectionArgs | undefined) : undefined;
          if (url) moved(previous.serverUrl as string, url);
        }
        return {
          changes: changed.size > 0,
          replaces,
          deleteBeforeReplace: replaces.length > 0 && (spec.deleteBeforeReplace ?? false),
        };
      } catch (error) {
        throw wrap(spec, error);
      }
    },

    async create(inputs: Record<string, unknown>) {
      const input = parseInputs<Record<string, unknown>>(spec, inputs);
      let recorded: { id: string; state: object } | undefined;
      try {
        const base = contextFor(spec, input);
        const ctx: CreateContext<unknown> = { ...base, created: (id, state) => (recorded = { id, state }) };
        const claim = {
          app: spec.app,
          kind: spec.kind,
          serverUrl: base.connection.http.baseUrl,
          object: spec.describe(input),
          name: nameOf(inputs),
          made: () => recorded?.id,
        };
        const made = await createOnce(claim, () => createOrAdopt(spec, ctx, input));
        const holder = newHolder();
        const outs = { ...(await outputsOf(spec, made.state, input, undefined, base.connection)), [HOLDER]: holder };
        hold(spec.kind, base.connection.http.baseUrl, made.id, holder);
        return { id: made.id, outs };
      } catch (error) {
        if (recorded && error instanceof Error && !(error instanceof PartialCreateError)) {
          const conn = resolveConnection(spec.app, input.connection as ConnectionArgs | undefined);
          const properties: Record<string, unknown> = {
            ...(await outputsOf(spec, recorded.state, input, undefined, conn)),
            [HOLDER]: newHolder(),
            [PROVIDER_KEY]: inputs[PROVIDER_KEY],
          };
          // The digest of a password that may not have been set must not claim it was.
          for (const field of spec.writeOnly ?? []) delete properties[digestKey(field)];
          throw new PartialCreateError(recorded.id, properties, wrap(spec, error));
        }
        throw wrap(spec, error);
      }
    },

    async read(id: string, props: Record<string, unknown>) {
      try {
        const previous = migrate(spec, strip(props));
        const ctx = contextFor(spec, previous, previous.serverUrl as string | undefined);
        const state = await spec.read(ctx, id, previous as Outputs<object>);
        if (!state) {
          released(spec.kind, ctx.connection.http.baseUrl, id);
          return { id: "", props: {} };
        }
        const outs = await outputsOf(spec, state, previous, previous, ctx.connection);
        const inputs: Record<string, unknown> = {};
        for (const field of [...inputFields(spec), ...(spec.behaviour ?? [])]) {
          if (outs[field] !== undefined && !spec.writeOnly?.includes(field)) inputs[field] = outs[field];
        }
        if (outs.connection) inputs.connection = outs.connection;
        return { id, props: outs, inputs: plain(inputs) };
      } catch (error) {
        throw wrap(spec, error);
      }
    },

    async update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
      try {
        const previous = migrate(spec, strip(olds));
        const input = parseInputs<Record<string, unknown>>(spec, news);
        const ctx = updateContext(spec, input, previous);
        const { changed } = await compare(spec, previous, input);
        const serverSide = serverSideOf(spec, changed);
        const state = serverSide.size > 0 ? await spec.update(ctx, id, previous as Outputs<object>, input, serverSide) : previous;
        return { outs: await outputsOf(spec, state, input, previous, ctx.connection) };
      } catch (error) {
        throw wrap(spec, error);
      }
    },

    async delete(id: string, props: Record<string, unknown>) {
      try {
        const previous = migrate(spec, strip(props));
        if (heldByAnother(spec.kind, previous.serverUrl, id, previous[HOLDER])) {
          // A replacement or a renamed resource adopted this very object: deleting it would take it from its holder.
          notice(`${spec.kind} ${id} on ${String(previous.serverUrl)} is not deleted: another resource of the stack now holds it`);
          return;
        }
        const ctx = contextFor(spec, previous, previous.serverUrl as string | undefined);
        await spec.delete(ctx, id, previous as Outputs<object>);
        released(spec.kind, ctx.connection.http.baseUrl, id);
      } catch (error) {
        if (error instanceof NotFound) return;
        throw wrap(spec, error);
      }
    },
  };
}

/**
 * Create, or take over an existing object when `adopt` is set. A create that
 * failed ambiguously (the connection broke after the request was sent) looks
 * for the object before trying again, so a retry never makes a duplicate; a
 * create that failed because the object exists says so and names `adopt`.
 */
async function createOrAdopt(spec: AnySpec, ctx: CreateContext<unknown>, input: Record<string, unknown>): Promise<Created<object>> {
  const takeOver = async (found: Created<object>): Promise<Created<object>> => {
    ctx.created(found.id, found.state);
    const previous = await outputsOf(spec, found.state, {}, undefined, ctx.connection);
    const { changed } = await compare(spec, previous, input);
    const serverSide = serverSideOf(spec, changed);
    const state = serverSide.size > 0 ? await spec.update(ctx, found.id, previous as Outputs<object>, input, serverSide) : found.state;
    return { id: found.id, state };
  };

  if (input.adopt) {
    const found = await spec.find(ctx, input);
    if (found) return takeOver(found);
  }
  let exists = false;
  const tracking: CreateContext<unknown> = {
    ...ctx,
    created(id, state) {
      exists = true;
      ctx.created(id, state);
    },
  };
  for (let resent = 0; ; resent++) {
    try {
      return await spec.create(tracking, input);
    } catch (error) {
      // A later step of a multi-step create failed: the caller records what exists.
      if (exists || !(error instanceof AccessError)) throw error;
      if (!error.ambiguous) {
        // A server that would not serve (down, rate limited, refusing the credentials) said nothing about
        // the object: looking it up would only send more requests to a server that is not answering.
        if ([ServerError, RateLimited, ConnectionFailed, Unauthorized, Forbidden, ConfigurationError].some((kind) => error instanceof kind))
          throw error;
        const found = await spec.find(ctx, input).catch(() => undefined);
        if (found && !input.adopt) {
          throw new InvalidInput(
            spec.app,
            `${spec.describe(input)} already exists on ${ctx.connection.http.baseUrl}`,
            "set adopt: true on the resource to take the existing object over",
          );
        }
        throw error;
      }
      // The create may or may not have reached the server. Ours if the object is there now: the
      // request that failed is what made it. If it is not, the create is sent again, as often as
      // the connection allows retries. A lookup that fails tells nothing, and creating again
      // could then make a duplicate, so the create's error stands.
      const found = await spec.find(ctx, input).catch(() => {
        throw error;
      });
      if (found) return takeOver(found);
      if (resent >= ctx.connection.http.maxRetries) throw error;
    }
  }
}
