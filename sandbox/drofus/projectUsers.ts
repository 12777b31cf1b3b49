import type { Reply } from "../core/router";
import type { Call } from "./endpoint";
import { findProject } from "./projects";
import { bodyParams, json, locationOf, noContent, notFound, own, permit, type Params, requireParam, unprocessable } from "./rails";
import { PROJECT_USER_COLUMNS, renderProjectUser } from "./render";
import { type DrofusState, FLAG_FIELDS, journal, type ProjectUserRecord, railsTime, RIGHTS_FIELDS, type UserRecord } from "./state";
import { findUser } from "./users";
import {
  BLANK,
  castBoolean,
  castInteger,
  castRights,
  castString,
  Errors,
  INVALID,
  isBlank,
  MUST_EXIST,
  NOT_IN_LIST,
  parseId,
} from "./validation";

/**
 * `/project_users`: a user's membership of a project and its rights. There
 * is no index; a membership is addressed as `username,projectid`.
 */

const MEMBERSHIP_FIELDS = [...RIGHTS_FIELDS, ...FLAG_FIELDS] as const;
const USER_FIELDS = ["username", "first_name", "last_name", "email"] as const;

/** Usernames may hold dots and commas (hence the last-comma split); not blanks or control characters. */
const USERNAME = /^[^\s\p{Cc}]{1,255}$/u;
const EMAIL = /^[^@\s]+@[^@\s]+$/;
const MISMATCH = "does not match the registered user";
const DUPLICATE = "already in project";

/** Splits `username,projectid` on its last comma: usernames may contain commas, ids cannot. */
export function parseMembershipId(id: string): { username: string; projectId: number } | undefined {
  const comma = id.lastIndexOf(",");
  if (comma <= 0) return undefined;
  const projectId = parseId(id.slice(comma + 1));
  return projectId === undefined ? undefined : { username: id.slice(0, comma), projectId };
}

export function findMembership(state: DrofusState, username: string, projectId: number): ProjectUserRecord | undefined {
  return state.projectUsers.find((pu) => pu.username === username && pu.project_id === projectId);
}

function findMembershipById(state: DrofusState, id: string): ProjectUserRecord | undefined {
  const key = parseMembershipId(id);
  return key && findMembership(state, key.username, key.projectId);
}

export function showProjectUser({ state, id }: Call): Reply {
  const membership = findMembershipById(state, id);
  return membership ? json(200, renderProjectUser(membership)) : notFound();
}

/**
 * Adds a user to a project, creating the user first when the server does not
 * know the username. For a known user the names and email sent must be the
 * registered ones, as the seed warns.
 */
export function createProjectUser({ ctx, state }: Call): Reply {
  const params = bodyParams(ctx, "project_user", PROJECT_USER_COLUMNS);
  const membershipParams = permit(requireParam(params, "project_user"), ["project_id", ...MEMBERSHIP_FIELDS]);
  const userParams = permit(requireParam(params, "user"), USER_FIELDS);
  const errors = new Errors();

  const project = findProject(state, castInteger(own(membershipParams, "project_id")));
  if (!project) errors.add("project", MUST_EXIST);
  const changes = validateMembership(membershipParams, errors);
  const user = validateUser(userParams, state, errors);
  // Optional: without it no email goes out. The seed sends it as a string, "6".
  const mailType = castInteger(own(params, "mail_type"));
  if (mailType !== undefined && !(mailType >= 1)) errors.add("mail_type", INVALID);
  if (project && user && findMembership(state, user.username, project.id)) errors.add("user", DUPLICATE);
  if (errors.any || !project || !user) return unprocessable(errors.toJSON());

  const at = railsTime();
  if (!state.users.includes(user)) state.users.push(user);
  const membership: ProjectUserRecord = {
    username: user.username,
    project_id: project.id,
    created_at: at,
    role: null,
    user_role_id: null,
    superuser: null,
    addon_admin: null,
    no_web_admin_access: null,
    room_rights: null,
    equipment_rights: null,
    tender_rights: null,
    consignation_rights: null,
    system_rights: null,
    modelstore_rights: null,
    room_surface_treatment_rights: null,
    ...changes,
  };
  state.projectUsers.push(membership);
  if (mailType !== undefined) {
    journal(state.mails, { username: user.username, project_id: project.id, mail_type: mailType, sent_at: at });
  }
  const location = locationOf(ctx, `/project_users/${encodeURIComponent(user.username)},${project.id}`);
  return json(201, renderProjectUser(membership), { location });
}

/** Changes rights and flags; the username and project id in the body are ignored, the URL says which. */
export function updateProjectUser({ ctx, state, id }: Call): Reply {
  const membership = findMembershipById(state, id);
  if (!membership) return notFound();
  const params = requireParam(bodyParams(ctx, "project_user", PROJECT_USER_COLUMNS), "project_user");
  const errors = new Errors();
  const changes = validateMembership(permit(params, MEMBERSHIP_FIELDS), errors);
  if (errors.any) return unprocessable(errors.toJSON());
  Object.assign(membership, changes);
  return json(200, renderProjectUser(membership));
}

export function destroyProjectUser({ state, id }: Call): Reply {
  const membership = findMembershipById(state, id);
  if (!membership) return notFound();
  state.projectUsers = state.projectUsers.filter((pu) => pu !== membership);
  return noContent;
}

type MembershipChanges = Partial<Pick<ProjectUserRecord, (typeof MEMBERSHIP_FIELDS)[number]>>;

/** Rights must be a level 1..4; flags take Rails' boolean spellings, blank clearing them. */
function validateMembership(params: Params, errors: Errors): MembershipChanges {
  const changes: MembershipChanges = {};
  for (const field of RIGHTS_FIELDS) {
    if (!Object.hasOwn(params, field)) continue;
    const level = castRights(params[field]);
    if (level === undefined) errors.add(field, NOT_IN_LIST);
    else changes[field] = level;
  }
  for (const field of FLAG_FIELDS) {
    if (Object.hasOwn(params, field)) changes[field] = castBoolean(params[field]);
  }
  return changes;
}

/**
 * The user the membership is for: the registered one if the username is
 * known (and the details sent agree with it), else a new one, not yet stored.
 */
function validateUser(params: Params, state: DrofusState, errors: Errors): UserRecord | undefined {
  const username = own(params, "username");
  if (isBlank(username)) {
    errors.add("username", BLANK);
    return undefined;
  }
  if (!USERNAME.test(String(username))) {
    errors.add("username", INVALID);
    return undefined;
  }
  const known = findUser(state, String(username));
  if (known) {
    for (const field of ["first_name", "last_name", "email"] as const) {
      const sent = own(params, field);
      if (isBlank(sent)) continue;
      const same = field === "email" ? String(sent).toLowerCase() === known.email.toLowerCase() : String(sent) === known[field];
      if (!same) errors.add(field, MISMATCH);
    }
    return known;
  }
  let valid = true;
  for (const field of ["first_name", "last_name", "email"] as const) {
    if (isBlank(own(params, field))) {
      errors.add(field, BLANK);
      valid = false;
    }
  }
  const email = castString(own(params, "email"));
  if (email !== null && !isBlank(email) && !EMAIL.test(email)) {
    errors.add("email", INVALID);
    valid = false;
  }
  if (!valid) return undefined;
  return {
    username: String(username),
    first_name: String(own(params, "first_name")),
    last_name: String(own(params, "last_name")),
    email: String(email),
    disabled: false,
    created_at: railsTime(),
    admin: false,
    password: null,
  };
}
