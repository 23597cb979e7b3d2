// A card error in the page's language, for every card form (donate panel, need payment, new card).
// Stripe.js localises its own messages; the offline stand-in does not, so a page not in English
// carries our message per error code as data-card-error-<code> attributes on its form (ADR 0226);
// an English page shows the processor's message.
(function () {
  "use strict";
  const key = (code) => "cardError" + String(code).split(/[_-]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");

  function message(form, error) {
    if (form.dataset.cardErrorOther === undefined) {
      return error.message || form.dataset.cardErrorText || String(error);
    }
    for (const code of [error.decline_code, error.code]) {
      if (code && code !== "text" && code !== "other" && form.dataset[key(code)]) {
        return form.dataset[key(code)];
      }
    }
    return form.dataset.cardErrorOther;
  }

  window.ClearfundCardErrors = { message: message };
})();
