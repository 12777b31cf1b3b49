import {
  UNDER_PRIVILEGED_TOKEN_NAME,
  encodePermission,
  fessId,
  generateAccessToken,
  ownRecord,
  passwordMatches,
  type FessAccessToken,
  type FessState,
} from "./state";

/**
 * Out-of-band operations (`POST /__sandbox/op/<name>`), for tests that need
 * what only Fess's admin UI would give them.
 */
export const fessOps = {
  /** The seeded token without `admin-api`: every admin call with it answers status 3. */
  underPrivilegedToken(state: FessState): FessAccessToken {
    const token = state.accessTokens.find((t) => t.name === UNDER_PRIVILEGED_TOKEN_NAME);
    if (!token) throw new Error(`the ${UNDER_PRIVILEGED_TOKEN_NAME} token was removed from the state`);
    return token;
  },

  /**
   * Admin UI > System > Access Token. Permissions are given as in the UI
   * (`{role}admin-api`) or already encoded (`Radmin-api`); `expiresAt` is epoch
   * milliseconds, so a test can make an expired token.
   */
  addAccessToken(state: FessState, body: unknown): FessAccessToken {
    const input = asObject(body);
    const permissions = input.permissions ?? [];
    if (!Array.isArray(permissions) || !permissions.every((p): p is string => typeof p === "string")) {
      throw new Error("permissions must be an array of strings");
    }
    const token: FessAccessToken = {
      name: typeof input.name === "string" ? input.name : `token-${state.accessTokens.length + 1}`,
      token: generateAccessToken(),
      permissions: permissions.map(encodePermission),
      ...(typeof input.parameterName === "string" ? { parameterName: input.parameterName } : {}),
      ...(typeof input.expiresAt === "number" ? { expiresAt: input.expiresAt } : {}),
    };
    state.accessTokens.push(token);
    return token;
  },

  /** Whether a user (by `id`, or by `name` through its id) has this password; the API never shows it. */
  verifyPassword(state: FessState, body: unknown): { ok: boolean } {
    const input = asObject(body);
    const id = typeof input.id === "string" ? input.id : typeof input.name === "string" ? fessId(input.name) : undefined;
    if (id === undefined || typeof input.password !== "string") throw new Error("give id or name, and password");
    const user = ownRecord(state.users, id);
    if (!user) throw new Error(`no user ${id}`);
    return { ok: passwordMatches(user.passwordHash, input.password) };
  },
} satisfies Readonly<Record<string, (state: FessState, body: unknown) => unknown>>;

function asObject(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new Error("the body must be a JSON object");
  return body as Record<string, unknown>;
}
