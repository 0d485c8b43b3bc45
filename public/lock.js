// Runs before the page is shown. If someone signed out on this device from the very session
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
