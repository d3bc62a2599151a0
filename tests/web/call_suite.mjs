// The suite of the call tests (calls.test.mjs, calls_turn.test.mjs): pageSuite (pages.mjs) with
// Chromium's fake camera and microphone, and Debian's coturn on loopback started before the
// broker with a fresh secret the plugin shares (call_turn_urls, call_turn_secret), so the
// credentials it hands out log in; the ringing outlasts a loaded machine.
import { randomBytes } from "node:crypto";
import { after } from "node:test";
import { FAKE_MEDIA_ARGS } from "./call_pages.mjs";
import { Coturn } from "./coturn.mjs";
import { pageSuite } from "./pages.mjs";

/** `extraConfig`: more plugin options. Returns the suite and `turn()`, its coturn. */
export function callSuite(extraConfig = []) {
  const secret = randomBytes(24).toString("hex");
  let turn;
  const suite = pageSuite({
    browserArgs: FAKE_MEDIA_ARGS,
    configure: async (broker) => {
      turn = await new Coturn(secret).start();
      broker.extraConfig.push(
        `plugin_opt_call_turn_urls ${turn.url}`,
        `plugin_opt_call_turn_secret ${secret}`,
        "plugin_opt_call_ring_timeout_s 120", // a loaded machine must not time the ringing out
        ...extraConfig,
      );
    },
  });
  after(() => turn?.cleanup()); // coturn would keep the test process alive
  return { suite, turn: () => turn };
}
