// A wallet gift's payment page: ask our server every few seconds where the gift stands (the
// provider's event settles it) and go on to the thank-you page once it is received. Our own
// endpoint only; no third-party script.
(function () {
  "use strict";
  const page = document.querySelector("[data-status-url]");
  if (!page) { return; }
  const failed = document.getElementById("wallet-failed");
  const status = document.getElementById("wallet-status");
  let delay = 2000;

  async function check() {
    try {
      const response = await fetch(page.dataset.statusUrl, {
        credentials: "same-origin", headers: { "Accept": "application/json" }, cache: "no-store",
      });
      if (response.ok) {
        const answer = await response.json();
        if (answer.status === "succeeded") {
          window.location.assign(answer.redirect || page.dataset.thanksUrl);
          return;
        }
        if (answer.status === "failed") {
          failed.textContent = answer.message || "";
          failed.hidden = false;
          status.hidden = true;
          return;
        }
      }
    } catch (err) {
      // A network hiccup: ask again later, a little less often.
    }
    delay = Math.min(delay * 1.25, 10000);
    window.setTimeout(check, delay);
  }
  window.setTimeout(check, delay);
})();
