/** `wspMetaEditor`: the installed models a workspace can be created with or moved to. */
import { xmlReply } from "./http";
import { READ, type Service } from "./service";
import { requireWsp } from "./workspaces";
import { renderEditor } from "./wspTypes";

export const wspMetaEditor: Service = {
  adminOnly: true,
  actions: {
    // The web client also sends `param` and `createParams` (a template workspace); every model is offered regardless.
    GetNewEditor: { methods: READ, run: (call) => xmlReply(renderEditor(call.state.wspTypeDefs)) },
    GetUpdateEditor: {
      methods: READ,
      run(call) {
        const wsp = requireWsp(call.state, call.params.required("param"));
        return xmlReply(renderEditor(call.state.wspTypeDefs, { type: wsp.wspType, options: wsp.wspOptions }));
      },
    },
  },
};
