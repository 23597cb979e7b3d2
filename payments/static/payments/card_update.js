// A new card for a monthly gift: the card goes from this page to the payment processor through
// Stripe.js (the same card Element as the donate page); our server only sees the card setup's id.
// start (a new card setup) → confirmCardSetup with the card → finish (the server re-fetches the
// setup and, if it succeeded, makes its card the one the next renewal charges).
(function () {
  "use strict";
  const form = document.getElementById("card-update-form");
  if (!form || typeof Stripe === "undefined") { return; }

  const message = document.getElementById("card-update-message");
  const signIn = document.getElementById("card-update-sign-in");
  const submit = document.getElementById("card-update-submit");
  const locale = form.dataset.stripeLocale || "auto";
  const stripe = Stripe(form.dataset.stripeKey, { locale: locale });
  const card = stripe.elements({ locale: locale }).create("card");
  card.mount("#card-element");

  // In the page's language (card_errors.js, ADR 0226).
  const cardErrorMessage = (error) => window.ClearfundCardErrors.message(form, error);

  function show(text, kind) {
    message.textContent = text || "";
    message.className = kind || "";
  }

  // The page is private (never cached), so it carries its CSRF token in the form.
  async function post(url) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "X-CSRFToken": form.elements.csrfmiddlewaretoken.value, "Accept": "application/json" },
      credentials: "same-origin",
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    if (response.status === 403) {
      signIn.hidden = false;  // the session ended or the link expired: offer a way back
    }
    return data;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    signIn.hidden = true;
    show(form.dataset.busyText || "…");
    try {
      const started = await post(form.dataset.startUrl);
      if (!started.client_secret) {
        show(started.message || form.dataset.cardErrorText, "error");
        return;
      }
      const setup = await stripe.confirmCardSetup(started.client_secret, { payment_method: { card: card } });
      if (setup.error || !setup.setupIntent) {
        // Declined or not authenticated: nothing changes, the old card stays; say why.
        const error = setup.error || {};
        show(cardErrorMessage(error), "error");
        return;
      }
      const finished = await post(form.dataset.finishUrl);
      if (finished.ok && finished.redirect) {
        window.location.assign(finished.redirect);
        return;
      }
      show(finished.message || form.dataset.cardErrorText, "error");
    } catch (err) {
      // A script error (a card form left empty, a network failure) is not for the donor to read.
      show(form.dataset.cardErrorText || String(err), "error");
    } finally {
      submit.disabled = false;
    }
  });
})();
