/** The state of a freshly installed server: its administrator, its system accounts and a few models. */
import type { Credentials } from "../core/server";
import { digestPassword } from "./accounts";
import type { Backend, ScenariState, StoredAccount } from "./state";
import { seedWspTypeDefs } from "./wspTypes";

/**
 * The administrator holds `main:admin` ("Administrateur technique", the role
 * that allows everything) and is the super administrator (INFERRED). The
 * system accounts are hidden and read-only: `system` holds `main:system`,
 * the role of scripts run on the server, and `anonymous` stands for requests
 * without credentials (INFERRED account names; the roles and flags are
 * documented).
 */
export function seedState(credentials: Credentials, backEnd: Backend, now = Date.now()): ScenariState {
  const admin: StoredAccount = {
    account: credentials.username,
    userType: "user",
    grantedRoles: ["main:admin"],
    isSuperAdmin: true,
    password: digestPassword(credentials.password),
    pwdDt: now,
  };
  const system: StoredAccount[] = [
    { account: "system", userType: "user", grantedRoles: ["main:system"], isHidden: true, isReadOnly: true },
    { account: "anonymous", userType: "user", isAnonymous: true, isHidden: true, isReadOnly: true },
  ];
  return {
    backEnd,
    accounts: [admin, ...system.filter((a) => a.account !== admin.account)],
    wsps: [],
    wspTypeDefs: seedWspTypeDefs(),
  };
}
