import type { FaultConfig } from "../../sandbox/core/faults";
import { renderProject, renderProjectUser } from "../../sandbox/drofus/render";
import type { DrofusState } from "../../sandbox/drofus/state";

/** Where a project index that lists project users puts them: as entries beside the projects, or in a list inside each. */
export type MemberPlacement = "beside" | "inside";

/**
 * The project index as the documentation describes it ("returns projects
 * and project users"), built from the sandbox's state. The sandbox answers
 * the shape of the documentation's one sample, projects only; this is
 * served instead, as a canned answer (a fault rule with status 200) to the
 * next `times` requests for the index.
 */
export function indexListingMembers(state: DrofusState, placement: MemberPlacement, times = 1): FaultConfig {
  const projects = [...state.projects].sort((a, b) => a.id - b.id);
  const membersOf = (id: number) => state.projectUsers.filter((m) => m.project_id === id).map(renderProjectUser);
  const body =
    placement === "beside"
      ? [...projects.map(renderProject), ...state.projectUsers.map(renderProjectUser)]
      : projects.map((p) => ({ project: { ...renderProject(p).project, project_users: membersOf(p.id) } }));
  return { rules: [{ method: "GET", path: "^/projects$", status: 200, body, times }] };
}
