import type { Reply } from "../core/router";
import type { Call } from "./endpoint";
import { json, notFound } from "./rails";
import { renderUser } from "./render";
import { type DrofusState, journal, railsTime, type UserRecord } from "./state";

/**
 * `/users`: list, show, and the state-changing GETs disable, enable and kick.
 * Users are only created through `POST /project_users`. Usernames are opaque
 * (dots, commas and all), so they are compared exactly.
 */

/** What the server-wide user actions answer; the documentation shows none. */
const OK = { status: "ok" } as const;

export function findUser(state: DrofusState, username: string): UserRecord | undefined {
  return state.users.find((u) => u.username === username);
}

export function listUsers({ ctx, state }: Call): Reply {
  const q = ctx.query.get("q")?.toLowerCase() ?? "";
  const matches = (u: UserRecord) => [u.username, u.first_name, u.last_name, u.email].some((text) => text.toLowerCase().includes(q));
  return json(200, state.users.filter(matches).map(renderUser));
}

export function showUser({ state, id }: Call): Reply {
  const user = findUser(state, id);
  return user ? json(200, renderUser(user)) : notFound();
}

/** `disable` and `enable` switch a user's login off and on for every project. */
export function setUserDisabled(disabled: boolean) {
  return ({ state, id }: Call): Reply => {
    const user = findUser(state, id);
    if (!user) return notFound();
    user.disabled = disabled;
    return json(200, OK);
  };
}

/** Ends the user's sessions; nothing to show for it but the event. */
export function kickUser({ state, actor, id }: Call): Reply {
  const user = findUser(state, id);
  if (!user) return notFound();
  journal(state.events, { action: "kick", target: user.username, by: actor.username, at: railsTime() });
  return json(200, OK);
}
