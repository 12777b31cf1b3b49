import type { Reply, RequestContext, Router } from "../core/router";
import { basicCredentials, negotiate, notAcceptable, SUFFIX_VARIANTS, splitSuffix, unauthorized } from "./rails";
import type { DrofusState, UserRecord } from "./state";

/** What an action sees of an authenticated JSON request. */
export interface Call {
  readonly ctx: RequestContext;
  readonly state: DrofusState;
  /** The admin-system user making the request. */
  readonly actor: UserRecord;
  /** The `:id` segment, percent-decoded, without its format suffix when it is the last segment. */
  readonly id: string;
}

export type Action = (call: Call) => Reply;

export interface MountOptions {
  /** Answer whatever format is asked, for actions that send a file rather than a rendering. */
  readonly anyFormat?: boolean;
}

/**
 * Registers an action under every spelling Rails routes to it: a path ending
 * in `:id` once (the suffix is read off the id, see {@link splitSuffix}),
 * any other path bare and with each format suffix.
 *
 * Like a Rails controller, the action runs behind HTTP Basic authentication
 * (before anything else, so 401 comes before 404), and the sandbox answers
 * 406 for any format but JSON rather than imitate the site's HTML.
 */
export function mount(router: Router<DrofusState>, method: string, pattern: string, action: Action, options: MountOptions = {}): void {
  const endsWithId = pattern.endsWith("/:id");
  const variants = endsWithId ? [""] : SUFFIX_VARIANTS;
  for (const variant of variants) {
    const fixedSuffix = variant === "" ? undefined : variant.slice(1);
    router.on(method, pattern + variant, (ctx, state) => {
      const actor = authenticate(ctx, state);
      if (!actor) return unauthorized();
      const raw = ctx.params.id ?? "";
      const { id, suffix } = endsWithId ? splitSuffix(raw) : { id: raw, suffix: fixedSuffix };
      const format = negotiate(suffix, ctx.headers);
      if (format !== "json" && !options.anyFormat) return notAcceptable(format);
      return action({ ctx, state, actor, id });
    });
  }
}

/** Only enabled admin-system users with a matching password may use the API. */
function authenticate(ctx: RequestContext, state: DrofusState): UserRecord | undefined {
  const given = basicCredentials(ctx.headers);
  if (!given) return undefined;
  const user = state.users.find((u) => u.username === given.username);
  if (!user?.admin || user.disabled || user.password === null) return undefined;
  return user.password === given.password ? user : undefined;
}
