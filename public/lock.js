// Runs before the page is shown. (1) If someone signed out on this device from the very session
// this page was rendered for (the server could not be told: no connection), nothing of the
// page is shown; offline.js then ends that session and goes to the sign-in page.
(function () {
  try {
    var lock = JSON.parse(localStorage.getItem("tandem:lock") || "null");
    var html = document.documentElement;
    if (lock && html.dataset.session && lock.session === html.dataset.session) html.classList.add("tandem-locked");
  } catch (e) {
    // storage blocked: offline.js still checks
  }
})();

// The header's menu button (narrow screens): with script, the navigation folds behind it
// (the `js` class; without script it stays open, as on a wide screen). Listening on the
// document, it works from the first paint, before any other code has loaded.
(function () {
  var html = document.documentElement;
  html.classList.add("js");
  function setOpen(button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    html.classList.toggle("menu-open", open);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".menu-button");
    if (button) setOpen(button, button.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !html.classList.contains("menu-open")) return;
    var button = document.querySelector(".menu-button");
    if (!button) return;
    setOpen(button, false);
    button.focus();
  });
})();
