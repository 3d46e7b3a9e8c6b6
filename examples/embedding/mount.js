// Mounts Partner Center into the portal page with the exported function.
import { mount } from "/portal/partners/partner-center.js";

await mount(document.getElementById("partner-center"), {
  apiBaseUrl: "http://127.0.0.1:8080",
  basePath: "/portal/mount",
});
