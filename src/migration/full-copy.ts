// openMosix migration: freeze, send the context and every page of every region
// (touched or not), one page per message, and resume when the last page is in.
import { addBytes } from "../sim/bytes.js";
import { sendContext } from "./send.js";
import type { Mechanism } from "./types.js";

export const fullCopy: Mechanism = {
  name: "full-copy",
  description: "openMosix: freeze and copy the whole address space, then resume",
  start(ctx) {
    ctx.freeze();
    const { proc, net, dest } = ctx;
    let last = sendContext(ctx, ctx.decisionAt);
    const message = ctx.pageSize + ctx.costs.pageHeaderBytes;
    for (const region of proc.workload.regions) {
      for (let i = 0; i < region.pages; i++) {
        last = net.send(proc.home, dest, ctx.decisionAt, message);
      }
      addBytes(proc.bytes, "eager", region.pages * message);
    }
    proc.core.migrate(true);
    ctx.resume(last);
  },
};
