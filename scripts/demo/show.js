// Tables of what each sandbox holds after the demo's `pulumi up`, read
// through the applications' own APIs with the package's own clients.
"use strict";

const { resolveConnection } = require("../../dist/providers/core/connection");
const { scodocClient } = require("../../dist/providers/scodoc/client");
const { drofusClient } = require("../../dist/providers/drofus/client");
const { fessClient, nameOfFessId } = require("../../dist/providers/fess/client");
const { scenariClient } = require("../../dist/providers/scenari/client");

function table(title, rows) {
  console.log(`${title}`);
  if (rows.length === 0) return console.log("  (none)\n");
  const keys = Object.keys(rows[0]);
  const width = keys.map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
  const line = (cells) => `  ${cells.map((c, i) => String(c).padEnd(width[i])).join("  ")}`;
  console.log(line(keys));
  console.log(line(width.map((w) => "-".repeat(w))));
  for (const r of rows) console.log(line(keys.map((k) => r[k])));
  console.log("");
}

async function showScodoc(endpoint) {
  const client = scodocClient(resolveConnection("scodoc", endpoint));
  const [depts, roles, users] = await Promise.all([client.departements(), client.roles(), client.users()]);
  console.log(`ScoDoc (${endpoint.url})`);
  table(
    "  departements",
    depts.map((d) => ({ acronym: d.acronym, id: d.id, visible: d.visible })),
  );
  table(
    "  roles",
    roles.map((r) => ({ role: r.role_name, permissions: r.permissions.length })),
  );
  table(
    "  users",
    users.map((u) => ({
      login: u.user_name,
      name: `${u.prenom ?? ""} ${u.nom ?? ""}`.trim(),
      dept: u.dept ?? "",
      active: u.active,
      grants: u.roles_string || "",
    })),
  );
}

async function showDrofus(endpoint) {
  const client = drofusClient(resolveConnection("drofus", endpoint));
  const projects = await client.projects();
  console.log(`dRofus (${endpoint.url})`);
  table(
    "  projects",
    projects.map((p) => ({ id: p.id, name: p.name, no: p.no ?? "", database: p.database_id ?? "", active: p.active })),
  );
  const members = [];
  for (const user of await client.users()) {
    for (const p of projects) {
      const m = await client.projectUser(user.username, p.id);
      if (m)
        members.push({
          project: p.id,
          username: user.username,
          name: `${user.first_name ?? ""} ${user.last_name ?? ""}`.trim(),
          superuser: m.superuser ?? false,
        });
    }
  }
  table("  project members", members);
}

async function showScenari(endpoint) {
  const client = scenariClient(resolveConnection("scenari", endpoint));
  const [accounts, wsps] = await Promise.all([client.listAccounts(), client.listWorkspaces()]);
  console.log(`Scenari (${endpoint.url})`);
  table(
    "  users and groups",
    accounts.map((a) => ({
      account: a.account,
      type: a.userType ?? "user",
      name: a.userType === "group" ? (a.groupName ?? "") : `${a.firstName ?? ""} ${a.lastName ?? ""}`.trim(),
      groups: (a.groups ?? []).join(","),
      roles: (a.grantedRoles ?? []).join(","),
    })),
  );
  table(
    "  workspaces",
    wsps.map((w) => ({
      alias: w.alias ?? "",
      wspCd: w.wspCd,
      title: w.title,
      model: `${w.model.wspType.key} ${w.model.wspType.version} ${w.model.wspType.lang}`,
    })),
  );
  const grants = [];
  for (const w of wsps) {
    for (const [account, entry] of Object.entries(await client.roles(w.wspCd)))
      grants.push({
        workspace: w.alias ?? w.wspCd,
        account,
        allowed: (entry.allowedRoles ?? []).join(","),
        denied: (entry.deniedRoles ?? []).join(","),
      });
  }
  table("  workspace roles", grants);
}

async function showFess(endpoint) {
  const client = fessClient(resolveConnection("fess", endpoint));
  const [roles, groups, users] = await Promise.all([client.list("role"), client.list("group"), client.list("user")]);
  const names = (ids) => (ids ?? []).map((id) => nameOfFessId(id) ?? id).join(",");
  console.log(`Fess (${endpoint.url})`);
  table(
    "  roles",
    roles.map((r) => ({ role: r.name })),
  );
  table(
    "  groups",
    groups.map((g) => ({ group: g.name })),
  );
  table(
    "  users",
    users.map((u) => ({ user: u.name, roles: names(u.roles), groups: names(u.groups) })),
  );
}

module.exports = { showScodoc, showDrofus, showFess, showScenari, table };
