/**
 * Departements and their students.
 */
import type { ApiCall, ApiRoute } from "../api";
import { badRequest, notFound } from "../errors";
import { findDepartement, type DepartementRecord } from "../model";
import { renderDepartement, renderEtudiant } from "../render";
import { invalidAcronym, pyTruthy } from "../validation";

function byAcronym(call: ApiCall): DepartementRecord {
  const acronym = call.param("acronym");
  const dept = findDepartement(call.state, acronym);
  if (!dept) throw notFound(`departement ${acronym} inexistant`);
  return dept;
}

function byId(call: ApiCall): DepartementRecord {
  const id = call.int("dept_id");
  const dept = call.state.departements.find((d) => d.id === id);
  if (!dept) throw notFound(`departement ${id} inexistant`);
  return dept;
}

const students = (call: ApiCall, dept: DepartementRecord) => call.state.etudiants.filter((e) => e.dept_id === dept.id).map(renderEtudiant);

export const departementRoutes: readonly ApiRoute[] = [
  {
    method: "GET",
    path: "/departements",
    permission: "view",
    handle: (call) => call.state.departements.map(renderDepartement),
  },
  {
    method: "GET",
    path: "/departements_ids",
    permission: "view",
    handle: (call) => call.state.departements.map((d) => d.id),
  },
  {
    method: "GET",
    path: "/departement/:acronym",
    permission: "view",
    handle: (call) => renderDepartement(byAcronym(call)),
  },
  // Before /departement/id/<int>: "/departement/id/etudiants" is departement "id"'s students.
  {
    method: "GET",
    path: "/departement/:acronym/etudiants",
    permission: "view",
    handle: (call) => students(call, byAcronym(call)),
  },
  {
    method: "GET",
    path: "/departement/id/:dept_id",
    permission: "view",
    ints: ["dept_id"],
    handle: (call) => renderDepartement(byId(call)),
  },
  {
    method: "GET",
    path: "/departement/id/:dept_id/etudiants",
    permission: "view",
    ints: ["dept_id"],
    handle: (call) => students(call, byId(call)),
  },
  {
    method: "POST",
    path: "/departement/create",
    permission: "superAdmin",
    handle: (call) => {
      const data = call.body();
      const acronym = data.acronym;
      if (acronym === undefined || acronym === null || acronym === "") throw badRequest("missing acronym");
      if (typeof acronym !== "string") throw badRequest("acronym must be a string");
      const invalid = invalidAcronym(acronym);
      if (invalid) throw notFound(invalid);
      // Only this code path keeps acronyms unique: the column has no unique constraint.
      if (findDepartement(call.state, acronym)) throw notFound(`acronyme ${acronym} déjà existant`);
      const dept: DepartementRecord = {
        id: call.state.next.departement++,
        acronym,
        dept_name: null,
        description: null,
        visible: pyTruthy("visible" in data ? data.visible : true),
        date_creation: new Date(call.now).toISOString(),
      };
      call.state.departements.push(dept);
      return renderDepartement(dept);
    },
  },
  {
    method: "POST",
    path: "/departement/:acronym/edit",
    permission: "superAdmin",
    handle: (call) => {
      const dept = byAcronym(call);
      // ScoDoc reads `bool(data.get("visible", None))`: leaving `visible` out hides the departement.
      dept.visible = pyTruthy(call.body().visible);
      return renderDepartement(dept);
    },
  },
  {
    method: "POST",
    path: "/departement/:acronym/delete",
    permission: "superAdmin",
    handle: (call) => {
      const dept = byAcronym(call);
      const { state } = call;
      state.departements = state.departements.filter((d) => d !== dept);
      state.etudiants = state.etudiants.filter((e) => e.dept_id !== dept.id);
      // Users' home departement and role grants are plain strings in ScoDoc: they stay, dangling.
      return { OK: true };
    },
  },
];
