// Donation panel: card details go from this page to the payment processor through Stripe.js;
// our server only ever sees the SetupIntent / PaymentIntent ids.
(function () {
  "use strict";
  const form = document.getElementById("donate-form");
  // WeChat Pay and Alipay (data-wallet-url, ADR 0232) need no Stripe.js: our server creates the
  // payment and the browser only follows where it says.
  const walletUrl = form ? form.dataset.walletUrl : "";
  if (!form || (typeof Stripe === "undefined" && !walletUrl)) { return; }

  const message = document.getElementById("donate-message");
  const submit = document.getElementById("donate-submit");
  const amountInput = document.getElementById("donate-amount");
  // Stripe.js writes its own messages (declines, incomplete card): in the page's language.
  const locale = form.dataset.stripeLocale || "auto";
  const stripe = typeof Stripe === "undefined" ? null : Stripe(form.dataset.stripeKey, { locale: locale });
  const card = stripe ? stripe.elements({ locale: locale }).create("card") : null;
  if (card) { card.mount("#card-element"); }

  // The way to pay: "card" unless the donor chose a wallet. A wallet gift is one-off and needs
  // no card field.
  function chosenMethod() {
    const chosen = form.querySelector("input[name=method]:checked");
    return chosen ? chosen.value : "card";
  }
  function methodChanged() {
    const wallet = chosenMethod() !== "card";
    document.getElementById("card-element").hidden = wallet;
    const secure = document.getElementById("donate-secure");
    if (secure) { secure.hidden = wallet; }
    const monthly = form.querySelector("input[name=frequency][value=monthly]");
    const oneOff = form.querySelector("input[name=frequency][value=one_off]");
    if (monthly) {
      monthly.disabled = wallet;
      if (wallet && monthly.checked && oneOff) { oneOff.checked = true; }
    }
  }
  form.querySelectorAll("input[name=method]").forEach((input) => input.addEventListener("change", methodChanged));
  methodChanged();

  // One id per form: posting it twice (double click, retry after a network error) is one gift.
  function newAttempt() {
    const b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  form.elements.attempt.value = newAttempt();

  form.querySelectorAll("button.preset").forEach((button) => {
    button.addEventListener("click", () => {
      amountInput.value = button.dataset.amount.replace(/\.00$/, "");
      form.querySelectorAll("button.preset").forEach((b) => b.setAttribute("aria-pressed", "false"));
      button.setAttribute("aria-pressed", "true");
    });
  });

  // The page carries no CSRF token (so it can be cached); the cookie comes from a tiny endpoint.
  async function csrfToken() {
    const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) { return decodeURIComponent(m[1]); }
    const response = await fetch(form.dataset.csrfUrl, { credentials: "same-origin" });
    return (await response.json()).token;
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      body: body || new FormData(),
      headers: { "X-CSRFToken": await csrfToken(), "Accept": "application/json" },
      credentials: "same-origin",
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    if (response.status === 429 || response.status === 503) {
      data.status = "error";
    }
    return data;
  }

  // In the page's language (card_errors.js, ADR 0226).
  const cardErrorMessage = (error) => window.ClearfundCardErrors.message(form, error);

  function show(text, kind) {
    message.textContent = text || "";
    message.className = kind || "";
  }

  function finish(result) {
    if (result.status === "succeeded" || result.status === "processing") {
      window.location.assign(result.redirect);
      return true;
    }
    return false;
  }

  // The button shows the exact amount the server will charge before any charge: the first press
  // sends the form, the server answers with the gift it wrote ("Give ¥500.00", in the page's
  // language), and only a press of that button confirms the card and charges it. Any change to
  // the form puts the button back to its first step.
  const startLabel = submit.textContent;
  let started = null;  // the server's answer for the form as it is now
  let shownLabel = null;  // the amount label the donor has seen on the button
  function formChanged(event) {
    // Typing the card is not a change of the gift (and the card field may live in this form).
    if (event && event.target && event.target.closest && event.target.closest("#card-element")) { return; }
    started = null;
    shownLabel = null;
    submit.textContent = startLabel;
    delete submit.dataset.amount;
  }
  form.addEventListener("input", formChanged);
  form.addEventListener("change", formChanged);
  form.querySelectorAll("button.preset").forEach((b) => b.addEventListener("click", formChanged));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    show(form.dataset.busyText || "…");
    try {
      if (chosenMethod() !== "card") {
        // The server writes the gift and creates the wallet payment; the browser goes where it
        // says: our QR page (WeChat Pay on a desktop) or the wallet's own page (phones, Alipay).
        const answer = await post(walletUrl, new FormData(form));
        if (answer.status === "invalid") {
          show(Object.values(answer.errors).flat().join(" "), "error");
        } else if (answer.status === "redirect") {
          window.location.assign(answer.url);
        } else {
          show(answer.message, "error");
        }
        return;
      }
      if (started === null) {
        const answer = await post(form.action, new FormData(form));
        if (answer.status === "invalid") {
          show(Object.values(answer.errors).flat().join(" "), "error");
          return;
        }
        if (answer.status !== "awaiting_card") {
          show(answer.message, "error");
          return;
        }
        started = answer;
        if (answer.submit_label !== shownLabel) {
          // Not yet seen by the donor (or changed): show it and wait for a press of this button.
          shownLabel = answer.submit_label;
          submit.textContent = answer.submit_label;
          submit.dataset.amount = answer.amount;
          show(answer.confirm_note);
          return;
        }
      }
      const setup = await stripe.confirmCardSetup(started.client_secret, {
        payment_method: { card: card, billing_details: { email: form.elements.email.value } },
      });
      if (setup.error || !setup.setupIntent) {
        // No card set up: never go on to charge (the gift would wait for its card), say why.
        const error = setup.error || {};
        show(cardErrorMessage(error), "error");
        return;
      }
      let result = await post(started.charge_url);
      if (result.status === "requires_action") {
        const auth = await stripe.confirmCardPayment(result.client_secret);
        if (auth.error) {
          show(cardErrorMessage(auth.error), "error");
        }
        result = await post(started.confirm_url);
      }
      if (!finish(result)) {
        show(result.message, "error");
        started = null;  // a new try needs a new card setup; the amount is checked again
      }
    } catch (err) {
      // A script error (a card form left empty, a network failure) is not for the donor to read:
      // say what to check, in their language; nothing was charged without a card set up.
      show(form.dataset.cardErrorText || String(err), "error");
    } finally {
      submit.disabled = false;
    }
  });
})();
