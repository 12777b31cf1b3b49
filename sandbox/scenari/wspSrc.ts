/**
 * `wspSrc`, reduced to what access management needs: the role maps of a
 * workspace's root and spaces. Content (items, resources) is not modelled.
 */
import { ScenariHttpError, jsonReply } from "./http";
import { applyRolesChange, normaliseRefUri, renderRoleMap } from "./roleMaps";
import { READ, WRITE, type Call, type Service } from "./service";
import { requireWsp } from "./workspaces";

export const wspSrc: Service = {
  adminOnly: true,
  actions: {
    SetSpecifiedRoles: {
      methods: WRITE,
      run(call) {
        const wsp = requireWsp(call.state, call.params.required("param"));
        const refUri = normaliseRefUri(call.params.get("refUri"));
        applyRolesChange(wsp, refUri, call.params.cdm("options") ?? {});
        wsp.modifiedAt = call.now;
        // The node's whole map, which the web client puts in place of its table.
        return jsonReply(renderRoleMap(call.state, wsp, refUri));
      },
    },
    GetSrc: {
      methods: READ,
      run(call: Call) {
        const format = call.params.get("format");
        if (format !== "specifiedRoles") {
          throw new ScenariHttpError(501, `The sandbox does not model workspace content (GetSrc format=${format ?? ""})`);
        }
        const wsp = requireWsp(call.state, call.params.required("param"));
        const forUser = call.params.tabList("forUser");
        return jsonReply(
          renderRoleMap(call.state, wsp, normaliseRefUri(call.params.get("refUri")), forUser.length > 0 ? forUser : undefined),
        );
      },
    },
  },
};
