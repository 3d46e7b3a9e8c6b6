// Partner Center, static pages only (README › Deployment). Until the app
// has taken this page over, a form submitted here waits for it: the app
// submits it once ready, with what was typed. The page stays as it is.
document.addEventListener(
  "submit",
  function (event) {
    var root = document.documentElement;
    if (root.hasAttribute("data-pc-live")) return;
    event.preventDefault();
    var index = Array.prototype.indexOf.call(document.forms, event.target);
    if (index >= 0) root.setAttribute("data-pc-submit", String(index));
  },
  true
);
