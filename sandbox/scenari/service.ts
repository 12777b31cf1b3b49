/**
 * How a Scenari service is described: one URL per service, the operation
 * chosen by `cdaction`, each operation accepting its own HTTP methods.
 */
import type { Reply, RequestContext } from "../core/router";
import type { CallParams } from "./http";
import type { ScenariState, StoredAccount } from "./state";

/** One call of one operation, after authentication. */
export interface Call {
  readonly ctx: RequestContext;
  readonly params: CallParams;
  readonly state: ScenariState;
  /** The authenticated account. */
  readonly caller: StoredAccount;
  readonly now: number;
}

export type Method = "GET" | "POST" | "PUT";

export interface Action {
  readonly methods: readonly Method[];
  run(call: Call): Reply;
}

export interface Service {
  /** Whether only administrators may call it; `ping` is open to every authenticated account. */
  readonly adminOnly: boolean;
  readonly actions: Readonly<Record<string, Action>>;
}

/**
 * Reads may come as GET or as POST: the web client posts long parameters.
 * Writes must be POST; actions whose body is XML or binary, PUT.
 */
export const READ: readonly Method[] = ["GET", "POST"];
export const WRITE: readonly Method[] = ["POST"];
export const PUT_BODY: readonly Method[] = ["PUT"];
