/**
 * `POST /tokens` (HTTP Basic) and `DELETE /tokens` (Bearer). Only under the
 * global prefix: the departement-scoped blueprint has no token route.
 */
import type { Router } from "../../core/router";
import { API_PREFIX, type Clock } from "../api";
import { authenticateBasic, authenticateBearer, issueToken, revokeToken } from "../auth";
import { ApiError } from "../errors";
import type { ScodocState } from "../model";

export function mountTokens(router: Router<ScodocState>, clock: Clock): void {
  router.on("POST", `${API_PREFIX}/tokens`, (ctx, state) => {
    try {
      const user = authenticateBasic(state, ctx.headers);
      const now = clock();
      user.last_seen = new Date(now).toISOString();
      return { status: 200, body: { token: issueToken(user, now) } };
    } catch (error) {
      if (error instanceof ApiError) return error.toReply();
      throw error;
    }
  });

  router.on("DELETE", `${API_PREFIX}/tokens`, (ctx, state) => {
    try {
      const now = clock();
      revokeToken(authenticateBearer(state, ctx.headers, now), now);
      return { status: 204 };
    } catch (error) {
      if (error instanceof ApiError) return error.toReply();
      throw error;
    }
  });
}
