/** `ping`: the connectivity and credentials check (scenaripy only tests for 200). */
import { EMPTY_OK } from "./http";
import { READ, type Service } from "./service";

export const ping: Service = {
  adminOnly: false,
  actions: {
    Ping: { methods: READ, run: () => EMPTY_OK },
  },
};
